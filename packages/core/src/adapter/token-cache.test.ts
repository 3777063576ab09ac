import { err, ok, type Result } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { ClosureError } from '../domain/closure-error';
import { createHttpTransport } from '../http/http-transport';
import { createScriptedFetch } from '../testing/scripted-fetch';
import { createTokenCache, type IssuedToken } from './token-cache';

/** A token endpoint the test answers by hand: each request waits until `issue` or `fail`. */
function tokenEndpoint() {
  const pending: ((result: Result<IssuedToken, ClosureError>) => void)[] = [];
  let requests = 0;
  return {
    fetchToken: () => {
      requests++;
      return new Promise<Result<IssuedToken, ClosureError>>((resolve) => pending.push(resolve));
    },
    requests: () => requests,
    issue(value: string, lifetimeMs: number | null = 3_600_000) {
      pending.shift()?.(ok({ value, lifetimeMs }));
    },
    fail() {
      pending.shift()?.(
        err(new ClosureError({ code: 'AUTHENTICATION_FAILED', provider: 'bank', message: 'refused' })),
      );
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('createTokenCache', () => {
  it('shares one token request among concurrent callers (single flight)', async () => {
    const endpoint = tokenEndpoint();
    const cache = createTokenCache({ provider: 'bank', fetchToken: endpoint.fetchToken });
    const waiting = Promise.all([cache.token(), cache.token(), cache.token()]);
    await tick();
    endpoint.issue('tok-one-0001');
    const results = await waiting;
    expect(results.map((result) => result._unsafeUnwrap())).toEqual([
      'tok-one-0001',
      'tok-one-0001',
      'tok-one-0001',
    ]);
    expect(endpoint.requests()).toBe(1);
    expect((await cache.token())._unsafeUnwrap()).toBe('tok-one-0001');
    expect(endpoint.requests()).toBe(1);
  });

  it('refreshes before expiry: the margin, or half the lifetime for a short-lived token', async () => {
    let clock = 0;
    const endpoint = tokenEndpoint();
    const cache = createTokenCache({ provider: 'bank', fetchToken: endpoint.fetchToken, now: () => clock });
    const first = cache.token();
    endpoint.issue('tok-long-0001', 600_000);
    await first;
    clock = 539_999;
    expect((await cache.token())._unsafeUnwrap()).toBe('tok-long-0001');
    clock = 540_000; // 600 s lifetime - 60 s margin
    const second = cache.token();
    await tick();
    endpoint.issue('tok-short-002', 60_000);
    expect((await second)._unsafeUnwrap()).toBe('tok-short-002');
    clock = 540_000 + 29_999;
    expect((await cache.token())._unsafeUnwrap()).toBe('tok-short-002');
    clock = 540_000 + 30_000; // half of a 60 s lifetime
    const third = cache.token();
    await tick();
    endpoint.issue('tok-third-003', null);
    expect((await third)._unsafeUnwrap()).toBe('tok-third-003');
    expect(endpoint.requests()).toBe(3);
  });

  it('forces one refresh after a 401, and reuses a token another request already renewed', async () => {
    const endpoint = tokenEndpoint();
    const cache = createTokenCache({ provider: 'bank', fetchToken: endpoint.fetchToken });
    const requestA = cache.authorizer();
    const requestB = cache.authorizer();
    const headersA = requestA(false);
    await tick();
    endpoint.issue('tok-old-00001');
    expect((await headersA)._unsafeUnwrap()).toEqual({ authorization: 'Bearer tok-old-00001' });
    expect((await requestB(false))._unsafeUnwrap()).toEqual({ authorization: 'Bearer tok-old-00001' });

    const refreshedA = requestA(true);
    await tick();
    endpoint.issue('tok-new-00002');
    expect((await refreshedA)._unsafeUnwrap()).toEqual({ authorization: 'Bearer tok-new-00002' });
    // B was refused the same old token: A's refresh already replaced it.
    expect((await requestB(true))._unsafeUnwrap()).toEqual({ authorization: 'Bearer tok-new-00002' });
    expect(endpoint.requests()).toBe(2);
    expect(cache.secrets()).toEqual(['tok-new-00002', 'tok-old-00001']);
  });

  it('lets a caller stop waiting without cancelling the shared request', async () => {
    const endpoint = tokenEndpoint();
    const cache = createTokenCache({ provider: 'bank', fetchToken: endpoint.fetchToken });
    const controller = new AbortController();
    const impatient = cache.token({ signal: controller.signal });
    const patient = cache.token();
    controller.abort();
    const aborted = (await impatient)._unsafeUnwrapErr();
    expect(aborted).toMatchObject({ code: 'NETWORK_ERROR', retryable: false, details: { aborted: true } });
    endpoint.issue('tok-late-0001');
    expect((await patient)._unsafeUnwrap()).toBe('tok-late-0001');
    expect(endpoint.requests()).toBe(1);
    const already = await cache.token({ signal: AbortSignal.abort(), forceRefresh: true });
    expect(already._unsafeUnwrapErr().code).toBe('NETWORK_ERROR');
  });

  it('caches no failure: the next call asks again', async () => {
    const endpoint = tokenEndpoint();
    const cache = createTokenCache({ provider: 'bank', fetchToken: endpoint.fetchToken });
    const first = cache.token();
    await tick();
    endpoint.fail();
    expect((await first)._unsafeUnwrapErr().code).toBe('AUTHENTICATION_FAILED');
    const second = cache.token();
    await tick();
    endpoint.issue('tok-after-0001');
    expect((await second)._unsafeUnwrap()).toBe('tok-after-0001');
    expect(endpoint.requests()).toBe(2);
  });

  it('keeps its tokens out of errors when they feed the transport redactor', async () => {
    const token = 'tok-Zq8Wm3Lp6Rt1Vx4Ny';
    const scripted = createScriptedFetch(() => ({ status: 400, body: { message: `bad token ${token}` } }));
    const cache = createTokenCache({
      provider: 'bank',
      fetchToken: async () => ok({ value: token, lifetimeMs: 60_000 }),
    });
    const transport = createHttpTransport(
      { fetch: scripted.fetch },
      { provider: 'bank', defaultBaseUrl: 'https://bank.test', secrets: () => cache.secrets() },
    );
    const result = await transport.request({
      operation: 'closeAccount',
      method: 'POST',
      path: '/close',
      json: {},
      responseSchema: (await import('zod')).z.unknown(),
      retryMode: 'safe',
      authorize: cache.authorizer((value) => ({ 'x-token': value })),
      translateError: (response) =>
        new ClosureError({
          code: 'INVALID_REQUEST',
          provider: 'bank',
          message: response.excerpt,
          details: { body: response.body },
        }),
    });
    expect(scripted.requests[0]?.headers['x-token']).toBe(token);
    const error = result._unsafeUnwrapErr();
    expect(JSON.stringify(error)).not.toContain(token);
    expect(error.message).toContain('[REDACTED]');
  });
});
