import { ClosureError, type HttpTransport } from '@closekit/core';
import { err, ok, type Result } from 'neverthrow';
import { type SolarisToken, solarisTokenSchema } from './solaris-api';
import { translateSolarisError } from './solaris-error';
import { SOLARIS_PROVIDER } from './solaris-settings';

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
  authorize(
    forceRefresh: boolean,
    signal?: AbortSignal,
  ): Promise<Result<Record<string, string>, ClosureError>>;
  /** The current access token, for redaction. */
  currentToken(): string | null;
  /** The Basic credential sent to the auth host, for redaction. */
  basicCredential(): string | null;
}

/** OAuth2 client credentials with HTTP Basic client authentication (provider doc §1, S6). */
export function solarisBasicCredential(clientId: string, clientSecret: string): string {
  return Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64');
}

export function createSolarisTokenProvider(settings: SolarisTokenProviderSettings): SolarisTokenProvider {
  const now = settings.now ?? (() => Date.now());
  const { clientId, clientSecret, transport, tokenUrl } = settings;
  const basic = clientId && clientSecret ? solarisBasicCredential(clientId, clientSecret) : null;
  let cached: { token: string; refreshAt: number } | null = null;
  let inFlight: Promise<string | ClosureError> | null = null;

  const requestToken = async (): Promise<string | ClosureError> => {
    const answer = await transport.send({
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
    });
    if (answer.isErr()) return answer.error;
    const { data } = answer.value;
    cached = { token: data.access_token, refreshAt: refreshTime(data) };
    return data.access_token;
  };

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
    async authorize(forceRefresh, signal) {
      if (!basic) {
        // Webhook-only use needs no credentials, so the factory accepts their absence; calls cannot.
        return err(
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
      if (cached && now() < cached.refreshAt) return ok(bearer(cached.token));
      const outcome = await abortable(sharedRefresh(), signal);
      return typeof outcome === 'string' ? ok(bearer(outcome)) : err(outcome);
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
