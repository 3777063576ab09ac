import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import acrCreated from './__fixtures__/acr-created.json';
import token from './__fixtures__/token.json';
import { createSolarisAdapter } from './solaris-adapter';
import { parseSolarisSettings, SOLARIS_SANDBOX_API_URL, SOLARIS_SANDBOX_AUTH_URL } from './solaris-settings';

const ACR_PATH = '/v1/account_closure_requests';
const FORM_BODY = 'grant_type=client_credentials&scope=partners';
const credentials = { clientId: 'settings-client-id', clientSecret: 'settings-client-secret' };

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  vi.unstubAllEnvs();
});

describe('base and auth URLs: setting > environment > default', () => {
  it('defaults to the sandbox hosts', () => {
    vi.stubEnv('SOLARIS_BASE_URL', '');
    vi.stubEnv('SOLARIS_AUTH_URL', '');
    expect(parseSolarisSettings(credentials)).toMatchObject({
      baseUrl: SOLARIS_SANDBOX_API_URL,
      tokenUrl: SOLARIS_SANDBOX_AUTH_URL,
    });
  });

  it('reads SOLARIS_BASE_URL and SOLARIS_AUTH_URL (a bare auth host gets /oauth2/token)', () => {
    vi.stubEnv('SOLARIS_BASE_URL', 'https://api.solarisbank.de');
    vi.stubEnv('SOLARIS_AUTH_URL', 'https://auth.solarisbank.de');
    expect(parseSolarisSettings(credentials)).toMatchObject({
      baseUrl: 'https://api.solarisbank.de',
      tokenUrl: 'https://auth.solarisbank.de/oauth2/token',
    });
  });

  it('lets the settings win over the environment', () => {
    vi.stubEnv('SOLARIS_BASE_URL', 'https://api.solarisbank.de');
    vi.stubEnv('SOLARIS_AUTH_URL', 'https://auth.solarisbank.de');
    const resolved = parseSolarisSettings({
      ...credentials,
      baseUrl: 'http://127.0.0.1:4010',
      authUrl: 'http://127.0.0.1:4010/oauth2/token',
    });
    expect(resolved).toMatchObject({
      baseUrl: 'http://127.0.0.1:4010',
      tokenUrl: 'http://127.0.0.1:4010/oauth2/token',
    });
  });

  it('refuses an invalid URL from the environment, naming the variable, with every other problem', () => {
    vi.stubEnv('SOLARIS_BASE_URL', 'http://api.example.com');
    vi.stubEnv('SOLARIS_AUTH_URL', 'not a url');
    let thrown: unknown;
    try {
      createSolarisAdapter({ ...credentials, timeoutMs: -1 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'INVALID_REQUEST' });
    const paths = (thrown as { details: { issues: { path: string }[] } }).details.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['SOLARIS_BASE_URL', 'SOLARIS_AUTH_URL', 'timeoutMs']));
  });

  it('sends to the hosts the environment names', async () => {
    vi.stubEnv('SOLARIS_BASE_URL', 'https://api.solaris.env.test');
    vi.stubEnv('SOLARIS_AUTH_URL', 'https://auth.solaris.env.test');
    nock('https://auth.solaris.env.test').post('/oauth2/token', FORM_BODY).reply(201, token);
    nock('https://api.solaris.env.test').get(`${ACR_PATH}/${acrCreated.id}`).reply(200, acrCreated);
    const adapter = createSolarisAdapter(credentials);
    expect((await adapter.getClosure({ closureId: acrCreated.id }))._unsafeUnwrap().closureId).toBe(
      acrCreated.id,
    );
    expect(nock.isDone()).toBe(true);
  });
});
