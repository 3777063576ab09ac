export interface BackoffSettings {
  /** First retry waits up to this long (full jitter). Default 250 ms. */
  baseDelayMs?: number;
  /** No backoff wait is longer than this. Default 8 s. */
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the call fails with RATE_LIMITED / PROVIDER_UNAVAILABLE and `details.retryAfterMs`. Default 60 s. */
  maxRetryAfterMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_BACKOFF: Required<BackoffSettings> = {
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/** 408, 429 and 5xx are worth another attempt; every other status is the provider's answer. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Exponential backoff with full jitter: a random wait in [0, min(max, base * 2^retry)). */
export function backoffDelayMs(
  retryNumber: number,
  settings: Required<BackoffSettings>,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** retryNumber);
  return Math.floor(random() * ceiling);
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfterMs(header: string | null, now: number = Date.now()): number | null {
  if (header === null) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/[a-z]/i.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

/** Waits, or stops early (false) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
