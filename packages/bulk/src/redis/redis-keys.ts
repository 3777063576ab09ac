/*
 * Where a run lives in Redis. Every key of a run, BullMQ's included, starts with
 * `<prefix>:{<run>}:`: the braces are a Redis Cluster hash tag, so one run's keys share a slot
 * and the scripts below may touch several of them at once.
 */

/** Run and provider names become parts of Redis keys and BullMQ queue names (which forbid ':'). */
export const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,100}$/;

export const DEFAULT_REDIS_PREFIX = 'closekit-bulk';

export interface RunKeys {
  /** BullMQ's `prefix` option: queues are `<base>:<provider>:…`. */
  readonly base: string;
  /** Hash: `<provider>:<accountId>` -> the account record (JSON). */
  readonly accounts: string;
  /** Hash: `<provider>:<accountId>` -> the record's version, raised by every write. */
  readonly versions: string;
  /** Hash: `<provider>:<state>` -> number of accounts. */
  readonly counts: string;
  /** Set: `<provider>:<eventId>` of every webhook event applied. */
  readonly events: string;
  /** Hash: provider -> the ProviderPause in force (JSON). */
  readonly pauses: string;
  /** Set: job ids parked by a `--until submitted` run (see redis-bulk-processor.ts). */
  readonly parked: string;
  /** List of one account's audit entries (JSON), oldest first. */
  audit(provider: string, accountId: string): string;
}

export function runKeys(prefix: string, run: string): RunKeys {
  const base = `${prefix}:{${run}}`;
  return {
    base,
    accounts: `${base}:accounts`,
    versions: `${base}:versions`,
    counts: `${base}:counts`,
    events: `${base}:events`,
    pauses: `${base}:pauses`,
    parked: `${base}:parked`,
    audit: (provider, accountId) => `${base}:audit:${provider}:${accountId}`,
  };
}

/** The field of an account in the accounts/versions hashes (provider names hold no ':'). */
export function accountField(provider: string, accountId: string): string {
  return `${provider}:${accountId}`;
}

/**
 * The BullMQ job id of an account: made of (run, provider, accountId), so adding the same
 * account twice finds the existing job instead of creating a second one. BullMQ refuses ':' in
 * custom ids; encodeURIComponent removes it and keeps the id readable in dashboards.
 */
export function accountJobId(run: string, provider: string, accountId: string): string {
  return `${run}/${provider}/${encodeURIComponent(accountId)}`;
}

/** One of a BullMQ queue's own keys (`limiter`, `meta`), which the rate gate shares with BullMQ. */
export function bullKey(
  queue: { keys: Record<string, string | undefined> },
  name: 'limiter' | 'meta',
): string {
  const key = queue.keys[name];
  if (key === undefined) throw new Error(`BullMQ queue has no ${name} key`);
  return key;
}
