import { ClosureError, type HttpErrorResponse, type HttpTransport } from '@closekit/core';
import { err, ok, type Result } from 'neverthrow';
import { tokenResponseSchema, type Udara360TokenFields } from './udara360-api';
import { UDARA360_CLIENT_ID_ENV, UDARA360_CLIENT_SECRET_ENV } from './udara360-settings';

export const AUTHENTICATE_PATH = '/api/auth/v1/authenticate';
/** Refresh this long before the token expires (providers/udara360.md §1: "~60 s early"). */
export const TOKEN_REFRESH_MARGIN_MS = 60_000;
/** Used when the answer carries neither tokenValiditySec nor a usable expirationTime (public code: 3600 s). */
export const DEFAULT_TOKEN_VALIDITY_SEC = 3_600;

export type AuthorizeFunction = (
  forceRefresh: boolean,
) => Promise<Result<Record<string, string>, ClosureError>>;

export interface Udara360Auth {
  /**
   * A new authorize function for one request. It remembers the token it handed out, so that a
   * forced refresh after a 401 reuses a token another request already renewed.
   */
  authorizer(): AuthorizeFunction;
  /** The tokens that must be redacted: the current one and the one before it. */
  tokens(): string[];
}

export interface Udara360AuthSettings {
  provider: string;
  transport: HttpTransport;
  clientId: string | undefined;
  clientSecret: string | undefined;
  translateError: (response: HttpErrorResponse) => ClosureError;
  now?: () => number;
}

interface CachedToken {
  accessToken: string;
  /** When to stop using it (expiry minus the refresh margin). */
  refreshAtMs: number;
  /** The answer handed to every request while the token is fresh (never mutated). */
  headers: Promise<Result<Record<string, string>, ClosureError>>;
}

const toNumber = (value: unknown): number | null => {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : null;
};

/**
 * How long a token lives. tokenValiditySec is trusted first; expirationTime is "epoch time" with
 * no unit ([AUTH]), so values above 1e11 are read as milliseconds, others as seconds.
 */
export function tokenLifetimeMs(token: Udara360TokenFields, nowMs: number): number {
  const validitySec = toNumber(token.tokenValiditySec);
  if (validitySec !== null && validitySec > 0) return validitySec * 1000;
  const expiration = toNumber(token.expirationTime);
  if (expiration !== null && expiration > 0) {
    const left = (expiration > 1e11 ? expiration : expiration * 1000) - nowMs;
    if (left > 0) return left;
  }
  return DEFAULT_TOKEN_VALIDITY_SEC * 1000;
}

/**
 * Udara360 bearer tokens: POST /api/auth/v1/authenticate with {clientId, clientSecret} ([AUTH]),
 * cached per adapter (credentials imply the tenant, §1), one refresh in flight at a time,
 * renewed before expiry, forced after a 401. The token request goes through the same transport
 * (timeouts, retries, redaction) with retryMode 'safe': asking for a token changes nothing.
 */
export function createUdara360Auth(settings: Udara360AuthSettings): Udara360Auth {
  const { provider, transport } = settings;
  const now = settings.now ?? Date.now;
  let cached: CachedToken | null = null;
  let previousToken: string | null = null;
  let inflight: Promise<Result<CachedToken, ClosureError>> | null = null;

  const missing = [
    settings.clientId ? null : `clientId (or ${UDARA360_CLIENT_ID_ENV})`,
    settings.clientSecret ? null : `clientSecret (or ${UDARA360_CLIENT_SECRET_ENV})`,
  ].filter((name): name is string => name !== null);

  const requestToken = async (): Promise<Result<CachedToken, ClosureError>> => {
    const answer = await transport.request({
      operation: 'authenticate',
      method: 'POST',
      path: AUTHENTICATE_PATH,
      json: { clientId: settings.clientId, clientSecret: settings.clientSecret },
      responseSchema: tokenResponseSchema,
      retryMode: 'safe',
      translateError: settings.translateError,
      interpret: (data, response) =>
        data.ok
          ? ok(data)
          : err(
              new ClosureError({
                code: 'AUTHENTICATION_FAILED',
                provider,
                message: `authenticate: Udara360 refused the credentials${data.message ? `: ${transport.redactor.text(data.message).slice(0, 200)}` : ''}`,
                httpStatus: response.status,
                providerCode: data.statusCode,
                retryable: false,
              }),
            ),
    });
    if (answer.isErr()) {
      // An unreadable token answer may contain a token we do not know yet: drop the excerpt.
      const error = answer.error;
      return err(error.code === 'INVALID_RESPONSE' ? error.with({ details: null }) : error);
    }
    const data = answer.value.data;
    if (!data.ok)
      return err(
        new ClosureError({ code: 'AUTHENTICATION_FAILED', provider, message: 'authenticate failed' }),
      );
    const issuedAt = now();
    const lifetimeMs = tokenLifetimeMs(data.token, issuedAt);
    const token: CachedToken = {
      accessToken: data.token.accessToken,
      refreshAtMs: issuedAt + lifetimeMs - Math.min(TOKEN_REFRESH_MARGIN_MS, lifetimeMs / 2),
      headers: Promise.resolve(ok({ authorization: `Bearer ${data.token.accessToken}` })),
    };
    if (cached && cached.accessToken !== token.accessToken) previousToken = cached.accessToken;
    cached = token;
    return ok(token);
  };

  const refresh = (): Promise<Result<CachedToken, ClosureError>> => {
    if (!inflight) {
      inflight = requestToken().finally(() => {
        inflight = null;
      });
    }
    return inflight;
  };

  const fresh = (token: CachedToken | null): token is CachedToken =>
    token !== null && now() < token.refreshAtMs;

  return {
    authorizer() {
      let handedOut: string | null = null;
      const obtain = async (forceRefresh: boolean): Promise<Result<Record<string, string>, ClosureError>> => {
        if (missing.length > 0) {
          return err(
            new ClosureError({
              code: 'AUTHENTICATION_FAILED',
              provider,
              message: `Udara360 credentials are missing: set ${missing.join(' and ')}`,
              retryable: false,
              details: { missing },
            }),
          );
        }
        let token: CachedToken;
        const current = cached;
        if (fresh(current) && (!forceRefresh || current.accessToken !== handedOut)) {
          token = current;
        } else {
          if (forceRefresh && current && current.accessToken === handedOut) cached = null;
          const renewed = await refresh();
          if (renewed.isErr()) return err(renewed.error);
          token = renewed.value;
        }
        handedOut = token.accessToken;
        return token.headers;
      };
      // The common case, a fresh token, answers with the token's own settled promise: no new
      // promise, async frame or headers object per request.
      return (forceRefresh) => {
        const current = cached;
        if (missing.length > 0 || forceRefresh || !fresh(current)) return obtain(forceRefresh);
        handedOut = current.accessToken;
        return current.headers;
      };
    },
    tokens: () => [cached?.accessToken, previousToken].filter((token): token is string => !!token),
  };
}
