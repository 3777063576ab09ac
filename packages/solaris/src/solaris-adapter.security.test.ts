import { ClosureError } from '@closekit/core';
import {
  assertErrorFreeOfSecrets,
  assertNoSecretLeak,
  createScriptedFetch,
  issuePaths,
  type RecordedRequest,
  type ScriptedReply,
  settingsErrorOf,
} from '@closekit/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import acrCreated from './__fixtures__/acr-created.json';
import acrInProgress from './__fixtures__/acr-in-progress.json';
import webhookAccountClosure from './__fixtures__/webhook-account-closure.json';
import { createSolarisAdapter } from './solaris-adapter';
import type { SolarisAdapterSettings } from './solaris-settings';
import { signSolarisWebhook } from './solaris-webhook';

/*
 * Security: secrets never leak from any failure, webhooks resist tampering, and
 * settings refuse credentials over plain http and list every problem at once.
 */

const API = 'https://api.solaris.test';
const AUTH = 'https://auth.solaris.test/oauth2/token';
const ACCOUNT = acrCreated.account_id;
// Random-looking values, so that no window of them appears in ordinary text by chance.
const CLIENT_ID = 'cid-Ua7Rt3Yp';
const CLIENT_SECRET = 'csec-Hq4Zx8Vn2Mw6Kd1Lf9';
const ACCESS_TOKEN = 'atok.Jb5Ns7Gc3Pe1Ry8Tu4';
const WEBHOOK_SECRET = 'whsec-Dm2Qa6Wz9Xc4Ev7Bn';
const OLD_WEBHOOK_SECRET = 'whsec-old-Ko3Li8Uj5Yh1';
const BASIC = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
const SECRETS = [CLIENT_SECRET, ACCESS_TOKEN, WEBHOOK_SECRET, OLD_WEBHOOK_SECRET, BASIC];
const expectNoSecret = (label: string, value: unknown) => assertNoSecretLeak(label, value, SECRETS);
const expectErrorClean = (error: ClosureError) => assertErrorFreeOfSecrets(error, SECRETS);

/**
 * What a leaky gateway or debug page echoes: the request's credentials, in every form. The access
 * token is only echoed by API hosts: before the token host has answered, no one can know it.
 */
const knownToken = (headers: Record<string, string>) =>
  headers.authorization?.startsWith('Bearer') ? ACCESS_TOKEN : '';
const echoJson = (headers: Record<string, string>) => ({
  errors: [
    {
      id: 'err-1',
      status: 500,
      code: 'echo',
      title: `you sent authorization ${headers.authorization ?? ''}`,
      detail: `client ${CLIENT_ID} secret ${CLIENT_SECRET} token ${knownToken(headers)} basic ${BASIC}`,
    },
  ],
  access_token: knownToken(headers),
  debug: { headers },
});
const echoHtml = (headers: Record<string, string>) =>
  `<!doctype html><html><body><h1>502</h1><pre>Authorization: ${headers.authorization ?? ''}\n${CLIENT_SECRET}\n${knownToken(headers)}</pre></body></html>`;

type Responder = (request: RecordedRequest, kind: 'token' | 'create' | 'read') => ScriptedReply;

function harness(respond: Responder, overrides: Partial<SolarisAdapterSettings> = {}) {
  const events: unknown[] = [];
  const scripted = createScriptedFetch((request) => {
    const kind =
      request.url.origin === new URL(AUTH).origin ? 'token' : request.method === 'POST' ? 'create' : 'read';
    return respond(request, kind);
  });
  const adapter = createSolarisAdapter({
    baseUrl: API,
    authUrl: AUTH,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    webhookSecrets: [OLD_WEBHOOK_SECRET, WEBHOOK_SECRET],
    fetch: scripted.fetch,
    timeoutMs: 40,
    maxRetries: 1,
    backoff: { baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5 },
    hooks: {
      onRequest: (event) => events.push(event),
      onResponse: (event) => events.push(event),
      onRetry: (event) => events.push(event),
    },
    ...overrides,
  });
  return { adapter, events, scripted };
}

const token = { access_token: ACCESS_TOKEN, expires_in: 3600, token_type: 'bearer' };

const scenarios: Record<string, Responder> = {
  'token 401 echoing the Basic header (JSON)': (request, kind) =>
    kind === 'token' ? { status: 401, body: echoJson(request.headers) } : { status: 500 },
  'token 400 OAuth error echoing the secret': (_request, kind) =>
    kind === 'token'
      ? {
          status: 400,
          body: { error: 'invalid_client', error_description: `bad secret ${CLIENT_SECRET} for ${BASIC}` },
        }
      : { status: 500 },
  'token 401 HTML page echoing the Basic header': (request, kind) =>
    kind === 'token'
      ? { status: 401, body: echoHtml(request.headers), headers: { 'content-type': 'text/html' } }
      : { status: 500 },
  'token 2xx that is not a token but echoes the secret': (request, kind) =>
    kind === 'token' ? { status: 200, body: echoHtml(request.headers) } : { status: 500 },
  // A token answer in an unexpected shape still carries a live token: it must not reach the excerpt.
  'token 2xx in an unexpected shape carrying a token': (_request, kind) =>
    kind === 'token'
      ? {
          status: 200,
          body: { data: { access_token: ACCESS_TOKEN, token: ACCESS_TOKEN }, expires_in: 'soon' },
        }
      : { status: 500 },
  'API 401 twice echoing the bearer token': (request, kind) =>
    kind === 'token' ? { status: 201, body: token } : { status: 401, body: echoJson(request.headers) },
  'API 5xx HTML echoing the bearer token, read-back too': (request, kind) =>
    kind === 'token'
      ? { status: 201, body: token }
      : {
          status: 502,
          body: echoHtml(request.headers),
          headers: { 'content-type': 'text/html', 'x-request-id': ACCESS_TOKEN },
        },
  'API 2xx invalid body echoing the token': (request, kind) =>
    kind === 'token'
      ? { status: 201, body: token }
      : { status: 200, body: { not: 'an acr', echo: echoJson(request.headers) } },
  'API 404/403 echoing everything': (request, kind) =>
    kind === 'token'
      ? { status: 201, body: token }
      : { status: kind === 'read' ? 404 : 403, body: echoJson(request.headers) },
  'API timeouts': (_request, kind) => (kind === 'token' ? { status: 201, body: token } : { hang: true }),
  'API connection resets': (_request, kind) =>
    kind === 'token' ? { status: 201, body: token } : { networkError: 'reset' },
  'API body that never ends': (_request, kind) =>
    kind === 'token' ? { status: 201, body: token } : { endlessBody: true },
  'token timeouts': (_request, kind) => (kind === 'token' ? { hang: true } : { status: 500 }),
};

describe('Solaris: no secret in any failure', () => {
  for (const [name, respond] of Object.entries(scenarios)) {
    it(`closeAccount, getClosure and listClosures stay clean: ${name}`, async () => {
      const { adapter, events, scripted } = harness(respond);
      const results = [
        await adapter.closeAccount({ accountId: ACCOUNT, reason: 'CUSTOMER_REQUEST' }),
        await adapter.getClosure({ closureId: acrCreated.id }),
        await adapter.getClosure({ accountId: ACCOUNT }),
        await adapter.listClosures({ accountId: ACCOUNT }),
      ];
      for (const result of results) {
        expect(result.isErr()).toBe(true);
        expectErrorClean(result._unsafeUnwrapErr());
      }
      expect(events.length).toBeGreaterThan(0);
      expectNoSecret('hook events', events);
      // The credentials did go where they belong: the provider needs them.
      const tokenRequest = scripted.requests.find((request) => request.url.origin === new URL(AUTH).origin);
      expect(tokenRequest?.headers.authorization).toBe(`Basic ${BASIC}`);
    });
  }

  it('a successful closure whose ACR echoes credentials returns them redacted in raw', async () => {
    const { adapter, events } = harness((request, kind) =>
      kind === 'token'
        ? { status: 201, body: token }
        : {
            status: 201,
            body: { ...acrCreated, note: `seen ${request.headers.authorization}`, secret: CLIENT_SECRET },
          },
    );
    const closure = (
      await adapter.closeAccount({ accountId: ACCOUNT, reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrap();
    expect(closure.closureId).toBe(acrCreated.id);
    expectNoSecret('closure', closure);
    expectNoSecret('hook events', events);
  });

  it('a list read-back that echoes the token is redacted in the returned closures', async () => {
    const { adapter } = harness((_request, kind) =>
      kind === 'token'
        ? { status: 201, body: token }
        : { status: 200, body: [{ ...acrInProgress, account_id: ACCOUNT, echo: ACCESS_TOKEN }] },
    );
    const page = (await adapter.listClosures({ accountId: ACCOUNT }))._unsafeUnwrap();
    expect(page.items).toHaveLength(1);
    expectNoSecret('page', page);
  });

  it('webhook failures and events never show a webhook secret', async () => {
    const { adapter } = harness(() => ({ status: 500 }));
    const rawBody = JSON.stringify({ ...acrCreated, note: `signed with ${WEBHOOK_SECRET}` });
    const good = await adapter.parseWebhook({
      rawBody,
      headers: { 'Solaris-Webhook-Signature': signSolarisWebhook(WEBHOOK_SECRET, rawBody) },
    });
    expectNoSecret('event', good._unsafeUnwrap());
    for (const signature of [
      signSolarisWebhook(WEBHOOK_SECRET, `${rawBody} `),
      `sha256=${WEBHOOK_SECRET}`,
      WEBHOOK_SECRET,
      `${WEBHOOK_SECRET}=${WEBHOOK_SECRET}`,
    ]) {
      const bad = await adapter.parseWebhook({
        rawBody,
        headers: { 'Solaris-Webhook-Signature': signature },
      });
      expectErrorClean(bad._unsafeUnwrapErr());
    }
  });
});

describe('Solaris webhook attacks', () => {
  const adapter = createSolarisAdapter({ webhookSecrets: [OLD_WEBHOOK_SECRET, WEBHOOK_SECRET] });
  const rawBody = JSON.stringify(acrInProgress);
  const signature = signSolarisWebhook(WEBHOOK_SECRET, rawBody);
  const headersWith = (value: string | string[] | undefined) => ({
    'Solaris-Webhook-Id': 'evt-0001',
    'Solaris-Webhook-Event-Type': 'ACCOUNT_CLOSURE_REQUEST_UPDATE',
    'Solaris-Webhook-Signature': value,
  });
  const codeOf = async (
    body: string | Uint8Array,
    headers: Record<string, string | string[] | undefined> | Headers,
  ) => {
    const result = await adapter.parseWebhook({ rawBody: body, headers });
    return result.isErr() ? result.error.code : 'OK';
  };

  it('accepts the genuine delivery under either rotated secret', async () => {
    expect(await codeOf(rawBody, headersWith(signature))).toBe('OK');
    expect(await codeOf(rawBody, headersWith(signSolarisWebhook(OLD_WEBHOOK_SECRET, rawBody)))).toBe('OK');
    expect(await codeOf(Buffer.from(rawBody), headersWith(signature))).toBe('OK');
  });

  it('refuses missing, malformed and truncated signatures', async () => {
    const hex = signature.slice('sha256='.length);
    for (const bad of [
      undefined,
      '',
      'sha256',
      'sha256=',
      hex,
      `sha1=${hex}`,
      `md5=${hex}`,
      `sha256=${hex.slice(0, 63)}`,
      `sha256=${hex.slice(0, 32)}`,
      `sha256=${hex}00`,
      `sha256=${'z'.repeat(64)}`,
      `sha256=${Buffer.from(hex, 'hex').toString('base64')}`,
      `sha256=${hex.slice(1)}x`,
    ]) {
      expect(await codeOf(rawBody, headersWith(bad))).toBe('WEBHOOK_SIGNATURE_INVALID');
    }
  });

  it('refuses a wrong secret and a valid signature of another body', async () => {
    expect(await codeOf(rawBody, headersWith(signSolarisWebhook('some-other-secret', rawBody)))).toBe(
      'WEBHOOK_SIGNATURE_INVALID',
    );
    const otherBody = JSON.stringify({ ...acrInProgress, status: 'COMPLETED' });
    expect(await codeOf(otherBody, headersWith(signature))).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect(await codeOf(rawBody, headersWith(signSolarisWebhook(WEBHOOK_SECRET, otherBody)))).toBe(
      'WEBHOOK_SIGNATURE_INVALID',
    );
  });

  it('refuses a re-serialised body (same JSON, other bytes): verification is over the raw bytes', async () => {
    const parsed = JSON.parse(rawBody) as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(parsed).reverse());
    for (const variant of [
      JSON.stringify(parsed, null, 2),
      JSON.stringify(reordered),
      `${rawBody}\n`,
      ` ${rawBody}`,
      rawBody.replace(/":/g, '": '),
    ]) {
      expect(variant).not.toBe(rawBody);
      expect(JSON.parse(variant)).toEqual(parsed);
      expect(await codeOf(variant, headersWith(signature))).toBe('WEBHOOK_SIGNATURE_INVALID');
    }
  });

  it('refuses an oversized body with a typed error, even when correctly signed', async () => {
    const huge = JSON.stringify({ ...acrInProgress, padding: 'x'.repeat(300 * 1024) });
    const result = await adapter.parseWebhook({
      rawBody: huge,
      headers: headersWith(signSolarisWebhook(WEBHOOK_SECRET, huge)),
    });
    const error = result._unsafeUnwrapErr();
    expect(ClosureError.isInstance(error)).toBe(true);
    expect(error.code).toBe('WEBHOOK_PAYLOAD_INVALID');
    expect(error.message).toMatch(/over the \d+-byte limit/);
  });

  it('refuses a body that is not the raw bytes (a parsed object)', async () => {
    const result = await adapter.parseWebhook({
      rawBody: acrInProgress as never,
      headers: headersWith(signature),
    });
    expect(result._unsafeUnwrapErr().code).toBe('WEBHOOK_PAYLOAD_INVALID');
  });

  it('replays of the same delivery yield the same eventId (with and without the id header)', async () => {
    const first = (await adapter.parseWebhook({ rawBody, headers: headersWith(signature) }))._unsafeUnwrap();
    const replay = (await adapter.parseWebhook({ rawBody, headers: headersWith(signature) }))._unsafeUnwrap();
    expect(replay.eventId).toBe('evt-0001');
    expect(replay).toEqual(first);
    const noId = {
      'Solaris-Webhook-Signature': signature,
      'Solaris-Webhook-Event-Type': 'ACCOUNT_CLOSURE_REQUEST_UPDATE',
    };
    const a = (await adapter.parseWebhook({ rawBody, headers: noId }))._unsafeUnwrap();
    const b = (await adapter.parseWebhook({ rawBody: Buffer.from(rawBody), headers: noId }))._unsafeUnwrap();
    expect(a.eventId).toMatch(/^body-sha256:[0-9a-f]{64}$/);
    expect(b.eventId).toBe(a.eventId);
    const closureBody = JSON.stringify(webhookAccountClosure);
    const other = (
      await adapter.parseWebhook({
        rawBody: closureBody,
        headers: { 'Solaris-Webhook-Signature': signSolarisWebhook(WEBHOOK_SECRET, closureBody) },
      })
    )._unsafeUnwrap();
    expect(other.eventId).not.toBe(a.eventId);
  });

  it('reads headers in any casing, as arrays, and from a Headers object', async () => {
    const variants: (Record<string, string | string[] | undefined> | Headers)[] = [
      { 'solaris-webhook-signature': signature, 'solaris-webhook-id': 'evt-0001' },
      { 'SOLARIS-WEBHOOK-SIGNATURE': signature, 'SOLARIS-WEBHOOK-ID': 'evt-0001' },
      { 'Solaris-Webhook-Signature': [signature, 'sha256=00'], 'Solaris-Webhook-Id': ['evt-0001'] },
      new Headers({ 'Solaris-Webhook-Signature': signature, 'Solaris-Webhook-Id': 'evt-0001' }),
    ];
    for (const headers of variants) {
      const event = (await adapter.parseWebhook({ rawBody, headers }))._unsafeUnwrap();
      expect(event.eventId).toBe('evt-0001');
      expect(event.closure?.closureId).toBe(acrInProgress.id);
    }
    // Only the first of repeated signature values counts: a forged first value is not rescued by a genuine second.
    expect(await codeOf(rawBody, { 'Solaris-Webhook-Signature': ['sha256=00', signature] })).toBe(
      'WEBHOOK_SIGNATURE_INVALID',
    );
  });

  it('refuses everything when no webhook secret is configured', async () => {
    const bare = createSolarisAdapter({});
    const result = await bare.parseWebhook({ rawBody, headers: headersWith(signature) });
    expect(result._unsafeUnwrapErr().code).toBe('WEBHOOK_SIGNATURE_INVALID');
  });
});

describe('Solaris settings', () => {
  const thrownBy = (settings: SolarisAdapterSettings) => settingsErrorOf(createSolarisAdapter, settings);
  const paths = issuePaths;

  it('refuses credentials over plain http to a non-loopback host, naming both URLs at once', () => {
    const error = thrownBy({
      baseUrl: 'http://api.solarisbank.de',
      authUrl: 'http://auth.solarisbank.de',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
    });
    expect(error.code).toBe('INVALID_REQUEST');
    expect(paths(error)).toEqual(['authUrl', 'baseUrl']);
    expect(error.message).toMatch(/https/);
    expectErrorClean(error);
  });

  it('allows plain http to loopback hosts (simulators)', async () => {
    for (const host of ['http://127.0.0.1:4010', 'http://localhost:4010', 'http://[::1]:4010']) {
      const scripted = createScriptedFetch((request) =>
        request.path === '/oauth2/token'
          ? { status: 201, body: token }
          : { status: 200, body: acrInProgress },
      );
      const adapter = createSolarisAdapter({
        baseUrl: host,
        authUrl: host,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        fetch: scripted.fetch,
      });
      expect((await adapter.getClosure({ closureId: acrInProgress.id })).isOk()).toBe(true);
      expect(scripted.requests.map((request) => request.url.origin)).toEqual([
        new URL(host).origin,
        new URL(host).origin,
      ]);
    }
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reports settings, environment and id/secret pairing problems in one error', () => {
    vi.stubEnv('SOLARIS_CLIENT_ID', '');
    vi.stubEnv('SOLARIS_CLIENT_SECRET', '');
    const unpaired = thrownBy({ clientId: CLIENT_ID, timeoutMs: -1, authUrl: 'http://auth.solarisbank.de' });
    expect(paths(unpaired)).toEqual(['authUrl', 'clientSecret', 'timeoutMs']);
    expect(unpaired.message).toMatch(/clientId and clientSecret go together/);
    vi.stubEnv('SOLARIS_CLIENT_SECRET', ` ${CLIENT_SECRET}`);
    const badEnv = thrownBy({ clientId: CLIENT_ID, maxRetries: 99 });
    expect(paths(badEnv)).toEqual(['SOLARIS_CLIENT_SECRET', 'maxRetries']);
    expectErrorClean(badEnv);
  });

  it('reports every invalid setting in one error, without echoing a secret', () => {
    const error = thrownBy({
      baseUrl: 'ftp://api.solarisbank.de',
      clientId: 'has:colon',
      clientSecret: ` ${CLIENT_SECRET} `,
      timeoutMs: 0,
      maxRetries: -1,
      webhookSecrets: [''],
      reasonMap: { CUSTOMER_REQUEST: '' },
      clientSecrett: CLIENT_SECRET,
    } as SolarisAdapterSettings);
    expect(error.code).toBe('INVALID_REQUEST');
    expect(paths(error)).toEqual([
      '(root)',
      'baseUrl',
      'clientId',
      'clientSecret',
      'maxRetries',
      'reasonMap.CUSTOMER_REQUEST',
      'timeoutMs',
      'webhookSecrets.0',
    ]);
    for (const name of [
      'baseUrl',
      'clientId',
      'clientSecret',
      'timeoutMs',
      'maxRetries',
      'webhookSecrets',
      'clientSecrett',
    ]) {
      expect(error.message).toContain(name);
    }
    expectErrorClean(error);
  });
});
