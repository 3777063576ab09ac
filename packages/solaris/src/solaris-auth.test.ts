import { createHttpTransport } from '@closekit/core/adapter';
import { createScriptedFetch, type ScriptedReply } from '@closekit/core/testing';
import { describe, expect, it } from 'vitest';
import { createSolarisAuth, solarisBasicCredential } from './solaris-auth';
import { resolveSolarisTokenUrl } from './solaris-settings';

const TOKEN_URL = 'https://auth.solaris.test/oauth2/token';

function setup(replies: (index: number) => ScriptedReply) {
  let clock = 1_000_000;
  let index = 0;
  const scripted = createScriptedFetch(() => replies(index++));
  const transport = createHttpTransport({
    provider: 'solaris',
    baseUrl: 'https://api.solaris.test',
    fetch: scripted.fetch,
    backoff: { baseDelayMs: 1, maxDelayMs: 2 },
  });
  const tokens = createSolarisAuth({
    transport,
    tokenUrl: TOKEN_URL,
    clientId: 'client',
    clientSecret: 'secret-value',
    now: () => clock,
  });
  return {
    tokens,
    requests: scripted.requests,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

const tokenReply = (accessToken: string, expiresIn?: unknown, delayMs = 0): ScriptedReply => ({
  status: 200,
  delayMs,
  body: {
    access_token: accessToken,
    token_type: 'bearer',
    scope: 'partners',
    ...(expiresIn === undefined ? {} : { expires_in: expiresIn }),
  },
});

describe('solaris token provider', () => {
  it('caches the token until 60 s before expires_in, then refreshes', async () => {
    const { tokens, requests, advance } = setup((index) => tokenReply(`token-${index}`, 3599));
    expect((await tokens.authorize(false))._unsafeUnwrap()).toEqual({ authorization: 'Bearer token-0' });
    advance(3599_000 - 60_000 - 1);
    expect((await tokens.authorize(false))._unsafeUnwrap()).toEqual({ authorization: 'Bearer token-0' });
    advance(1);
    expect((await tokens.authorize(false))._unsafeUnwrap()).toEqual({ authorization: 'Bearer token-1' });
    expect(requests).toHaveLength(2);
    expect(tokens.secrets()).toContain('token-1');
  });

  it('refreshes a short-lived token at half its life', async () => {
    const { tokens, requests, advance } = setup((index) => tokenReply(`token-${index}`, '30'));
    await tokens.authorize(false);
    advance(14_999);
    await tokens.authorize(false);
    expect(requests).toHaveLength(1);
    advance(1);
    await tokens.authorize(false);
    expect(requests).toHaveLength(2);
  });

  it('reuses a token without expires_in for five minutes (less the 60 s margin)', async () => {
    const { tokens, requests, advance } = setup((index) => tokenReply(`token-${index}`));
    await tokens.authorize(false);
    advance(240_000 - 1);
    await tokens.authorize(false);
    expect(requests).toHaveLength(1);
    advance(1);
    await tokens.authorize(false);
    expect(requests).toHaveLength(2);
  });

  it('sends one token request for concurrent callers, and a forced refresh joins one under way', async () => {
    const { tokens, requests } = setup((index) => tokenReply(`token-${index}`, 3599, 20));
    const first = await Promise.all(Array.from({ length: 10 }, () => tokens.authorize(false)));
    expect(new Set(first.map((result) => result._unsafeUnwrap().authorization))).toEqual(
      new Set(['Bearer token-0']),
    );
    const forced = await Promise.all([
      tokens.authorize(true),
      tokens.authorize(true),
      tokens.authorize(false),
    ]);
    expect(forced.map((result) => result._unsafeUnwrap().authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-1',
      'Bearer token-1',
    ]);
    expect(requests).toHaveLength(2);
  });

  it('does not cache a failure: the next call asks again', async () => {
    const { tokens, requests } = setup((index) =>
      index === 0 ? { status: 400, body: { error: 'invalid_client' } } : tokenReply('token-ok', 3599),
    );
    expect((await tokens.authorize(false))._unsafeUnwrapErr()).toMatchObject({
      code: 'AUTHENTICATION_FAILED',
      providerCode: 'invalid_client',
    });
    expect((await tokens.authorize(false))._unsafeUnwrap()).toEqual({ authorization: 'Bearer token-ok' });
    expect(requests).toHaveLength(2);
  });

  it('retries the token request on 503 (asking for a token changes nothing)', async () => {
    const { tokens, requests } = setup((index) =>
      index === 0 ? { status: 503, body: {} } : tokenReply('token-ok', 3599),
    );
    expect((await tokens.authorize(false)).isOk()).toBe(true);
    expect(requests).toHaveLength(2);
  });

  it('lets one caller stop waiting without cancelling the shared request for the others', async () => {
    const { tokens, requests } = setup(() => tokenReply('token-slow', 3599, 50));
    const controller = new AbortController();
    const waiting = tokens.authorize(false, controller.signal);
    const other = tokens.authorize(false);
    controller.abort();
    expect((await waiting)._unsafeUnwrapErr()).toMatchObject({
      code: 'NETWORK_ERROR',
      details: { aborted: true },
    });
    expect((await other)._unsafeUnwrap()).toEqual({ authorization: 'Bearer token-slow' });
    expect(requests).toHaveLength(1);
  });

  it('rejects a token answer without access_token as INVALID_RESPONSE', async () => {
    const { tokens } = setup(() => ({ status: 200, body: { token_type: 'bearer' } }));
    expect((await tokens.authorize(false))._unsafeUnwrapErr().code).toBe('INVALID_RESPONSE');
  });
});

describe('token URL and Basic credential', () => {
  it.each([
    ['https://auth.solarisbank.de', 'https://auth.solarisbank.de/oauth2/token'],
    ['https://auth.solarisbank.de/', 'https://auth.solarisbank.de/oauth2/token'],
    ['https://auth.solaris-sandbox.de/oauth2/token', 'https://auth.solaris-sandbox.de/oauth2/token'],
    ['http://127.0.0.1:4010/custom/token', 'http://127.0.0.1:4010/custom/token'],
  ])('%s -> %s', (input, expected) => {
    expect(resolveSolarisTokenUrl(input)).toBe(expected);
  });

  it('encodes id:secret in base64', () => {
    expect(solarisBasicCredential('client', 'secret')).toBe('Y2xpZW50OnNlY3JldA==');
  });
});
