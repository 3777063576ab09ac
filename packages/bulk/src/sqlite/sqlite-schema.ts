/**
 * The SQLite store of a bulk run. One row per account, an append-only audit table, the webhook
 * event ids already applied, provider pauses and the process that works the run. `version` is
 * bumped on every write so a step's answer never overwrites a newer change (a webhook that
 * landed meanwhile). Times are ISO-8601 UTC strings, which compare correctly as text.
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS accounts (
  run TEXT NOT NULL,
  provider TEXT NOT NULL,
  account_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  state TEXT NOT NULL,
  code TEXT,
  closure_id TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  retries INTEGER NOT NULL DEFAULT 0,
  checks INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  next_check_at TEXT,
  version INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run, provider, account_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS accounts_work ON accounts (run, provider, state, next_check_at);
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  run TEXT NOT NULL,
  provider TEXT NOT NULL,
  account_id TEXT NOT NULL,
  at TEXT NOT NULL,
  step TEXT NOT NULL,
  state TEXT NOT NULL,
  code TEXT,
  closure_id TEXT,
  request_id TEXT,
  idempotency_key TEXT NOT NULL,
  note TEXT
);
CREATE INDEX IF NOT EXISTS audit_account ON audit (run, provider, account_id, seq);
CREATE TABLE IF NOT EXISTS events (
  run TEXT NOT NULL,
  provider TEXT NOT NULL,
  event_id TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (run, provider, event_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pauses (
  run TEXT NOT NULL,
  provider TEXT NOT NULL,
  code TEXT NOT NULL,
  until TEXT,
  message TEXT NOT NULL,
  PRIMARY KEY (run, provider)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS workers (
  run TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  heartbeat_at TEXT NOT NULL
) WITHOUT ROWID;
`;
