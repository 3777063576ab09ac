import { ClosureError } from '@closekit/core';
import {
  type Authorize,
  createTokenCache,
  type HttpErrorResponse,
  type HttpTransport,
  numberOrNull,
} from '@closekit/core/adapter';
import { err, ok, type Result } from 'neverthrow';
import { AUTHENTICATE_PATH, tokenResponseSchema, type Udara360TokenFields } from './udara360-api';
import { UDARA360_CLIENT_ID_ENV, UDARA360_CLIENT_SECRET_ENV } from './udara360-settings';

/** Refresh this long before the token expires (providers/udara360.md §1: "~60 s early"). */
export const TOKEN_REFRESH_MARGIN_MS = 60_000;
/** Used when the answer carries neither tokenValiditySec nor a usable expirationTime (public code: 3600 s). */
export const DEFAULT_TOKEN_VALIDITY_SEC = 3_600;

export interface Udara360Auth {
  /** An `authorize` for one request (the shared token cache's: a 401 replaces exactly its token). */
  authorizer(): Authorize;
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

/**
 * How long a token lives. tokenValiditySec is trusted first; expirationTime is "epoch time" with
 * no unit ([AUTH]), so values above 1e11 are read as milliseconds, others as seconds.
 */
export function tokenLifetimeMs(token: Udara360TokenFields, nowMs: number): number {
  const validitySec = numberOrNull(token.tokenValiditySec);
  if (validitySec !== null && validitySec > 0) return validitySec * 1000;
  const expiration = numberOrNull(token.expirationTime);
  if (expiration !== null && expiration > 0) {
    const left = (expiration > 1e11 ? expiration : expiration * 1000) - nowMs;
    if (left > 0) return left;
  }
  return DEFAULT_TOKEN_VALIDITY_SEC * 1000;
}

/**
 * Udara360 bearer tokens: POST /api/auth/v1/authenticate with {clientId, clientSecret} ([AUTH]),
 * on the shared token cache (one per adapter: credentials imply the tenant, §1). The token request
 * goes through the same transport (timeouts, retries, redaction) with retryMode 'safe': asking for
 * a token changes nothing. No refresh endpoint exists: a new token is a new authenticate.
 */
export function createUdara360Auth(settings: Udara360AuthSettings): Udara360Auth {
  const { provider, transport } = settings;
  const now = settings.now ?? Date.now;
  const missing = [
    settings.clientId ? null : `clientId (or ${UDARA360_CLIENT_ID_ENV})`,
    settings.clientSecret ? null : `clientSecret (or ${UDARA360_CLIENT_SECRET_ENV})`,
  ].filter((name): name is string => name !== null);

  const refused = (message: string | null, statusCode: string | null, httpStatus: number) =>
    new ClosureError({
      code: 'AUTHENTICATION_FAILED',
      provider,
      message: `authenticate: Udara360 refused the credentials${message ? `: ${transport.redactor.text(message).slice(0, 200)}` : ''}`,
      httpStatus,
      providerCode: statusCode,
      retryable: false,
    });

  const cache = createTokenCache({
    provider,
    refreshMarginMs: TOKEN_REFRESH_MARGIN_MS,
    now,
    fetchToken: async () => {
      const answer = await transport.send({
        operation: 'authenticate',
        method: 'POST',
        path: AUTHENTICATE_PATH,
        json: { clientId: settings.clientId, clientSecret: settings.clientSecret },
        responseSchema: tokenResponseSchema,
        retryMode: 'safe',
        translateError: settings.translateError,
        interpret: (data, response) =>
          data.ok ? ok(data) : err(refused(data.message, data.statusCode, response.status)),
      });
      if (answer.isErr()) {
        // An unreadable token answer may contain a token we do not know yet: drop the excerpt.
        const error = answer.error;
        return err(error.code === 'INVALID_RESPONSE' ? error.with({ details: null }) : error);
      }
      const data = answer.value.data;
      if (!data.ok) return err(refused(data.message, data.statusCode, answer.value.status ?? 200));
      return ok({ value: data.token.accessToken, lifetimeMs: tokenLifetimeMs(data.token, now()) });
    },
  });

  const missingCredentials = (): Result<Record<string, string>, ClosureError> =>
    err(
      new ClosureError({
        code: 'AUTHENTICATION_FAILED',
        provider,
        message: `Udara360 credentials are missing: set ${missing.join(' and ')}`,
        retryable: false,
        details: { missing },
      }),
    );

  return {
    authorizer() {
      if (missing.length > 0) return async () => missingCredentials();
      return cache.authorizer();
    },
    tokens: () => cache.secrets(),
  };
}
