import { okAsync } from 'neverthrow';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ClosureError } from '../domain/closure-error';
import { createHttpTransport, type HttpRequestSpec } from './http-transport';

const BASE = 'https://bank.example.com';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const transport = createHttpTransport({
  provider: 'nock',
  baseUrl: BASE,
  maxRetries: 2,
  timeoutMs: 1_000,
  backoff: { baseDelayMs: 1, maxDelayMs: 5 },
  secrets: () => ['nock-secret-token'],
});

const spec = (overrides: Partial<HttpRequestSpec<{ id: string }>> = {}): HttpRequestSpec<{ id: string }> => ({
  operation: 'closeAccount',
  method: 'POST',
  path: '/v1/closures',
  json: { account: 'a1' },
  headers: { 'idempotency-key': 'idem-42' },
  idempotencyKey: 'idem-42',
  responseSchema: z.object({ id: z.string() }),
  retryMode: 'safe',
  authorize: () => okAsync({ authorization: 'Bearer nock-secret-token' }),
  translateError: (response) =>
    new ClosureError({
      code: response.status >= 500 ? 'PROVIDER_UNAVAILABLE' : 'PROVIDER_ERROR',
      provider: 'nock',
      message: `HTTP ${response.status}`,
      httpStatus: response.status,
    }),
  ...overrides,
});

describe('transport with nock (native fetch interception)', () => {
  it('sends nothing when the signer throws or the body cannot be serialised, and says which', async () => {
    const scope = nock(BASE).post('/v1/closures').reply(201, { id: 'c_1' });
    const failingSigner = await transport.send(
      spec({
        retryMode: 'reconcile',
        prepare: () => {
          throw new Error('kms unavailable');
        },
      }),
    );
    expect(failingSigner._unsafeUnwrapErr()).toMatchObject({ code: 'INVALID_REQUEST', retryable: false });
    expect(failingSigner._unsafeUnwrapErr().message).toContain('signer');
    const unserialisable = await transport.send(spec({ retryMode: 'reconcile', json: { amount: 10n } }));
    expect(unserialisable._unsafeUnwrapErr()).toMatchObject({ code: 'INVALID_REQUEST', retryable: false });
    expect(unserialisable._unsafeUnwrapErr().message).toContain('cannot be serialised');
    expect(scope.isDone()).toBe(false);
  });

  it('encodes query parameters, skips undefined ones and merges them into a URL that has a query', async () => {
    const seen: string[] = [];
    nock(BASE)
      .get(/.*/)
      .times(2)
      .reply((uri) => {
        seen.push(uri);
        return [200, { id: 'c_1' }];
      });
    const read = { method: 'GET' as const, json: undefined, headers: {}, retryMode: 'safe' as const };
    await transport.send(
      spec({ ...read, path: '/v1/closures', query: { 'filter[a]': 'x y&z', page: 2, skipped: undefined } }),
    );
    await transport.send(spec({ ...read, url: `${BASE}/v1/other?a=1&keep=yes`, query: { a: 3, b: 'é' } }));
    expect(seen).toEqual(['/v1/closures?filter%5Ba%5D=x+y%26z&page=2', '/v1/other?a=3&keep=yes&b=%C3%A9']);
  });

  it('sends the exact request and retries 5xx with the same idempotency key', async () => {
    const keys: string[] = [];
    const scope = nock(BASE, {
      reqheaders: { authorization: 'Bearer nock-secret-token', 'content-type': 'application/json' },
    })
      .post('/v1/closures', { account: 'a1' })
      .times(2)
      .reply(function () {
        keys.push(String(this.req.headers['idempotency-key']));
        return [500, { error: 'boom' }];
      })
      .post('/v1/closures', { account: 'a1' })
      .reply(function () {
        keys.push(String(this.req.headers['idempotency-key']));
        return [201, { id: 'c_1' }];
      });
    const result = await transport.send(spec());
    expect(result._unsafeUnwrap()).toMatchObject({ data: { id: 'c_1' }, status: 201 });
    expect(keys).toEqual(['idem-42', 'idem-42', 'idem-42']);
    expect(scope.isDone()).toBe(true);
  });

  it('treats a connection reset as unknown and reads back before repeating a mutation', async () => {
    nock(BASE).post('/v1/closures').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    let readBacks = 0;
    const result = await transport.send(
      spec({
        retryMode: 'reconcile',
        reconcile: () => {
          readBacks++;
          return okAsync({ applied: true, value: { id: 'c_found' } });
        },
      }),
    );
    expect(result._unsafeUnwrap()).toMatchObject({ data: { id: 'c_found' }, reconciled: true });
    expect(readBacks).toBe(1);
  });

  it('retries a refused connection without a read-back: nothing reached the provider', async () => {
    nock(BASE).post('/v1/closures').replyWithError({ code: 'ECONNREFUSED', message: 'refused' });
    nock(BASE).post('/v1/closures').reply(201, { id: 'c_2' });
    let readBacks = 0;
    const result = await transport.send(
      spec({
        retryMode: 'reconcile',
        reconcile: () => {
          readBacks++;
          return okAsync({ applied: false });
        },
      }),
    );
    expect(result._unsafeUnwrap().data).toEqual({ id: 'c_2' });
    expect(readBacks).toBe(0);
  });

  it('times out a delayed response', async () => {
    nock(BASE).post('/v1/closures').delay(500).reply(201, { id: 'late' });
    const result = await transport.send(spec(), { timeoutMs: 50, maxRetries: 0 });
    expect(result._unsafeUnwrapErr()).toMatchObject({ code: 'TIMEOUT', retryable: true });
  });

  it('turns truncated JSON into INVALID_RESPONSE with a redacted excerpt', async () => {
    nock(BASE)
      .post('/v1/closures')
      .reply(200, '{"id": "nock-secret-token', { 'content-type': 'application/json' });
    const error = (await transport.send(spec()))._unsafeUnwrapErr();
    expect(error.code).toBe('INVALID_RESPONSE');
    expect(JSON.stringify(error)).not.toContain('nock-secret-token');
  });

  it('counts a replay after a 401 as an attempt, not as a retry', async () => {
    const scope = nock(BASE)
      .post('/v1/closures')
      .reply(401, {})
      .post('/v1/closures')
      .reply(503, {})
      .post('/v1/closures')
      .reply(201, { id: 'c_2' });
    const events: { kind: string; attempt: number }[] = [];
    const counted = createHttpTransport(
      {
        maxRetries: 1,
        timeoutMs: 1_000,
        backoff: { baseDelayMs: 1, maxDelayMs: 5 },
        hooks: {
          onRequest: (event) => events.push({ kind: 'request', attempt: event.attempt }),
          onRetry: (event) => events.push({ kind: 'retry', attempt: event.attempt }),
        },
      },
      { provider: 'nock', defaultBaseUrl: BASE },
    );
    const result = await counted.send(spec());
    expect(result._unsafeUnwrap().data).toEqual({ id: 'c_2' });
    expect(events).toEqual([
      { kind: 'request', attempt: 1 },
      { kind: 'request', attempt: 2 },
      { kind: 'retry', attempt: 2 },
      { kind: 'request', attempt: 3 },
    ]);
    expect(scope.isDone()).toBe(true);
  });
});
