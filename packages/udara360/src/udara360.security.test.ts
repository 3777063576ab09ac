import type { ClosureError } from '@closekit/core';
import {
  assertErrorFreeOfSecrets,
  assertNoSecretLeak,
  createScriptedFetch,
  issuePaths,
  type RecordedRequest,
  type ScriptedReply,
  settingsErrorOf,
} from '@closekit/core/testing';
import { describe, expect, it } from 'vitest';
import balanceZero from './__fixtures__/balance-zero.json';
import closeSuccess from './__fixtures__/close-account-success.json';
import searchClosed from './__fixtures__/search-account-closed.json';
import searchOpen from './__fixtures__/search-account-open.json';
import { createUdara360Adapter } from './udara360-adapter';
import type { Udara360AdapterSettings } from './udara360-settings';

/*
 * Security: no client secret or token leaks from any failure Udara360 (or a gateway in
 * front of it) can produce; credentials only over https or to loopback; every bad setting at once.
 */

const BASE = 'https://openapi.udara.test';
const ACCOUNT = '1100012345';
const CLIENT_ID = 'cid-Pe4Wq7Zr';
// Contains characters that JSON, percent and form encoding all escape differently.
const CLIENT_SECRET = 'csec-Fg3"Hj8+Kl/Mn2 Qs5';
const ACCESS_TOKEN = 'atok.Vr6Xc1Bz9Nm4Lk7Jh';
const SECRETS = [
  CLIENT_SECRET,
  ACCESS_TOKEN,
  JSON.stringify(CLIENT_SECRET).slice(1, -1),
  encodeURIComponent(CLIENT_SECRET),
];
const expectNoSecret = (label: string, value: unknown) => assertNoSecretLeak(label, value, SECRETS);
const expectErrorClean = (error: ClosureError) => assertErrorFreeOfSecrets(error, SECRETS);

type Kind = 'auth' | 'close' | 'read';
type Responder = (request: RecordedRequest, kind: Kind) => ScriptedReply;

function harness(respond: Responder, overrides: Partial<Udara360AdapterSettings> = {}) {
  const events: unknown[] = [];
  const scripted = createScriptedFetch((request) => {
    const kind: Kind = request.path.includes('/auth/')
      ? 'auth'
      : request.path.includes('closeaccount')
        ? 'close'
        : 'read';
    // The pre-flight's balance read is a read: where a scenario answers "open", it finds an empty account.
    const reply = respond(request, kind);
    return request.path.includes('getbyaccountnumber') && reply === open
      ? { status: 200, body: balanceZero }
      : reply;
  });
  const adapter = createUdara360Adapter({
    baseUrl: BASE,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
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

const token = { accessToken: ACCESS_TOKEN, tokenType: 'Bearer', tokenValiditySec: 3600 };
/** The token only exists once the auth host issued it: only API hosts can echo it. */
const knownToken = (request: RecordedRequest) => (request.headers.authorization ? ACCESS_TOKEN : '');
/** An ASP.NET-style error envelope echoing the request: its headers and its raw body. */
const echoEnvelope = (request: RecordedRequest) => ({
  errors: [
    { statusCode: '06', errorCode: 'E1', errorMessage: `request body was ${request.bodyText}` },
    { errorMessage: `authorization ${request.headers.authorization ?? ''} token ${knownToken(request)}` },
  ],
  message: `secret ${CLIENT_SECRET}`,
});
const echoHtml = (request: RecordedRequest) =>
  `<!doctype html><html><body><pre>${request.bodyText}\nAuthorization: ${request.headers.authorization ?? ''}\n${knownToken(request)}</pre></body></html>`;
const open = { status: 200, body: searchOpen };

const scenarios: Record<string, Responder> = {
  'authenticate 401 echoing the request body': (request, kind) =>
    kind === 'auth' ? { status: 401, body: echoEnvelope(request) } : open,
  'authenticate 400 HTML echoing the request body': (request, kind) =>
    kind === 'auth'
      ? { status: 400, body: echoHtml(request), headers: { 'content-type': 'text/html' } }
      : open,
  'authenticate 200 status:false echoing the secret': (request, kind) =>
    kind === 'auth'
      ? {
          status: 200,
          body: { status: false, message: `bad credentials ${request.bodyText}`, data: { statusCode: '63' } },
        }
      : open,
  'authenticate 2xx in an unexpected shape carrying a token': (_request, kind) =>
    kind === 'auth'
      ? { status: 200, body: { result: { token: ACCESS_TOKEN, access_token: ACCESS_TOKEN } } }
      : open,
  'authenticate timeouts': (_request, kind) => (kind === 'auth' ? { hang: true } : open),
  'API 401 twice echoing the bearer token': (request, kind) =>
    kind === 'auth' ? { status: 200, body: token } : { status: 401, body: echoEnvelope(request) },
  'API 5xx HTML echoing the bearer token': (request, kind) =>
    kind === 'auth'
      ? { status: 200, body: token }
      : {
          status: 502,
          body: echoHtml(request),
          headers: { 'content-type': 'text/html', 'x-request-id': ACCESS_TOKEN },
        },
  'read 2xx status:false echoing the token': (request, kind) =>
    kind === 'auth'
      ? { status: 200, body: token }
      : {
          status: 200,
          body: {
            status: false,
            message: `denied for ${request.headers.authorization}`,
            data: { statusCode: '57' },
          },
        },
  'read 2xx unreadable body echoing everything': (request, kind) =>
    kind === 'auth' ? { status: 200, body: token } : { status: 200, body: { weird: echoEnvelope(request) } },
  'close refused (51) echoing the token, read-back open': (request, kind) =>
    kind === 'auth'
      ? { status: 200, body: token }
      : kind === 'read'
        ? open
        : {
            status: 200,
            body: {
              status: false,
              message: `no ${request.headers.authorization} ${knownToken(request)}`,
              data: { statusCode: '51' },
            },
          },
  'close 5xx echoing everything, read-back open': (request, kind) =>
    kind === 'auth'
      ? { status: 200, body: token }
      : kind === 'read'
        ? open
        : { status: 500, body: echoEnvelope(request) },
  'close timeouts then read-back failures': (() => {
    let reads = 0;
    return (request: RecordedRequest, kind: Kind): ScriptedReply =>
      kind === 'auth'
        ? { status: 200, body: token }
        : kind === 'close'
          ? { hang: true }
          : reads++ === 0
            ? open
            : { status: 503, body: echoHtml(request) };
  })(),
  'balance 2xx status:false echoing the token': (request, kind) =>
    kind === 'auth'
      ? { status: 200, body: token }
      : request.path.includes('getbyaccountnumber')
        ? {
            status: 200,
            body: {
              status: false,
              message: `denied ${request.headers.authorization}`,
              data: { statusCode: '57' },
            },
          }
        : open,
  'close connection resets': (_request, kind) =>
    kind === 'auth' ? { status: 200, body: token } : kind === 'read' ? open : { networkError: 'reset' },
  'close body that never ends': (_request, kind) =>
    kind === 'auth' ? { status: 200, body: token } : kind === 'read' ? open : { endlessBody: true },
};

describe('Udara360: no secret in any failure', () => {
  for (const [name, respond] of Object.entries(scenarios)) {
    it(`closeAccount and getClosure stay clean: ${name}`, async () => {
      const { adapter, events, scripted } = harness(respond);
      const results = [
        await adapter.closeAccount({ accountId: ACCOUNT, reason: 'CUSTOMER_REQUEST', idempotencyKey: 'k-1' }),
        await adapter.getClosure({ accountId: ACCOUNT }),
      ];
      for (const result of results) {
        expect(result.isErr()).toBe(true);
        expectErrorClean(result._unsafeUnwrapErr());
      }
      expect(events.length).toBeGreaterThan(0);
      expectNoSecret('hook events', events);
      // The secret did go where it belongs.
      expect(scripted.requests[0]?.json).toEqual({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    });
  }

  it('a successful close whose answer echoes credentials returns them redacted in raw', async () => {
    let reads = 0;
    const { adapter, events } = harness((request, kind) =>
      kind === 'auth'
        ? { status: 200, body: token }
        : kind === 'read'
          ? request.path.includes('getbyaccountnumber') || reads++ === 0
            ? open
            : { status: 200, body: searchClosed }
          : {
              status: 200,
              body: { ...closeSuccess, message: `ok ${request.headers.authorization} ${CLIENT_SECRET}` },
            },
    );
    const closure = (
      await adapter.closeAccount({ accountId: ACCOUNT, reason: 'CUSTOMER_REQUEST', idempotencyKey: 'k-2' })
    )._unsafeUnwrap();
    expect(closure.state.unified).toBe('CLOSED');
    expectNoSecret('closure', closure);
    expectNoSecret('hook events', events);
  });

  it('a closed account read back with echoed credentials returns them redacted in raw', async () => {
    const record = { ...searchClosed.data[0], note: `token ${ACCESS_TOKEN}`, clientSecret: CLIENT_SECRET };
    const { adapter } = harness((_request, kind) =>
      kind === 'auth'
        ? { status: 200, body: token }
        : { status: 200, body: { ...searchClosed, data: [record] } },
    );
    const closure = (await adapter.getClosure({ accountId: ACCOUNT }))._unsafeUnwrap();
    expect(closure.state.unified).toBe('CLOSED');
    expectNoSecret('closure', closure);
  });

  it('parseWebhook offers nothing to attack: every delivery is OPERATION_NOT_SUPPORTED', async () => {
    const { adapter } = harness(() => open);
    for (const headers of [
      {},
      { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      new Headers(),
    ]) {
      const result = await adapter.parseWebhook({
        rawBody: JSON.stringify({ event: 1, accountNumber: ACCOUNT }),
        headers,
      });
      const error = result._unsafeUnwrapErr();
      expect(error.code).toBe('OPERATION_NOT_SUPPORTED');
      expectErrorClean(error);
    }
  });
});

describe('Udara360 settings', () => {
  const thrownBy = (settings: Udara360AdapterSettings) => settingsErrorOf(createUdara360Adapter, settings);
  const paths = issuePaths;

  it('refuses a plain-http base URL to a non-loopback host', () => {
    for (const baseUrl of [
      'http://openapi.udara360.io',
      'http://10.1.2.3:8080',
      'http://user:pw@127.0.0.1',
    ]) {
      const error = thrownBy({ baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
      expect(error.code).toBe('INVALID_REQUEST');
      expect(paths(error)).toEqual(['baseUrl']);
      expectErrorClean(error);
    }
  });

  it('allows plain http to loopback hosts (simulators)', async () => {
    for (const host of ['http://127.0.0.1:4020', 'http://localhost:4020', 'http://[::1]:4020']) {
      const scripted = createScriptedFetch((request) =>
        request.path.includes('/auth/') ? { status: 200, body: token } : { status: 200, body: searchClosed },
      );
      const adapter = createUdara360Adapter({
        baseUrl: host,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        fetch: scripted.fetch,
      });
      expect((await adapter.getClosure({ accountId: ACCOUNT })).isOk()).toBe(true);
      expect(scripted.requests.map((request) => request.url.origin)).toEqual([
        new URL(host).origin,
        new URL(host).origin,
      ]);
    }
  });

  it('reports every invalid setting in one error, without echoing a secret', () => {
    const error = thrownBy({
      baseUrl: 'http://openapi.udara360.io',
      clientId: 'x'.repeat(101),
      clientSecret: `${CLIENT_SECRET}\n`,
      timeoutMs: 0,
      maxRetries: 11,
      reasonMap: { CUSTOMER_REQUEST: ' padded ' },
      hooks: { onRequest: 'log' as never },
      clientSecrett: CLIENT_SECRET,
    } as Udara360AdapterSettings);
    expect(error.code).toBe('INVALID_REQUEST');
    expect(paths(error)).toEqual([
      '(root)',
      'baseUrl',
      'clientId',
      'clientSecret',
      'hooks.onRequest',
      'maxRetries',
      'reasonMap.CUSTOMER_REQUEST',
      'timeoutMs',
    ]);
    for (const name of [
      'baseUrl',
      'clientId',
      'clientSecret',
      'timeoutMs',
      'maxRetries',
      'reasonMap',
      'hooks',
    ]) {
      expect(error.message).toContain(name);
    }
    expectErrorClean(error);
  });
});
