import { ClosureError } from '@closekit/core';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import accountV1Open from './__fixtures__/account-v1-open.json';
import { createEmbeddedPaymentsAdapter } from './embedded-payments-adapter';
import { EMBEDDED_PAYMENTS_BASE_URLS, resolveEmbeddedPaymentsSettings } from './embedded-payments-settings';

const thrown = (run: () => unknown): ClosureError => {
  try {
    run();
  } catch (error) {
    if (ClosureError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('did not throw');
};

describe('base URL and API version: setting > environment > default', () => {
  it('defaults to the v1 sandbox', () => {
    expect(resolveEmbeddedPaymentsSettings({}, {})).toMatchObject({
      apiVersion: 'v1',
      baseUrl: EMBEDDED_PAYMENTS_BASE_URLS.v1.sandbox,
      preflight: true,
    });
  });

  it('reads EMBEDDED_PAYMENTS_BASE_URL and EMBEDDED_PAYMENTS_API_VERSION when the settings are absent', () => {
    const env = {
      EMBEDDED_PAYMENTS_BASE_URL: 'http://127.0.0.1:4010/embedded/v2',
      EMBEDDED_PAYMENTS_API_VERSION: 'v2',
    };
    expect(resolveEmbeddedPaymentsSettings({}, env)).toMatchObject({
      apiVersion: 'v2',
      baseUrl: 'http://127.0.0.1:4010/embedded/v2',
    });
    // The version alone picks that version's sandbox.
    expect(resolveEmbeddedPaymentsSettings({}, { EMBEDDED_PAYMENTS_API_VERSION: 'v2' }).baseUrl).toBe(
      EMBEDDED_PAYMENTS_BASE_URLS.v2.sandbox,
    );
  });

  it('lets the settings win over the environment, and ignores empty variables', () => {
    const env = {
      EMBEDDED_PAYMENTS_BASE_URL: 'https://env.example/embedded/v1',
      EMBEDDED_PAYMENTS_API_VERSION: 'v3',
    };
    expect(
      resolveEmbeddedPaymentsSettings(
        { baseUrl: 'https://setting.example/embedded/v2', apiVersion: 'v2' },
        env,
      ),
    ).toMatchObject({ apiVersion: 'v2', baseUrl: 'https://setting.example/embedded/v2' });
    expect(
      resolveEmbeddedPaymentsSettings(
        {},
        { EMBEDDED_PAYMENTS_BASE_URL: '', EMBEDDED_PAYMENTS_API_VERSION: '' },
      ),
    ).toMatchObject({ apiVersion: 'v1', baseUrl: EMBEDDED_PAYMENTS_BASE_URLS.v1.sandbox });
  });

  it('throws one error naming each bad variable, with the bad settings', () => {
    const error = thrown(() =>
      resolveEmbeddedPaymentsSettings(
        { preflight: 'yes' },
        {
          EMBEDDED_PAYMENTS_API_VERSION: 'v3',
          EMBEDDED_PAYMENTS_BASE_URL: 'http://bank.example/embedded/v1',
        },
      ),
    );
    expect(error.code).toBe('INVALID_REQUEST');
    const paths = (error.details as { issues: { path: string }[] }).issues.map((issue) => issue.path);
    expect(paths).toEqual(['preflight', 'EMBEDDED_PAYMENTS_BASE_URL', 'EMBEDDED_PAYMENTS_API_VERSION']);
    expect(error.message).toContain('EMBEDDED_PAYMENTS_API_VERSION must be v1 or v2');
  });
});

describe('the factory reads the environment', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    vi.unstubAllEnvs();
    nock.cleanAll();
  });
  afterAll(() => nock.enableNetConnect());

  it('sends to EMBEDDED_PAYMENTS_BASE_URL', async () => {
    vi.stubEnv('EMBEDDED_PAYMENTS_BASE_URL', 'https://ep-gateway.example/embedded/v1');
    const scope = nock('https://ep-gateway.example')
      .get(`/embedded/v1/accounts/${accountV1Open.id}`)
      .reply(200, { ...accountV1Open, state: 'CLOSED' });
    const closure = (
      await createEmbeddedPaymentsAdapter().getClosure({ accountId: accountV1Open.id })
    )._unsafeUnwrap();
    expect(closure.state.unified).toBe('CLOSED');
    expect(scope.isDone()).toBe(true);
  });

  it('refuses EMBEDDED_PAYMENTS_API_VERSION=v3 at creation, naming the variable', () => {
    vi.stubEnv('EMBEDDED_PAYMENTS_API_VERSION', 'v3');
    const error = thrown(() => createEmbeddedPaymentsAdapter());
    expect(error.message).toContain('EMBEDDED_PAYMENTS_API_VERSION');
  });
});
