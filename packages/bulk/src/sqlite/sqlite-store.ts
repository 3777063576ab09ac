import type { ClosureErrorCode, ClosureReason } from '@closekit/core';
import type BetterSqlite3 from 'better-sqlite3';
import type { ProviderPause } from '../bulk-step';
import type { AuditEntry, AuditStep, BulkAccount, RunState } from '../run-model';
import { SCHEMA_SQL, SCHEMA_VERSION } from './sqlite-schema';

type Database = BetterSqlite3.Database;

/** An account as read from the store, with the version its next write must match. */
export interface StoredAccount {
  account: BulkAccount;
  version: number;
}

interface AccountRow {
  run: string;
  provider: string;
  account_id: string;
  reason: string;
  idempotency_key: string;
  state: string;
  code: string | null;
  closure_id: string | null;
  attempts: number;
  retries: number;
  checks: number;
  updated_at: string;
  next_check_at: string | null;
  version: number;
}

interface AuditRow {
  run: string;
  provider: string;
  account_id: string;
  at: string;
  step: string;
  state: string;
  code: string | null;
  closure_id: string | null;
  request_id: string | null;
  idempotency_key: string;
  note: string | null;
}

const toStored = (row: AccountRow): StoredAccount => ({
  account: {
    run: row.run,
    provider: row.provider,
    accountId: row.account_id,
    reason: row.reason as ClosureReason,
    idempotencyKey: row.idempotency_key,
    state: row.state as RunState,
    code: row.code as ClosureErrorCode | null,
    closureId: row.closure_id,
    attempts: row.attempts,
    retries: row.retries,
    checks: row.checks,
    updatedAt: row.updated_at,
    nextCheckAt: row.next_check_at,
  },
  version: row.version,
});

const accountParams = (account: BulkAccount) => ({
  run: account.run,
  provider: account.provider,
  account_id: account.accountId,
  reason: account.reason,
  idempotency_key: account.idempotencyKey,
  state: account.state,
  code: account.code,
  closure_id: account.closureId,
  attempts: account.attempts,
  retries: account.retries,
  checks: account.checks,
  updated_at: account.updatedAt,
  next_check_at: account.nextCheckAt,
});

/** Opens (and creates) the store: WAL, full fsync on commit, a busy timeout for other processes. */
export function prepareDatabase(db: Database, durability: 'full' | 'normal' = 'full'): void {
  db.pragma('journal_mode = WAL');
  // FULL (default): a committed intent survives a power cut or an OS crash, not only a killed
  // process (the intent is what stops a second close request). NORMAL in WAL mode survives a
  // killed process but may lose the last commits on a power cut. bench/ measures the cost.
  db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `the store was written by a newer @closekit/bulk (schema ${version} > ${SCHEMA_VERSION})`,
    );
  }
  db.exec(SCHEMA_SQL);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
}

export interface RunHolder {
  owner: string;
  host: string;
  pid: number;
  heartbeat_at: string;
}

export interface ProcessIdentity {
  owner: string;
  host: string;
  pid: number;
}

/** Every statement the SQLite engine runs; each write is one transaction. */
export interface SqliteStore {
  /** Inserts the accounts not there yet, in one transaction; returns how many were new. */
  insertAccounts(accounts: readonly BulkAccount[]): number;
  /**
   * Writes a transition and its audit entries in one transaction, only if nobody changed the
   * account since `expectedVersion`. Returns the new version, or null when it had changed.
   */
  transition(account: BulkAccount, expectedVersion: number, audit: readonly AuditEntry[]): number | null;
  account(run: string, provider: string, accountId: string): StoredAccount | null;
  /** Accounts of one provider in one state whose next step is due, earliest first. */
  due(run: string, provider: string, state: RunState, now: string, limit: number): StoredAccount[];
  nextDue(run: string, provider: string, state: RunState): string | null;
  count(run: string, provider: string, state: RunState): number;
  counts(run: string): { provider: string; state: string; n: number }[];
  report(run: string): BulkAccount[];
  audit(run: string, provider: string, accountId: string): AuditEntry[];
  /** Records an event id; false when it was already recorded (a duplicate delivery). */
  rememberEvent(run: string, provider: string, eventId: string, at: string): boolean;
  savePause(run: string, pause: ProviderPause): void;
  pauses(run: string): ProviderPause[];
  clearPauses(run: string): void;
  /**
   * Takes the run for this process, unless another live process holds it: on this host a
   * process that still exists, elsewhere one whose heartbeat is fresher than staleMs. Returns
   * the live holder, or null when the run is now ours.
   */
  claimRun(
    run: string,
    me: ProcessIdentity,
    now: Date,
    staleMs: number,
    isAlive: (pid: number) => boolean,
  ): RunHolder | null;
  releaseRun(run: string, owner: string): void;
  /** Runs `work` in one transaction. */
  inTransaction<T>(work: () => T): T;
}

export function createSqliteStore(db: Database): SqliteStore {
  const insertAccount = db.prepare(
    `INSERT OR IGNORE INTO accounts (run, provider, account_id, reason, idempotency_key, state, code, closure_id,
       attempts, retries, checks, updated_at, next_check_at, version)
     VALUES (@run, @provider, @account_id, @reason, @idempotency_key, @state, @code, @closure_id,
       @attempts, @retries, @checks, @updated_at, @next_check_at, 0)`,
  );
  const updateAccount = db.prepare(
    `UPDATE accounts SET state = @state, code = @code, closure_id = @closure_id, attempts = @attempts,
       retries = @retries, checks = @checks, updated_at = @updated_at, next_check_at = @next_check_at,
       version = version + 1
     WHERE run = @run AND provider = @provider AND account_id = @account_id AND version = @expected_version`,
  );
  const insertAudit = db.prepare(
    `INSERT INTO audit (run, provider, account_id, at, step, state, code, closure_id, request_id, idempotency_key, note)
     VALUES (@run, @provider, @accountId, @at, @step, @state, @code, @closureId, @requestId, @idempotencyKey, @note)`,
  );
  const selectAccount = db.prepare<[string, string, string], AccountRow>(
    'SELECT * FROM accounts WHERE run = ? AND provider = ? AND account_id = ?',
  );
  const selectDue = db.prepare<[string, string, string, string, number], AccountRow>(
    `SELECT * FROM accounts WHERE run = ? AND provider = ? AND state = ? AND next_check_at <= ?
     ORDER BY next_check_at LIMIT ?`,
  );
  const selectNextDue = db.prepare<[string, string, string], { next: string | null }>(
    'SELECT min(next_check_at) AS next FROM accounts WHERE run = ? AND provider = ? AND state = ?',
  );
  const selectCount = db.prepare<[string, string, string], { n: number }>(
    'SELECT count(*) AS n FROM accounts WHERE run = ? AND provider = ? AND state = ?',
  );
  const selectCounts = db.prepare<[string], { provider: string; state: string; n: number }>(
    'SELECT provider, state, count(*) AS n FROM accounts WHERE run = ? GROUP BY provider, state',
  );
  const selectReport = db.prepare<[string], AccountRow>(
    'SELECT * FROM accounts WHERE run = ? ORDER BY provider, account_id',
  );
  const selectAudit = db.prepare<[string, string, string], AuditRow>(
    'SELECT * FROM audit WHERE run = ? AND provider = ? AND account_id = ? ORDER BY seq',
  );
  const insertEvent = db.prepare(
    'INSERT OR IGNORE INTO events (run, provider, event_id, received_at) VALUES (?, ?, ?, ?)',
  );
  const upsertPause = db.prepare(
    `INSERT INTO pauses (run, provider, code, until, message) VALUES (@run, @provider, @code, @until, @message)
     ON CONFLICT (run, provider) DO UPDATE SET code = excluded.code, until = excluded.until, message = excluded.message`,
  );
  const selectPauses = db.prepare<
    [string],
    { provider: string; code: string; until: string | null; message: string }
  >('SELECT provider, code, until, message FROM pauses WHERE run = ? ORDER BY provider');
  const deletePauses = db.prepare('DELETE FROM pauses WHERE run = ?');
  const selectWorker = db.prepare<
    [string],
    { owner: string; host: string; pid: number; heartbeat_at: string }
  >('SELECT owner, host, pid, heartbeat_at FROM workers WHERE run = ?');
  const upsertWorker = db.prepare(
    `INSERT INTO workers (run, owner, host, pid, heartbeat_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (run) DO UPDATE SET owner = excluded.owner, host = excluded.host, pid = excluded.pid,
       heartbeat_at = excluded.heartbeat_at`,
  );
  const deleteWorker = db.prepare('DELETE FROM workers WHERE run = ? AND owner = ?');

  const writeAudit = (entries: readonly AuditEntry[]) => {
    for (const entry of entries) insertAudit.run(entry);
  };

  const claimRun = db.transaction(
    (run: string, me: ProcessIdentity, now: Date, staleMs: number, isAlive: (pid: number) => boolean) => {
      const holder = selectWorker.get(run);
      if (holder && holder.owner !== me.owner) {
        const fresh = now.getTime() - Date.parse(holder.heartbeat_at) < staleMs;
        const alive = holder.host === me.host ? isAlive(holder.pid) && fresh : fresh;
        if (alive) return holder;
      }
      upsertWorker.run(run, me.owner, me.host, me.pid, now.toISOString());
      return null;
    },
  );

  return {
    insertAccounts: db.transaction((accounts: readonly BulkAccount[]) => {
      let added = 0;
      for (const account of accounts) added += insertAccount.run(accountParams(account)).changes;
      return added;
    }),

    transition: db.transaction(
      (account: BulkAccount, expectedVersion: number, audit: readonly AuditEntry[]) => {
        const changed = updateAccount.run({
          ...accountParams(account),
          expected_version: expectedVersion,
        }).changes;
        if (changed !== 1) return null;
        writeAudit(audit);
        return expectedVersion + 1;
      },
    ),

    account: (run: string, provider: string, accountId: string): StoredAccount | null => {
      const row = selectAccount.get(run, provider, accountId);
      return row ? toStored(row) : null;
    },
    due: (run: string, provider: string, state: RunState, now: string, limit: number): StoredAccount[] =>
      selectDue.all(run, provider, state, now, limit).map(toStored),
    nextDue: (run: string, provider: string, state: RunState): string | null =>
      selectNextDue.get(run, provider, state)?.next ?? null,
    count: (run: string, provider: string, state: RunState): number =>
      selectCount.get(run, provider, state)?.n ?? 0,
    counts: (run: string) => selectCounts.all(run),
    report: (run: string): BulkAccount[] => selectReport.all(run).map((row) => toStored(row).account),
    audit: (run: string, provider: string, accountId: string): AuditEntry[] =>
      selectAudit.all(run, provider, accountId).map((row) => ({
        run: row.run,
        provider: row.provider,
        accountId: row.account_id,
        at: row.at,
        step: row.step as AuditStep,
        state: row.state as RunState,
        code: row.code as ClosureErrorCode | null,
        closureId: row.closure_id,
        requestId: row.request_id,
        idempotencyKey: row.idempotency_key,
        note: row.note,
      })),
    rememberEvent: (run: string, provider: string, eventId: string, at: string): boolean =>
      insertEvent.run(run, provider, eventId, at).changes === 1,
    savePause: (run: string, pause: ProviderPause) => {
      upsertPause.run({ run, ...pause });
    },
    pauses: (run: string): ProviderPause[] =>
      selectPauses.all(run).map((row) => ({ ...row, code: row.code as ClosureErrorCode })),
    clearPauses: (run: string) => {
      deletePauses.run(run);
    },

    claimRun: (...args) => claimRun.immediate(...args),
    releaseRun: (run: string, owner: string) => {
      deleteWorker.run(run, owner);
    },
    inTransaction: (work) => db.transaction(work)(),
  };
}
