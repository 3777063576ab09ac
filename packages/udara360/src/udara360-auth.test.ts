import type { ClosureError } from '@closekit/core';
import { createHttpTransport } from '@closekit/core/adapter';
import { createScriptedFetch, type ScriptedReply } from '@closekit/core/testing';
import { describe, expect, it } from 'vitest';
import { createUdara360Auth, DEFAULT_TOKEN_VALIDITY_SEC, tokenLifetimeMs } from './udara360-auth';
import { translateUdara360HttpError } from './udara360-error';

const NOW = Date.parse('2026-01-01T00:00:00Z');

function setup(replies: ScriptedReply[], credentials = { clientId: 'id-1', clientSecret: 'secret-0001' }) {
  let clock = NOW;
  const queue = [...replies];
  const scripted = createScriptedFetch(() => queue.shift() ?? { status: 500, body: {} });
  const transport = createHttpTransport({
    provider: 'udara360',
    baseUrl: 'https://openapi.test.udara360.io',
    fetch: scripted.fetch,
    maxRetries: 0,
  });
  const auth = createUdara360Auth({
    provider: 'udara360',
    transport,
    ...credentials,
    translateError: (response) => translateUdara360HttpError('udara360', response),
    now: () => clock,
  });
  return { auth, requests: scripted.requests, advance: (ms: number) => (clock += ms) };
}

const tokenReply = (accessToken: string, tokenValiditySec: number | null = 3600): ScriptedReply => ({
  status: 200,
  body: { accessToken, tokenType: 'Bearer', tokenValiditySec },
});

describe('udara360 auth', () => {
  it('asks for a token once and reuses it until shortly before expiry', async () => {
    const { auth, requests, advance } = setup([tokenReply('token-one'), tokenReply('token-two')]);
    const authorize = auth.authorizer();
    expect((await authorize(false))._unsafeUnwrap()).toEqual({ authorization: 'Bearer token-one' });
    advance(3_600_000 - 60_001);
    expect((await authorize(false))._unsafeUnwrap()).toEqual({ authorization: 'Bearer token-one' });
    advance(1);
    // 60 s before expiry the token is renewed.
    expect((await authorize(false))._unsafeUnwrap()).toEqual({ authorization: 'Bearer token-two' });
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/auth/v1/authenticate',
      json: { clientId: 'id-1', clientSecret: 'secret-0001' },
    });
    expect(requests[0]!.headers.authorization).toBeUndefined();
    expect(auth.tokens()).toEqual(['token-two', 'token-one']);
  });

  it('keeps at least half of a short token lifetime', async () => {
    const { auth, requests, advance } = setup([tokenReply('short', 30), tokenReply('next', 30)]);
    const authorize = auth.authorizer();
    await authorize(false);
    advance(14_999);
    await authorize(false);
    expect(requests).toHaveLength(1);
    advance(1);
    await authorize(false);
    expect(requests).toHaveLength(2);
  });

  it('shares one refresh between concurrent callers', async () => {
    const { auth, requests } = setup([{ ...tokenReply('shared'), delayMs: 20 }]);
    const results = await Promise.all([1, 2, 3, 4].map(() => auth.authorizer()(false)));
    expect(results.map((result) => result._unsafeUnwrap().authorization)).toEqual(
      Array(4).fill('Bearer shared'),
    );
    expect(requests).toHaveLength(1);
  });

  it('forces a new token after a 401, once for all requests that saw the old one', async () => {
    const { auth, requests } = setup([tokenReply('old'), tokenReply('new')]);
    const first = auth.authorizer();
    const second = auth.authorizer();
    await first(false);
    await second(false);
    expect((await first(true))._unsafeUnwrap().authorization).toBe('Bearer new');
    // The second request also got a 401 with "old": the renewed token is reused, not renewed again.
    expect((await second(true))._unsafeUnwrap().authorization).toBe('Bearer new');
    expect(requests).toHaveLength(2);
  });

  it('fails with AUTHENTICATION_FAILED and no request when credentials are missing', async () => {
    const { auth, requests } = setup([], { clientId: '', clientSecret: '' });
    const error = (await auth.authorizer()(false))._unsafeUnwrapErr();
    expect(error).toMatchObject({
      code: 'AUTHENTICATION_FAILED',
      message:
        'Udara360 credentials are missing: set clientId (or UDARA360_CLIENT_ID) and clientSecret (or UDARA360_CLIENT_SECRET)',
    });
    expect(requests).toHaveLength(0);
  });

  it('translates refused credentials and an unreadable token answer', async () => {
    const { auth } = setup([
      {
        status: 400,
        body: { errors: [{ statusCode: 400, errorCode: 'BAD_CLIENT', errorMessage: 'Invalid client' }] },
      },
      { status: 200, body: { token: 'secret-looking-value' } },
    ]);
    const refused = (await auth.authorizer()(false))._unsafeUnwrapErr();
    expect(refused).toMatchObject({
      code: 'AUTHENTICATION_FAILED',
      httpStatus: 400,
      providerCode: 'BAD_CLIENT',
    });
    const unreadable: ClosureError = (await auth.authorizer()(false))._unsafeUnwrapErr();
    expect(unreadable).toMatchObject({ code: 'INVALID_RESPONSE', details: null });
  });

  it('computes token lifetimes from tokenValiditySec, else expirationTime, else the default', () => {
    expect(tokenLifetimeMs({ accessToken: 't', tokenValiditySec: 1800 }, NOW)).toBe(1_800_000);
    expect(tokenLifetimeMs({ accessToken: 't', tokenValiditySec: '900' }, NOW)).toBe(900_000);
    expect(tokenLifetimeMs({ accessToken: 't', expirationTime: NOW / 1000 + 600 }, NOW)).toBe(600_000);
    expect(tokenLifetimeMs({ accessToken: 't', expirationTime: NOW + 120_000 }, NOW)).toBe(120_000);
    expect(tokenLifetimeMs({ accessToken: 't', expirationTime: NOW / 1000 - 5 }, NOW)).toBe(
      DEFAULT_TOKEN_VALIDITY_SEC * 1000,
    );
    expect(tokenLifetimeMs({ accessToken: 't' }, NOW)).toBe(DEFAULT_TOKEN_VALIDITY_SEC * 1000);
  });
});
