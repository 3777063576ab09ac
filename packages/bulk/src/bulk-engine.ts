import type { ClosureAdapter, ClosureEvent } from '@closekit/core';
import type { ResultAsync } from 'neverthrow';
import type { BulkError } from './bulk-error';
import type { BulkInputRow } from './bulk-input';
import type { BulkPolicy, ProviderPause } from './bulk-step';
import type { AuditEntry, BulkReportRow, RunGoal, RunState } from './run-model';

/**
 * Providers document no request rate limit (providers/*.md: 429 "not documented" for Solaris,
 * EP Accounts and Udara360), so the default is a conservative 10 requests per second each.
 */
export const DEFAULT_REQUESTS_PER_SECOND = 10;
export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_RUN = 'default';

/** A provider a run can close accounts at. */
export interface BulkProvider {
  /** The name rows use in their `provider` field, e.g. 'solaris'. */
  name: string;
  /**
   * Builds the adapter on the fetch the engine hands over: that fetch waits for the provider's
   * rate limit, so every request (closes, read-backs, polls, token calls) counts.
   */
  createAdapter: (fetch: typeof globalThis.fetch) => ClosureAdapter;
  /** The fetch beneath the limiter (an mTLS dispatcher, a test double); default globalThis.fetch. */
  fetch?: typeof globalThis.fetch;
  /** At most this many requests per second to the provider; default DEFAULT_REQUESTS_PER_SECOND. */
  requestsPerSecond?: number;
}

/** Settings every engine takes; an engine adds where its store is (a file, a Redis URL). */
export interface BulkEngineSettings {
  /** Name of the run in the store; identity of an account is (run, provider, accountId). Default 'default'. */
  run?: string;
  providers: readonly BulkProvider[];
  /** Accounts of one provider worked on at once by this process; default DEFAULT_CONCURRENCY. */
  concurrency?: number;
  policy?: Partial<BulkPolicy>;
  /** The clock; tests pass their own. */
  now?: () => Date;
}

export interface BulkImportSummary {
  /** Rows that became new accounts (QUEUED). */
  added: number;
  /** Rows whose (provider, accountId) the run already had: left exactly as they were. */
  existing: number;
}

/** Counts per provider and state, and the providers the run is not sending to. */
export interface BulkStatus {
  run: string;
  total: number;
  counts: Record<string, Record<RunState, number>>;
  pauses: ProviderPause[];
}

export interface BulkRunOptions {
  /** 'submitted': stop once every account has a closure requested, is final or needs action. Default 'final'. */
  until?: RunGoal;
  /** Stops the run between steps; what was recorded stays, `run` again resumes. */
  signal?: AbortSignal;
  /** Called with fresh counts every `progressIntervalMs` (default 1000) and once at the end. */
  onProgress?: (status: BulkStatus) => void;
  progressIntervalMs?: number;
}

export interface BulkRunSummary extends BulkStatus {
  goal: RunGoal;
  /** Every account reached the goal. False when a provider is paused until a person acts. */
  reached: boolean;
  /** Accounts in NEEDS_ACTION, FAILED or CANCELLED: the report says which and why. */
  needsAttention: number;
  elapsedMs: number;
}

/** What feeding a webhook event did. */
export type BulkEventOutcome = 'applied' | 'duplicate' | 'ignored';

/**
 * The engine both stores implement (SQLite: `createSqliteBulkEngine`, BullMQ/Redis). Every
 * operation returns a ResultAsync and never rejects; the only errors are BulkErrors about the
 * run itself (store, input, configuration, abort). What providers answer is recorded per account
 * (state, code, audit trail), decided by `advanceAccount` in bulk-step.ts.
 */
export interface BulkEngine {
  readonly run: string;
  /** Adds the rows the run does not have yet; importing the same rows again adds nothing. */
  importRows(rows: readonly BulkInputRow[]): ResultAsync<BulkImportSummary, BulkError>;
  /**
   * Works the run until every account reached `until` (or only paused providers are left),
   * honouring rate limits, backoff and poll schedules. Resumes whatever a previous process left:
   * accounts found SUBMITTING or UNKNOWN are read back before anything is sent again.
   */
  runUntil(options?: BulkRunOptions): ResultAsync<BulkRunSummary, BulkError>;
  status(): ResultAsync<BulkStatus, BulkError>;
  /** One row per account, ordered by provider then accountId. */
  report(): ResultAsync<BulkReportRow[], BulkError>;
  /** Every step taken for one account, oldest first. */
  audit(ref: { provider: string; accountId: string }): ResultAsync<AuditEntry[], BulkError>;
  /** Feeds a verified webhook event; an eventId already fed is a 'duplicate' and changes nothing. */
  feedEvent(event: ClosureEvent): ResultAsync<BulkEventOutcome, BulkError>;
  /** Releases the store (and stops background work); the run can be opened again later. */
  close(): ResultAsync<void, BulkError>;
}
