import fc from 'fast-check';
import { okAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ClosureError } from '../domain/closure-error';
import { parseSettingsOrThrow } from '../domain/validate-input';
import { commonAdapterSettingsSchema, credentialUrlSchema } from '../port/adapter-settings';
import { assertErrorFreeOfSecrets, assertNoSecretLeak } from '../testing/result-checks';
import { createScriptedFetch, type ScriptedReply } from '../testing/scripted-fetch';
import { createHttpTransport, type HttpErrorResponse, type HttpRequestSpec } from './http-transport';
import { credentialUrlProblem } from './secure-url';

/*
 * Secrets and configuration: whatever a provider echoes back, no known secret reaches an
 * error (message, String(), JSON.stringify, details), a hook payload or a returned value; and
 * credentials only travel over https or to loopback hosts.
 */

const BASE = 'https://provider.example';
// Random-looking values: no window of them occurs by chance in messages or markup.
const SECRET = 'Sk7q9ZmW2xV4pL8rT1nB';
const TOKEN = 'tok.Qw3Er5Ty7Ui9Op1As';
const AUTHORIZATION = `Bearer ${TOKEN}`;

const expectNoSecret = assertNoSecretLeak;
const expectErrorClean = assertErrorFreeOfSecrets;

const echoTranslate = (response: HttpErrorResponse) =>
  new ClosureError({
    code: response.status >= 500 ? 'PROVIDER_UNAVAILABLE' : 'PROVIDER_ERROR',
    provider: 'sec',
    message: `HTTP ${response.status}: ${typeof response.body === 'object' ? JSON.stringify(response.body) : response.excerpt}`,
    httpStatus: response.status,
    details: { excerpt: response.excerpt, body: response.body },
  });

function transportWith(reply: (index: number) => ScriptedReply, events: unknown[]) {
  let served = 0;
  const scripted = createScriptedFetch(() => reply(served++));
  const transport = createHttpTransport({
    provider: 'sec',
    baseUrl: BASE,
    fetch: scripted.fetch,
    timeoutMs: 50,
    maxRetries: 1,
    backoff: { baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5 },
    secrets: () => [SECRET, TOKEN],
    hooks: {
      onRequest: (event) => events.push(event),
      onResponse: (event) => events.push(event),
      onRetry: (event) => events.push(event),
    },
  });
  return { transport, scripted };
}

const spec = (retryMode: 'safe' | 'reconcile' = 'safe'): HttpRequestSpec<{ id: string }> => ({
  operation: 'closeAccount',
  method: 'POST',
  path: '/closures',
  json: { accountId: 'a1' },
  responseSchema: z.object({ id: z.string() }),
  retryMode,
  reconcile: () => okAsync({ applied: false as const }),
  authorize: () => okAsync({ authorization: AUTHORIZATION, 'x-client-secret': SECRET }),
  translateError: echoTranslate,
});

/** Bodies that echo the request's credentials back, as misbehaving gateways and debug pages do. */
const echoingBodies = (secret: string, token: string): unknown[] => [
  {
    error: 'invalid_client',
    error_description: `client secret ${secret} refused`,
    authorization: `Bearer ${token}`,
  },
  {
    errors: [
      { detail: `header was Authorization: Bearer ${token}`, echo: { clientSecret: secret, note: secret } },
    ],
  },
  `<!doctype html><html><body><pre>Authorization: Bearer ${token}\nclient_secret=${secret}</pre></body></html>`,
  `upstream said: ${secret} / ${token}`,
  // JSON-escaped forms, as some servers write them.
  JSON.stringify({ message: `${secret}"${token}` }),
];

describe('secrets never leave the transport', () => {
  for (const status of [200, 400, 401, 403, 500, 502]) {
    it(`keeps echoed credentials out of errors and hooks (HTTP ${status})`, async () => {
      for (const body of echoingBodies(SECRET, TOKEN)) {
        const events: unknown[] = [];
        const { transport } = transportWith(
          () => ({ status, body, headers: { 'x-request-id': `req ${TOKEN}` } }),
          events,
        );
        const result = await transport.send(spec());
        expect(result.isErr()).toBe(true);
        expectErrorClean(result._unsafeUnwrapErr(), [SECRET, TOKEN]);
        expect(events.length).toBeGreaterThan(0);
        expectNoSecret('hook events', events, [SECRET, TOKEN]);
      }
    });
  }

  it('keeps a secret out of the excerpt wherever it sits in a long body (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom(...'abc <>{}":,'.split('')), maxLength: 400 }),
        fc.string({ unit: fc.constantFrom(...'abc <>{}":,'.split('')), maxLength: 400 }),
        fc.constantFrom(400, 500, 200),
        async (before, after, status) => {
          const events: unknown[] = [];
          const { transport } = transportWith(() => ({ status, body: `${before}${SECRET}${after}` }), events);
          const result = await transport.send(spec());
          expect(result.isErr()).toBe(true);
          expectErrorClean(result._unsafeUnwrapErr(), [SECRET]);
          expectNoSecret('hook events', events, [SECRET]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps a secret straddling the excerpt cut (300) or the request-id cut (200) out entirely', async () => {
    for (const offset of [285, 290, 295, 299]) {
      const events: unknown[] = [];
      const { transport } = transportWith(
        () => ({
          status: 502,
          body: `${'x'.repeat(offset)}${SECRET}${'y'.repeat(40)}`,
          headers: { 'x-request-id': `${'r'.repeat(offset - 100)}${TOKEN}` },
        }),
        events,
      );
      const error = (await transport.send(spec()))._unsafeUnwrapErr();
      expectErrorClean(error, [SECRET, TOKEN]);
      expectNoSecret('requestId', error.requestId, [TOKEN]);
      expectNoSecret('hook events', events, [SECRET, TOKEN]);
    }
  });

  it('keeps percent- and form-encoded secrets (a reflected form body) out of errors', async () => {
    const secret = 'Pz8 Wm/4x+V=pL&8rT1n';
    for (const echoed of [
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
    ]) {
      const scripted = createScriptedFetch(() => ({
        status: 400,
        body: `client_id=abc&client_secret=${echoed}`,
      }));
      const transport = createHttpTransport({
        provider: 'sec',
        baseUrl: BASE,
        fetch: scripted.fetch,
        maxRetries: 0,
        secrets: () => [secret],
      });
      const error = (await transport.send({ ...spec(), authorize: undefined }))._unsafeUnwrapErr();
      expectErrorClean(error, [secret, echoed]);
    }
  });

  it('redacts sensitive fields of a JSON body in excerpts, even values no one told the redactor', async () => {
    const unknownToken = 'live.Vb6Nm1Qw8Er3Ty5Ui';
    const bodies: ScriptedReply[] = [
      // A token answer in a shape the schema does not expect: the token is live, but unknown to us.
      { status: 200, body: { data: { access_token: unknownToken }, note: 'shape changed' } },
      { status: 400, body: { client_secret: unknownToken, refresh_token: unknownToken, message: 'bad' } },
    ];
    for (const reply of bodies) {
      const scripted = createScriptedFetch(() => reply);
      const transport = createHttpTransport({
        provider: 'sec',
        baseUrl: BASE,
        fetch: scripted.fetch,
        maxRetries: 0,
      });
      const error = (await transport.send({ ...spec(), authorize: undefined }))._unsafeUnwrapErr();
      expectErrorClean(error, [unknownToken]);
      expect(JSON.stringify(error.details)).toContain('[REDACTED]');
    }
  });

  it('keeps a secret containing JSON-escaped characters out of the excerpt of a JSON body', async () => {
    const quoted = 'Qz8"Wm\\4xV/pL+8rT1n';
    let served = 0;
    const scripted = createScriptedFetch(() => ({
      status: 400,
      body: { echo: `got ${quoted} ${served++}` },
    }));
    const transport = createHttpTransport({
      provider: 'sec',
      baseUrl: BASE,
      fetch: scripted.fetch,
      maxRetries: 0,
      secrets: () => [quoted],
    });
    const result = await transport.send({ ...spec(), authorize: undefined });
    const error = result._unsafeUnwrapErr();
    // JSON.stringify escapes the quote and backslash; the raw wire text holds `\"` and `\\`.
    const wireForm = JSON.stringify(quoted).slice(1, -1);
    expectErrorClean(error, [quoted, wireForm]);
  });

  it('never reports timeouts, resets or retries with a credential', async () => {
    for (const reply of [
      { hang: true },
      { networkError: 'reset' },
      { endlessBody: true },
    ] as ScriptedReply[]) {
      const events: unknown[] = [];
      const { transport, scripted } = transportWith(() => reply, events);
      const result = await transport.send(spec('reconcile'));
      expectErrorClean(result._unsafeUnwrapErr(), [SECRET, TOKEN]);
      expectNoSecret('hook events', events, [SECRET, TOKEN]);
      // The credential itself was sent (the provider needs it); only our reports must not show it.
      expect(scripted.requests[0]?.headers.authorization).toBe(AUTHORIZATION);
    }
  });
});

describe('credentials only over https or to loopback', () => {
  it('refuses to send credentials over plain http to any non-loopback host (property)', async () => {
    const host = fc.oneof(
      fc.domain(),
      fc.ipV4().filter((ip) => !ip.startsWith('127.')),
      fc.constantFrom('[2001:db8::1]', '0.0.0.0', 'localhost.example.com', '127.0.0.1.nip.io'),
    );
    await fc.assert(
      fc.asyncProperty(host, async (hostname) => {
        const url = `http://${hostname}/api`;
        expect(credentialUrlProblem(url)).not.toBeNull();
        const scripted = createScriptedFetch(() => ({ status: 200, body: { id: 'x' } }));
        const transport = createHttpTransport({ provider: 'sec', baseUrl: url, fetch: scripted.fetch });
        const result = await transport.send(spec());
        expect(result._unsafeUnwrapErr().code).toBe('INVALID_REQUEST');
        expect(scripted.requests).toHaveLength(0);
      }),
      { numRuns: 100 },
    );
  });

  it('allows plain http to loopback hosts and https anywhere', () => {
    for (const url of [
      'http://localhost:8080',
      'http://127.0.0.1:3000/x',
      'http://127.255.0.9',
      'http://[::1]:9000',
      'http://api.localhost',
      'https://bank.example.com',
    ]) {
      expect(credentialUrlProblem(url)).toBeNull();
      expect(credentialUrlSchema.safeParse(url).success).toBe(true);
    }
    for (const url of [
      'ftp://bank.example.com',
      'https://user:pw@bank.example.com',
      'not a url',
      'http://10.0.0.1',
    ]) {
      expect(credentialUrlProblem(url)).not.toBeNull();
    }
  });

  it('reports every invalid common setting in one error', () => {
    let thrown: unknown;
    try {
      parseSettingsOrThrow(
        commonAdapterSettingsSchema,
        {
          baseUrl: 'http://bank.example.com',
          timeoutMs: -1,
          maxRetries: 99,
          fetch: 'nope',
          backoff: { baseDelayMs: -3 },
        },
        'sec',
      );
    } catch (error) {
      thrown = error;
    }
    expect(ClosureError.isInstance(thrown)).toBe(true);
    const error = thrown as ClosureError;
    expect(error.code).toBe('INVALID_REQUEST');
    const paths = (error.details as { issues: { path: string }[] }).issues.map((issue) => issue.path).sort();
    expect(paths).toEqual(['backoff.baseDelayMs', 'baseUrl', 'fetch', 'maxRetries', 'timeoutMs']);
    for (const path of paths) expect(error.message).toContain(path);
  });
});
