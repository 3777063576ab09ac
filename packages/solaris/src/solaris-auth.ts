import { ClosureError, type HttpTransport } from '@closekit/core';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { SOLARIS_PROVIDER, SOLARIS_TOKEN_PATH, type SolarisToken, solarisTokenSchema } from './solaris-api';
import { translateSolarisError } from './solaris-error';

/** Refresh this long before `expires_in` runs out, so a token never expires in flight (provider doc §1). */
export const TOKEN_REFRESH_MARGIN_MS = 60_000;
/** When the auth host leaves out `expires_in`: reuse the token this long only. */
export const TOKEN_FALLBACK_LIFETIME_MS = 5 * 60_000;

export interface SolarisTokenProviderSettings {
  transport: HttpTransport;
  tokenUrl: string;
  clientId: string | undefined;
  clientSecret: string | undefined;
  now?: () => number;
}

export interface SolarisTokenProvider {
  /**
   * `Authorization: Bearer …` headers; a cached token until shortly before it expires.
   * One token request at a time: concurrent callers share it. `forceRefresh` (after a 401)
   * drops the cache, or joins a refresh already under way.
   */
  authorize(forceRefresh: boolean, signal?: AbortSignal): ResultAsync<Record<string, string>, ClosureError>;
  /** The current access token, for redaction. */
  currentToken(): string | null;
  /** The Basic credential sent to the auth host, for redaction. */
  basicCredential(): string | null;
}

/** `https://auth.example` -> `https://auth.example/oauth2/token`; a URL with a path is used as given. */
export function resolveSolarisTokenUrl(authUrl: string): string {
  const url = new URL(authUrl);
  if (url.pathname === '' || url.pathname === '/') url.pathname = SOLARIS_TOKEN_PATH;
  return url.toString();
}

/** OAuth2 client credentials with HTTP Basic client authentication (provider doc §1, S6). */
export function solarisBasicCredential(clientId: string, clientSecret: string): string {
  return Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64');
}

export function createSolarisTokenProvider(settings: SolarisTokenProviderSettings): SolarisTokenProvider {
  const now = settings.now ?? (() => Date.now());
  const { clientId, clientSecret, transport, tokenUrl } = settings;
  const basic = clientId && clientSecret ? solarisBasicCredential(clientId, clientSecret) : null;
  // The answer for the cached token is built once and handed to every call until it is replaced.
  let cached: {
    token: string;
    refreshAt: number;
    headers: ResultAsync<Record<string, string>, ClosureError>;
  } | null = null;
  let inFlight: Promise<string | ClosureError> | null = null;

  const requestToken = (): Promise<string | ClosureError> =>
    transport
      .request({
        operation: 'authenticate',
        method: 'POST',
        url: tokenUrl,
        // Basic client authentication; the scope is required (provider doc §1).
        headers: { authorization: `Basic ${basic}` },
        form: { grant_type: 'client_credentials', scope: 'partners' },
        responseSchema: solarisTokenSchema,
        // Asking for a token changes nothing: repeating it is safe.
        retryMode: 'safe',
        translateError: translateSolarisError,
      })
      .match(
        ({ data }) => {
          cached = {
            token: data.access_token,
            refreshAt: refreshTime(data),
            headers: okAsync(bearer(data.access_token)),
          };
          return data.access_token;
        },
        (error) => error,
      );

  const refreshTime = (token: SolarisToken): number => {
    const lifetimeMs = token.expires_in ? token.expires_in * 1000 : TOKEN_FALLBACK_LIFETIME_MS;
    // Short-lived tokens: refresh at half-life rather than never caching them.
    return now() + lifetimeMs - Math.min(TOKEN_REFRESH_MARGIN_MS, lifetimeMs / 2);
  };

  const sharedRefresh = (): Promise<string | ClosureError> => {
    inFlight ??= requestToken().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  return {
    authorize(forceRefresh, signal) {
      if (!basic) {
        // Webhook-only use needs no credentials, so the factory accepts their absence; calls cannot.
        return errAsync(
          new ClosureError({
            code: 'AUTHENTICATION_FAILED',
            provider: SOLARIS_PROVIDER,
            message:
              'no Solaris client credentials: set clientId and clientSecret, or SOLARIS_CLIENT_ID and SOLARIS_CLIENT_SECRET',
            retryable: false,
          }),
        );
      }
      if (forceRefresh && !inFlight) cached = null;
      if (cached && now() < cached.refreshAt) return cached.headers;
      return ResultAsync.fromSafePromise(abortable(sharedRefresh(), signal)).andThen((outcome) =>
        typeof outcome === 'string' ? okAsync(bearer(outcome)) : errAsync(outcome),
      );
    },
    currentToken: () => cached?.token ?? null,
    basicCredential: () => basic,
  };
}

/** Lets one caller stop waiting for the shared token request without cancelling it for the others. */
function abortable(
  shared: Promise<string | ClosureError>,
  signal: AbortSignal | undefined,
): Promise<string | ClosureError> {
  if (!signal) return shared;
  const aborted = () =>
    new ClosureError({
      code: 'NETWORK_ERROR',
      provider: SOLARIS_PROVIDER,
      message: 'authenticate was aborted by the caller',
      retryable: false,
      details: { aborted: true },
    });
  if (signal.aborted) return Promise.resolve(aborted());
  return new Promise((resolve) => {
    const onAbort = () => resolve(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    shared.then((outcome) => {
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    });
  });
}
