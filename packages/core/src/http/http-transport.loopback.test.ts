import { getEventListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errAsync, okAsync } from 'neverthrow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ClosureError } from '../domain/closure-error';
import {
  createHttpTransport,
  type HttpErrorResponse,
  type HttpRequestSpec,
  type HttpTransportSettings,
} from './http-transport';

/** A loopback server whose answer to each request is chosen by the test, one handler per request. */
type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;
let server: Server;
let baseUrl: string;
let handlers: Handler[] = [];
let received: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const handler = handlers.shift() ?? ((_req, _body, res) => json(res, 200, { ok: true }));
      handler(request, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  handlers = [];
  received = [];
});

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

const reply =
  (status: number, body: unknown = {}, headers: Record<string, string> = {}): Handler =>
  (_request, _body, response) =>
    json(response, status, body, headers);
const reset: Handler = (request) => request.socket.destroy();
const hang: Handler = () => undefined;

const TOKEN = 'secret-access-token-123456';
const CLIENT_SECRET = 'client-secret-abcdef';

const translateError = (response: HttpErrorResponse) =>
  new ClosureError({
    code:
      response.status === 429
        ? 'RATE_LIMITED'
        : response.status >= 500
          ? 'PROVIDER_UNAVAILABLE'
          : 'PROVIDER_ERROR',
    provider: 'test',
    message: `HTTP ${response.status}: ${response.excerpt}`,
    httpStatus: response.status,
    requestId: response.requestId,
  });

const okSchema = z.object({ ok: z.literal(true) });

function transport(overrides: Partial<HttpTransportSettings> = {}) {
  const events: { kind: string; event: unknown }[] = [];
  const instance = createHttpTransport({
    provider: 'test',
    baseUrl,
    maxRetries: 2,
    timeoutMs: 2_000,
    backoff: { baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 3_000 },
    secrets: () => [TOKEN, CLIENT_SECRET],
    hooks: {
      onRequest: (event) => events.push({ kind: 'request', event }),
      onResponse: (event) => events.push({ kind: 'response', event }),
      onRetry: (event) => events.push({ kind: 'retry', event }),
    },
    ...overrides,
  });
  return { instance, events };
}

function spec(overrides: Partial<HttpRequestSpec<{ ok: true }>> = {}): HttpRequestSpec<{ ok: true }> {
  return {
    operation: 'closeAccount',
    method: 'POST',
    path: '/close',
    json: { accountId: 'acc_1' },
    headers: { 'idempotency-key': 'key-1' },
    idempotencyKey: 'key-1',
    responseSchema: okSchema,
    retryMode: 'safe',
    authorize: () => okAsync({ authorization: `Bearer ${TOKEN}` }),
    translateError,
    ...overrides,
  };
}

describe('transport against a loopback server', () => {
  it('retries 5xx with backoff and the same idempotency key, then succeeds', async () => {
    handlers = [reply(503), reply(500), reply(200, { ok: true }, { 'x-request-id': 'req-9' })];
    const { instance, events } = transport();
    const result = await instance.send(spec());
    expect(result._unsafeUnwrap()).toEqual({
      data: { ok: true },
      status: 200,
      headers: expect.any(Headers),
      requestId: 'req-9',
      reconciled: false,
    });
    expect(received.map((request) => request.headers['idempotency-key'])).toEqual([
      'key-1',
      'key-1',
      'key-1',
    ]);
    expect(received.map((request) => request.body)).toEqual(Array(3).fill('{"accountId":"acc_1"}'));
    const retries = events.filter((entry) => entry.kind === 'retry').map((entry) => entry.event);
    expect(retries).toMatchObject([
      { attempt: 1, status: 503, errorCode: 'PROVIDER_UNAVAILABLE', idempotencyKey: 'key-1' },
      { attempt: 2, status: 500, errorCode: 'PROVIDER_UNAVAILABLE', idempotencyKey: 'key-1' },
    ]);
  });

  it('stops after maxRetries and returns the last error', async () => {
    handlers = [reply(502), reply(502), reply(502), reply(200, { ok: true })];
    const result = await transport().instance.send(spec());
    expect(result._unsafeUnwrapErr()).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      httpStatus: 502,
      retryable: true,
    });
    expect(received).toHaveLength(3);
  });

  it('honours a per-call maxRetries override', async () => {
    handlers = [reply(500), reply(200, { ok: true })];
    const result = await transport().instance.send(spec(), { maxRetries: 0 });
    expect(result.isErr()).toBe(true);
    expect(received).toHaveLength(1);
  });

  it('waits for Retry-After given in seconds', async () => {
    handlers = [reply(429, {}, { 'retry-after': '1' }), reply(200, { ok: true })];
    const { instance, events } = transport();
    expect((await instance.send(spec())).isOk()).toBe(true);
    const retry = events.find((entry) => entry.kind === 'retry')?.event as { delayMs: number };
    expect(retry.delayMs).toBeGreaterThanOrEqual(1000);
  });

  it('waits for Retry-After given as an HTTP date', async () => {
    const inTwoSeconds = new Date(Date.now() + 2_000).toUTCString();
    handlers = [reply(429, {}, { 'retry-after': inTwoSeconds }), reply(200, { ok: true })];
    const { instance, events } = transport();
    expect((await instance.send(spec())).isOk()).toBe(true);
    const retry = events.find((entry) => entry.kind === 'retry')?.event as { delayMs: number };
    expect(retry.delayMs).toBeGreaterThan(0);
    expect(retry.delayMs).toBeLessThanOrEqual(2_000);
  });

  it('does not wait for a Retry-After beyond the cap and reports it', async () => {
    handlers = [reply(429, {}, { 'retry-after': '3600' })];
    const result = await transport().instance.send(spec());
    expect(result._unsafeUnwrapErr()).toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
      details: { retryAfterMs: 3_600_000 },
    });
    expect(received).toHaveLength(1);
  });

  it('times out each attempt and retries safe requests', async () => {
    handlers = [hang, hang];
    const result = await transport({ timeoutMs: 100, maxRetries: 1 }).instance.send(spec());
    expect(result._unsafeUnwrapErr()).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(received).toHaveLength(2);
  });

  it('times out a body that never ends', async () => {
    handlers = [
      (_request, _body, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"ok":');
      },
    ];
    const result = await transport({ timeoutMs: 150, maxRetries: 0 }).instance.send(spec());
    expect(result._unsafeUnwrapErr()).toMatchObject({ code: 'TIMEOUT' });
  });

  it('never retries after the caller aborts', async () => {
    handlers = [hang, hang, hang];
    const result = await transport().instance.send(spec(), { signal: AbortSignal.timeout(100) });
    expect(result._unsafeUnwrapErr()).toMatchObject({
      code: 'NETWORK_ERROR',
      retryable: false,
      details: { aborted: true },
    });
    expect(received).toHaveLength(1);
  });

  it('leaves nothing attached to a long-lived caller signal (a bulk run passes one to every call)', async () => {
    const run = new AbortController();
    const instance = transport().instance;
    for (let call = 0; call < 50; call++) {
      expect((await instance.send(spec(), { signal: run.signal })).isOk()).toBe(true);
    }
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
    // What AbortSignal.any would leave behind, and Node 20 never drops (nodejs/node#55351).
    const dependants = Object.getOwnPropertySymbols(run.signal).find(
      (symbol) => symbol.description === 'kDependantSignals',
    );
    const attached = dependants
      ? (run.signal as unknown as Record<symbol, Set<unknown>>)[dependants]
      : undefined;
    expect(attached?.size ?? 0).toBe(0);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const result = await transport().instance.send(spec(), { signal: AbortSignal.abort() });
    expect(result._unsafeUnwrapErr()).toMatchObject({ code: 'NETWORK_ERROR', retryable: false });
    expect(received).toHaveLength(0);
  });

  it('retries a connection reset on a safe request', async () => {
    handlers = [reset, reply(200, { ok: true })];
    const result = await transport().instance.send(spec());
    expect(result.isOk()).toBe(true);
    expect(received).toHaveLength(2);
  });

  it('caps the response size', async () => {
    handlers = [reply(200, { ok: true, padding: 'x'.repeat(5_000) })];
    const result = await transport({ maxResponseBytes: 1_024, maxRetries: 0 }).instance.send(spec());
    expect(result._unsafeUnwrapErr()).toMatchObject({ code: 'INVALID_RESPONSE', retryable: false });
  });

  it('turns an HTML error page into INVALID_RESPONSE with an excerpt', async () => {
    handlers = [
      (_request, _body, response) => {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<!DOCTYPE html><html><body>Gateway says hi</body></html>');
      },
    ];
    const error = (await transport().instance.send(spec()))._unsafeUnwrapErr();
    expect(error.code).toBe('INVALID_RESPONSE');
    expect(error.message).toMatch(/HTML/);
    expect(error.details).toMatchObject({ excerpt: expect.stringContaining('Gateway says hi') });
  });

  it('turns a body of the wrong shape into INVALID_RESPONSE listing the issues', async () => {
    handlers = [reply(200, { ok: 'yes' })];
    const error = (await transport().instance.send(spec()))._unsafeUnwrapErr();
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE', details: { issues: [{ path: 'ok' }] } });
  });

  it('re-authenticates once on 401 and replays', async () => {
    handlers = [reply(401, { error: 'expired' }), reply(200, { ok: true })];
    const forced: boolean[] = [];
    const result = await transport().instance.send(
      spec({
        authorize: (force) => {
          forced.push(force);
          return okAsync({ authorization: `Bearer ${force ? 'fresh-token' : TOKEN}` });
        },
      }),
    );
    expect(result.isOk()).toBe(true);
    expect(forced).toEqual([false, true]);
    expect(received.map((request) => request.headers.authorization)).toEqual([
      `Bearer ${TOKEN}`,
      'Bearer fresh-token',
    ]);
  });

  it('gives up after a second 401', async () => {
    handlers = [reply(401), reply(401), reply(200, { ok: true })];
    const result = await transport().instance.send(spec());
    expect(result._unsafeUnwrapErr().httpStatus).toBe(401);
    expect(received).toHaveLength(2);
  });

  it('sends a fresh correlation id on every attempt and reports both ids to onRetry', async () => {
    handlers = [reply(500, {}, { 'x-request-id': 'provider-trace-1' }), reply(200, { ok: true })];
    let counter = 0;
    const { instance, events } = transport();
    await instance.send(spec({ perAttemptHeaders: () => ({ 'request-id': `r-${++counter}` }) }));
    expect(received.map((request) => request.headers['request-id'])).toEqual(['r-1', 'r-2']);
    expect(events.filter((entry) => entry.kind === 'request').map((entry) => entry.event)).toMatchObject([
      { requestId: 'r-1', attempt: 1 },
      { requestId: 'r-2', attempt: 2 },
    ]);
    expect(events.find((entry) => entry.kind === 'retry')?.event).toMatchObject({
      requestId: 'r-1',
      providerRequestId: 'provider-trace-1',
    });
  });

  it('keeps secrets out of errors and hook events even when the provider echoes them', async () => {
    handlers = [
      (request, _body, response) =>
        json(response, 400, { message: `bad header ${request.headers.authorization} and ${CLIENT_SECRET}` }),
    ];
    const { instance, events } = transport();
    const error = (await instance.send(spec()))._unsafeUnwrapErr();
    const shown = [error.message, String(error), JSON.stringify(error), JSON.stringify(events)].join('\n');
    expect(shown).not.toContain(TOKEN);
    expect(shown).not.toContain(CLIENT_SECRET);
    expect(shown).toContain('[REDACTED]');
  });

  it('survives a throwing hook', async () => {
    handlers = [reply(200, { ok: true })];
    const { instance } = transport({
      hooks: {
        onRequest: () => {
          throw new Error('observer bug');
        },
      },
    });
    expect((await instance.send(spec())).isOk()).toBe(true);
  });
});

describe('transport read-back for mutations without provider idempotency', () => {
  const reconcileSpec = (reconcile: HttpRequestSpec<{ ok: true }>['reconcile']) =>
    spec({ retryMode: 'reconcile', reconcile });

  it('returns the read-back instead of repeating when the mutation was applied', async () => {
    handlers = [reply(500)];
    let calls = 0;
    const result = await transport().instance.send(
      reconcileSpec(() => {
        calls++;
        return okAsync({ applied: true, value: { ok: true } });
      }),
    );
    expect(result._unsafeUnwrap()).toMatchObject({ data: { ok: true }, reconciled: true, status: null });
    expect(received).toHaveLength(1);
    expect(calls).toBe(1);
  });

  it('repeats only after the read-back proves the mutation was not applied', async () => {
    handlers = [reset, reply(200, { ok: true })];
    const result = await transport().instance.send(reconcileSpec(() => okAsync({ applied: false })));
    expect(result.isOk()).toBe(true);
    expect(received).toHaveLength(2);
  });

  it('reports OUTCOME_UNKNOWN when the read-back cannot tell', async () => {
    handlers = [hang];
    const result = await transport({ timeoutMs: 100 }).instance.send(
      reconcileSpec(() => errAsync(new ClosureError({ code: 'NETWORK_ERROR', message: 'read-back failed' }))),
    );
    expect(result._unsafeUnwrapErr()).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryable: false });
    expect(received).toHaveLength(1);
  });

  it('reads back after a 2xx it cannot read, instead of assuming nothing happened', async () => {
    handlers = [
      (_request, _body, response) => {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html>proxy</html>');
      },
    ];
    let calls = 0;
    const result = await transport().instance.send(
      reconcileSpec(() => {
        calls++;
        return okAsync({ applied: true, value: { ok: true } });
      }),
    );
    expect(result._unsafeUnwrap()).toMatchObject({ reconciled: true });
    expect(calls).toBe(1);
    expect(received).toHaveLength(1);
  });

  it('repeats a 429 without a read-back: the provider refused before acting', async () => {
    handlers = [reply(429, {}, { 'retry-after': '0' }), reply(200, { ok: true })];
    let calls = 0;
    const result = await transport().instance.send(
      reconcileSpec(() => {
        calls++;
        return okAsync({ applied: false });
      }),
    );
    expect(result.isOk()).toBe(true);
    expect(calls).toBe(0);
  });

  it('reports OUTCOME_UNKNOWN (not a retry) when the caller aborts a sent mutation', async () => {
    handlers = [hang];
    const result = await transport().instance.send(
      reconcileSpec(() => okAsync({ applied: false })),
      { signal: AbortSignal.timeout(100) },
    );
    expect(result._unsafeUnwrapErr()).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryable: false });
    expect(received).toHaveLength(1);
  });
});

describe('credentials only over https or loopback', () => {
  it('refuses to send credentials to a plain-http remote host, sending nothing', async () => {
    let fetched = 0;
    const { instance } = transport({
      baseUrl: 'http://bank.example.com',
      fetch: (async () => {
        fetched++;
        return new Response('{}');
      }) as typeof fetch,
    });
    const error = (await instance.send(spec()))._unsafeUnwrapErr();
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', retryable: false });
    expect(error.message).toMatch(/https/);
    expect(fetched).toBe(0);
  });
});
