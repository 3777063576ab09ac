import { err, ok, type Result } from 'neverthrow';
import { ClosureError } from '../domain/closure-error';

/** A token as the provider issued it. */
export interface IssuedToken {
  value: string;
  /** How long it is valid from now, or null when the provider does not say. */
  lifetimeMs: number | null;
}

export interface TokenCacheSettings {
  provider: string;
  /** Asks the provider for a new token (through the adapter's transport). Must not reject. */
  fetchToken: () => PromiseLike<Result<IssuedToken, ClosureError>>;
  /** Refresh this long before expiry (at most half the lifetime). Default 60 s. */
  refreshMarginMs?: number;
  /** How long to use a token whose lifetime the provider does not give. Default 5 min. */
  fallbackLifetimeMs?: number;
  now?: () => number;
}

export interface TokenRequest {
  /**
   * A refresh is forced: the provider refused `rejected` (a 401). When another caller already
   * replaced that token, the new one is returned without another token request.
   */
  forceRefresh?: boolean;
  /** The token the provider refused; unknown (null) forces a refresh in any case. */
  rejected?: string | null;
  /** Stops this caller's wait, not the shared token request other callers may be waiting for. */
  signal?: AbortSignal;
}

/** Auth headers for one request, in the shape the transport's `authorize` takes. */
export type Authorize = (
  forceRefresh: boolean,
  signal?: AbortSignal,
) => Promise<Result<Record<string, string>, ClosureError>>;

export interface TokenCache {
  /** A token fresh for at least the refresh margin; one token request at a time for all callers. */
  token(request?: TokenRequest): Promise<Result<string, ClosureError>>;
  /**
   * An `authorize` function for one request: it remembers the token it handed out, so that the
   * forced refresh after a 401 replaces exactly that token.
   */
  authorizer(toHeaders?: (token: string) => Record<string, string>): Authorize;
  /** The current and the previous token: feed them to the transport's `secrets` for redaction. */
  secrets(): string[];
}

export const DEFAULT_TOKEN_REFRESH_MARGIN_MS = 60_000;
export const DEFAULT_TOKEN_LIFETIME_MS = 5 * 60_000;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface CachedToken {
  value: string;
  refreshAtMs: number;
}

/**
 * The one token cache every adapter with OAuth-style tokens uses: single flight (concurrent
 * callers share one token request), early refresh before expiry, a forced refresh after a 401,
 * an abortable wait, and the tokens it holds exposed for redaction.
 */
export function createTokenCache(settings: TokenCacheSettings): TokenCache {
  const now = settings.now ?? Date.now;
  const margin = settings.refreshMarginMs ?? DEFAULT_TOKEN_REFRESH_MARGIN_MS;
  const fallbackLifetime = settings.fallbackLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS;
  let cached: CachedToken | null = null;
  // The last token issued and the one before it: both may still be echoed in an answer.
  let latest: string | null = null;
  let previous: string | null = null;
  let inFlight: Promise<Result<string, ClosureError>> | null = null;

  const requestToken = async (): Promise<Result<string, ClosureError>> => {
    const issued = await settings.fetchToken();
    if (issued.isErr()) return err(issued.error);
    const { value, lifetimeMs } = issued.value;
    const lifetime = lifetimeMs !== null && lifetimeMs > 0 ? lifetimeMs : fallbackLifetime;
    // A short-lived token is refreshed at half-life rather than never cached.
    const refreshAtMs = now() + lifetime - Math.min(margin, lifetime / 2);
    if (latest !== null && latest !== value) previous = latest;
    latest = value;
    cached = { value, refreshAtMs };
    return ok(value);
  };

  const sharedRefresh = () => {
    inFlight ??= requestToken().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  const token = async (request: TokenRequest = {}): Promise<Result<string, ClosureError>> => {
    const current = cached;
    const refused =
      request.forceRefresh === true && (request.rejected == null || current?.value === request.rejected);
    if (current && now() < current.refreshAtMs && !refused) return ok(current.value);
    if (refused && !inFlight) cached = null;
    return abortable(sharedRefresh(), request.signal, settings.provider);
  };

  return {
    token,
    authorizer(toHeaders = bearer) {
      let handedOut: string | null = null;
      return async (forceRefresh, signal) => {
        const result = await token({ forceRefresh, rejected: handedOut, signal });
        if (result.isErr()) return err(result.error);
        handedOut = result.value;
        return ok(toHeaders(result.value));
      };
    },
    secrets: () => [latest, previous].filter((value): value is string => value !== null),
  };
}

/** Lets one caller stop waiting for the shared token request without cancelling it for the others. */
function abortable(
  shared: Promise<Result<string, ClosureError>>,
  signal: AbortSignal | undefined,
  provider: string,
): Promise<Result<string, ClosureError>> {
  if (!signal) return shared;
  const aborted = () =>
    err(
      new ClosureError({
        code: 'NETWORK_ERROR',
        provider,
        message: 'authenticate was aborted by the caller',
        retryable: false,
        details: { aborted: true },
      }),
    );
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
