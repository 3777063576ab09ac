import type { Redis } from 'ioredis';
import type { ProviderPause } from '../bulk-step';
import { type AuditEntry, type BulkAccount, FINAL_RUN_STATES, RUN_STATES, type RunState } from '../run-model';
import { accountField, type RunKeys } from './redis-keys';
import { defineScript } from './redis-rate-gate';

/*
 * The run's records in plain Redis hashes, on the same connection as the BullMQ queues: the
 * account record (JSON) and its version, counts per provider and state kept in step with every
 * write, one audit list per account, the webhook events applied, the provider pauses.
 * Every write is one Lua script, so it is atomic, and it only applies when the record still has
 * the version the writer read (compare-and-set): two workers that both hold an account (a lost
 * lock, a job handed out again) cannot both record an intent, so at most one sends the close.
 */

/** The run model's final states, as a Lua condition on `state`. */
const STATE_IS_FINAL = [...FINAL_RUN_STATES].map((state) => `state == '${state}'`).join(' or ');

/** Adds each account unless the run has it: per account 1 (added), 2 (had it, not final), 0 (had it, final). */
const IMPORT = `
local out = {}
for i = 1, #ARGV, 3 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then
    redis.call('HSET', KEYS[2], ARGV[i], 1)
    redis.call('HINCRBY', KEYS[3], ARGV[i + 2] .. ':QUEUED', 1)
    out[#out + 1] = 1
  else
    local state = cjson.decode(redis.call('HGET', KEYS[1], ARGV[i]))['state']
    if ${STATE_IS_FINAL} then
      out[#out + 1] = 0
    else
      out[#out + 1] = 2
    end
  end
end
return out
`;

/**
 * Writes a record when its version is still ARGV[2]: -2 no such account, -1 version moved on,
 * -3 the webhook event (ARGV[7]) was applied before; else the new version.
 */
const COMMIT = `
local version = redis.call('HGET', KEYS[2], ARGV[1])
if not version then return -2 end
if version ~= ARGV[2] then return -1 end
if ARGV[7] ~= '' and redis.call('SADD', KEYS[5], ARGV[7]) == 0 then return -3 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
local next = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
if ARGV[5] ~= ARGV[6] then
  redis.call('HINCRBY', KEYS[3], ARGV[4] .. ':' .. ARGV[5], -1)
  redis.call('HINCRBY', KEYS[3], ARGV[4] .. ':' .. ARGV[6], 1)
end
for i = 8, #ARGV do redis.call('RPUSH', KEYS[4], ARGV[i]) end
return next
`;

export interface StoredAccount {
  account: BulkAccount;
  version: number;
}

export type CommitResult =
  | { kind: 'written'; version: number }
  | { kind: 'conflict' | 'missing' | 'duplicate' };

export type ImportResult = 'added' | 'existing' | 'existing-final';

export interface RedisAccountStore {
  importAccounts(accounts: readonly BulkAccount[]): Promise<ImportResult[]>;
  load(provider: string, accountId: string): Promise<StoredAccount | null>;
  /** Writes `account` (and appends `audit`) if the record is still at `version`. */
  commit(
    version: number,
    previous: RunState,
    account: BulkAccount,
    audit: readonly AuditEntry[],
    eventMember?: string,
  ): Promise<CommitResult>;
  counts(): Promise<Record<string, Record<RunState, number>>>;
  /** Every account, ordered by provider then accountId. */
  accounts(): Promise<BulkAccount[]>;
  audit(provider: string, accountId: string): Promise<AuditEntry[]>;
  hasEvent(member: string): Promise<boolean>;
  pauses(): Promise<ProviderPause[]>;
  setPause(pause: ProviderPause): Promise<void>;
  clearPause(provider: string): Promise<void>;
}

export function emptyCounts(): Record<RunState, number> {
  return Object.fromEntries(RUN_STATES.map((state) => [state, 0])) as Record<RunState, number>;
}

const byProviderThenAccount = (left: BulkAccount, right: BulkAccount): number => {
  if (left.provider !== right.provider) return left.provider < right.provider ? -1 : 1;
  if (left.accountId === right.accountId) return 0;
  return left.accountId < right.accountId ? -1 : 1;
};

export function createRedisAccountStore(redis: Redis, keys: RunKeys): RedisAccountStore {
  const importScript = defineScript(redis, 'closekitBulkImport', 3, IMPORT);
  const commitScript = defineScript(redis, 'closekitBulkCommit', 5, COMMIT);

  return {
    async importAccounts(accounts) {
      const args = accounts.flatMap((account) => [
        accountField(account.provider, account.accountId),
        JSON.stringify(account),
        account.provider,
      ]);
      const flags = (await importScript([keys.accounts, keys.versions, keys.counts], args)) as number[];
      return flags.map((flag) => (flag === 1 ? 'added' : flag === 2 ? 'existing' : 'existing-final'));
    },

    async load(provider, accountId) {
      const field = accountField(provider, accountId);
      // One MULTI, so the record and its version are read together.
      const replies = await redis.multi().hget(keys.accounts, field).hget(keys.versions, field).exec();
      const [json, version] = (replies ?? []).map(([error, value]) => {
        if (error) throw error;
        return value as string | null;
      });
      if (json == null || version == null) return null;
      return { account: JSON.parse(json) as BulkAccount, version: Number(version) };
    },

    async commit(version, previous, account, audit, eventMember = '') {
      const field = accountField(account.provider, account.accountId);
      const result = Number(
        await commitScript(
          [
            keys.accounts,
            keys.versions,
            keys.counts,
            keys.audit(account.provider, account.accountId),
            keys.events,
          ],
          [
            field,
            String(version),
            JSON.stringify(account),
            account.provider,
            previous,
            account.state,
            eventMember,
            ...audit.map((entry) => JSON.stringify(entry)),
          ],
        ),
      );
      if (result === -1) return { kind: 'conflict' };
      if (result === -2) return { kind: 'missing' };
      if (result === -3) return { kind: 'duplicate' };
      return { kind: 'written', version: result };
    },

    async counts() {
      const raw = await redis.hgetall(keys.counts);
      const counts: Record<string, Record<RunState, number>> = {};
      for (const [field, value] of Object.entries(raw)) {
        const separator = field.lastIndexOf(':');
        const provider = field.slice(0, separator);
        const state = field.slice(separator + 1) as RunState;
        counts[provider] ??= emptyCounts();
        counts[provider][state] = Number(value);
      }
      return counts;
    },

    async accounts() {
      const accounts: BulkAccount[] = [];
      let cursor = '0';
      do {
        const [next, entries] = await redis.hscan(keys.accounts, cursor, 'COUNT', 1000);
        for (let index = 1; index < entries.length; index += 2) {
          accounts.push(JSON.parse(entries[index] as string) as BulkAccount);
        }
        cursor = next;
      } while (cursor !== '0');
      return accounts.sort(byProviderThenAccount);
    },

    async audit(provider, accountId) {
      const entries = await redis.lrange(keys.audit(provider, accountId), 0, -1);
      return entries.map((entry) => JSON.parse(entry) as AuditEntry);
    },

    async hasEvent(member) {
      return (await redis.sismember(keys.events, member)) === 1;
    },

    async pauses() {
      const raw = await redis.hgetall(keys.pauses);
      return Object.values(raw)
        .map((json) => JSON.parse(json) as ProviderPause)
        .sort((left, right) => (left.provider < right.provider ? -1 : 1));
    },

    async setPause(pause) {
      await redis.hset(keys.pauses, pause.provider, JSON.stringify(pause));
    },

    async clearPause(provider) {
      await redis.hdel(keys.pauses, provider);
    },
  };
}
