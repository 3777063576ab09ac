import { type Closure, type ClosureEvent, TERMINAL_CLOSURE_STATES } from '@closekit/core';
import Database from 'better-sqlite3';

/** What the service knows about one closure: the latest state it was told or read. */
export interface ClosureRecord {
  provider: string;
  closureId: string;
  accountId: string;
  state: string;
  failureCode: string | null;
  updatedAt: string;
}

/**
 * The service's own database: the webhook event ids it has accepted and its closure records.
 * Every method is synchronous and throws only when the database does (disk full, file gone);
 * the service turns that into a 503 so the provider delivers again.
 */
export interface ServiceStore {
  /** Records a closure the service created or read (newest state wins, a final state stays). */
  saveClosure(closure: Closure): void;
  /**
   * One transaction: remembers the event id and updates the closure record from it. Returns
   * false, changing nothing, when the (provider, eventId) was accepted before, even by an
   * earlier process on the same file.
   */
  acceptEvent(event: ClosureEvent): boolean;
  /** The newest closure record of an account, or null. */
  latestClosure(provider: string, accountId: string): ClosureRecord | null;
  close(): void;
}

const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS webhook_events (
  provider TEXT NOT NULL,
  event_id TEXT NOT NULL,
  type TEXT NOT NULL,
  account_id TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (provider, event_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS closures (
  provider TEXT NOT NULL,
  closure_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  state TEXT NOT NULL,
  failure_code TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (provider, closure_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS closures_by_account ON closures (provider, account_id, updated_at);
`;

const FINAL_STATES = `(${TERMINAL_CLOSURE_STATES.map((state) => `'${state}'`).join(', ')})`;

/**
 * Opens (or creates) the service's SQLite file with better-sqlite3, the embedded store
 * @closekit/bulk uses too. WAL with synchronous FULL: an accepted event id is on disk before the
 * provider gets its 200, so a restart never accepts the same delivery twice. ':memory:' for tests.
 */
export function openServiceStore(path: string, now: () => Date = () => new Date()): ServiceStore {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA_SQL);

  const insertEvent = db.prepare(
    `INSERT OR IGNORE INTO webhook_events (provider, event_id, type, account_id, received_at)
     VALUES (@provider, @eventId, @type, @accountId, @receivedAt)`,
  );
  // Webhooks arrive out of order and reads race them: a final state is never overwritten.
  const upsertClosure = db.prepare(
    `INSERT INTO closures (provider, closure_id, account_id, state, failure_code, updated_at)
     VALUES (@provider, @closureId, @accountId, @state, @failureCode, @updatedAt)
     ON CONFLICT (provider, closure_id) DO UPDATE SET
       state = excluded.state, failure_code = excluded.failure_code, updated_at = excluded.updated_at
     WHERE closures.state NOT IN ${FINAL_STATES}`,
  );
  const selectLatest = db.prepare(
    `SELECT provider, closure_id AS closureId, account_id AS accountId, state,
            failure_code AS failureCode, updated_at AS updatedAt
     FROM closures WHERE provider = ? AND account_id = ? ORDER BY updated_at DESC LIMIT 1`,
  );

  const saveClosure = (closure: Closure) => {
    upsertClosure.run({
      provider: closure.provider,
      closureId: closure.closureId,
      accountId: closure.accountId,
      state: closure.state.unified,
      failureCode: closure.failure?.code ?? null,
      updatedAt: now().toISOString(),
    });
  };

  const acceptEvent = db.transaction((event: ClosureEvent): boolean => {
    const inserted = insertEvent.run({
      provider: event.provider,
      eventId: event.eventId,
      type: event.type,
      accountId: event.accountId,
      receivedAt: now().toISOString(),
    });
    if (inserted.changes === 0) return false;
    if (event.closure) saveClosure(event.closure);
    return true;
  });

  return {
    saveClosure,
    acceptEvent: (event) => acceptEvent(event),
    latestClosure: (provider, accountId) =>
      (selectLatest.get(provider, accountId) as ClosureRecord | undefined) ?? null,
    close: () => db.close(),
  };
}
