import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseRetryAfterMs } from '@closekit/core/adapter';
import type { Redis } from 'ioredis';

/*
 * How "N requests per second to a provider, all requests" maps onto BullMQ's shared rate limiter
 * (docs/bulk.md, "BullMQ on Redis"):
 *
 * BullMQ keeps one counter per queue in Redis (`<queue>:limiter`): each job handed to any worker
 * adds one, the first one sets the window's expiry, and no worker gets a job while the counter
 * is at the queue's `max` (set with Queue.setGlobalRateLimit, so every worker on every machine
 * reads the same limit). We make that counter count requests instead of jobs:
 * - the unit BullMQ takes when it hands out a job pays for the job's first HTTP request;
 * - every further request of the job (a token call, a pre-flight read, a read-back, a retry)
 *   takes one more unit from the same counter before it is sent, with the same rule as BullMQ's
 *   (wait for the window's expiry while the counter is at max).
 * So jobs and requests draw from one budget shared by all workers, and no window carries more
 * than `max` requests. A job that sends nothing wastes its unit (conservative).
 *
 * The window is a quarter second (`limiterWindow`), so a burst at a window's edge stays within
 * 1.25 N in any sliding second rather than 2 N. Shorter windows lose more of each window to timers
 * that fire late on a busy machine (measured: 86% of the limit with 100 ms windows, 97% with
 * 250 ms, on a 2-core machine at load 16).
 *
 * A 429 sets the same counter to "full" for the provider's Retry-After (capped): BullMQ hands out
 * no job of that provider to any worker, and requests already under way wait too. This is what
 * Queue.rateLimit does, except that a shorter pause never cuts a longer one short.
 */

/** The BullMQ limiter settings for a rate: at most `max` per `duration` ms (about 250), never above the rate. */
export function limiterWindow(requestsPerSecond: number): { max: number; duration: number } {
  const max = Math.max(1, Math.round(requestsPerSecond / 4));
  return { max, duration: Math.ceil((1000 * max) / requestsPerSecond) };
}

/** Takes one unit, the way BullMQ's moveToActive does; returns 0, or the ms until the window ends. */
const TAKE_UNIT = `
local max = tonumber(redis.call('HGET', KEYS[2], 'max'))
local duration = tonumber(redis.call('HGET', KEYS[2], 'duration'))
if not max or not duration then return 0 end
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= max then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then return ttl end
  redis.call('DEL', KEYS[1])
end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], math.floor(duration)) end
return 0
`;

/** Fills the counter for ARGV[1] ms unless it is already full for longer. */
const PAUSE = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[1]) end
return 0
`;

const MAX_WAIT_STEP_MS = 250;

/** What BullMQ's Queue.rateLimit writes: a count no `max` reaches. */
const FULL = String(Number.MAX_SAFE_INTEGER);

type ScriptRunner = (keys: string[], args: (string | number)[]) => Promise<unknown>;

/** Registers a Lua script on the connection (EVALSHA, loaded on first use) and returns a caller. */
export function defineScript(redis: Redis, name: string, numberOfKeys: number, lua: string): ScriptRunner {
  if (!(name in redis)) redis.defineCommand(name, { numberOfKeys, lua });
  const command = (redis as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>)[
    name
  ];
  if (!command) throw new Error(`script ${name} was not registered`);
  return (keys, args) => command.call(redis, ...keys, ...args);
}

const jobContext = new AsyncLocalStorage<{ prepaid: boolean }>();

/** Runs one job's work: its first request is paid by the unit BullMQ took when it handed the job out. */
export function runJobWithPrepaidRequest<T>(work: () => Promise<T>): Promise<T> {
  return jobContext.run({ prepaid: true }, work);
}

export interface GatedFetchSettings {
  redis: Redis;
  /** The provider queue's BullMQ keys: `<queue>:limiter` and `<queue>:meta`. */
  limiterKey: string;
  metaKey: string;
  /** The fetch that sends (the provider's own, or globalThis.fetch). */
  fetch: typeof globalThis.fetch;
  /** A 429 without Retry-After pauses this long; none pauses longer than maxPauseMs. */
  pauseMs: number;
  maxPauseMs: number;
}

/** Pauses every worker of the provider for `ms` (the 429 path; also used by the step's pause). */
export function pauseProviderRequests(redis: Redis, limiterKey: string, ms: number): Promise<unknown> {
  const whole = Math.floor(ms);
  if (whole <= 0) return Promise.resolve();
  return defineScript(redis, 'closekitBulkPause', 1, PAUSE)([limiterKey], [whole, FULL]);
}

/**
 * A fetch that waits for the provider's shared rate limit before each request and turns a 429
 * into a pause of the provider for every worker. The answer itself is passed on untouched: the
 * adapter still sees the 429 and decides what it means.
 */
export function createGatedFetch(settings: GatedFetchSettings): typeof globalThis.fetch {
  const takeUnit = defineScript(settings.redis, 'closekitBulkTakeUnit', 2, TAKE_UNIT);
  const waitForUnit = async (signal: AbortSignal | null | undefined) => {
    const job = jobContext.getStore();
    if (job?.prepaid) {
      job.prepaid = false;
      return;
    }
    for (;;) {
      signal?.throwIfAborted();
      const waitMs = Number(await takeUnit([settings.limiterKey, settings.metaKey], []));
      if (!(waitMs > 0)) return;
      // Looks again at least every MAX_WAIT_STEP_MS: a pause lifted early (by hand) is seen soon.
      await sleep(Math.min(waitMs, MAX_WAIT_STEP_MS), undefined, signal ? { signal } : undefined);
    }
  };
  return async (input, init) => {
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    await waitForUnit(signal);
    const response = await settings.fetch(input, init);
    if (response.status === 429) {
      const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after')) ?? settings.pauseMs;
      // Best effort: the answer arrived, so a Redis hiccup here must not turn it into a network error.
      await pauseProviderRequests(
        settings.redis,
        settings.limiterKey,
        Math.min(retryAfterMs, settings.maxPauseMs),
      ).catch(() => undefined);
    }
    return response;
  };
}
