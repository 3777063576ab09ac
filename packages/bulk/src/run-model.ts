import { createHash } from 'node:crypto';
import type { ClosureErrorCode, ClosureReason } from '@closekit/core';

/**
 * The state of one account in a bulk run (DESIGN.md "Bulk closures").
 * QUEUED -> SUBMITTING (intent recorded before the call) -> SUBMITTED (a closure exists:
 * REQUESTED or PENDING) -> CLOSED | FAILED | CANCELLED; NEEDS_ACTION for a business refusal or
 * exhausted retries (with the neutral code); UNKNOWN while an OUTCOME_UNKNOWN is reconciled.
 */
export const RUN_STATES = [
  'QUEUED',
  'SUBMITTING',
  'SUBMITTED',
  'CLOSED',
  'FAILED',
  'CANCELLED',
  'NEEDS_ACTION',
  'UNKNOWN',
] as const;
export type RunState = (typeof RUN_STATES)[number];

/** States a run never leaves by itself: a person decides what happens next. */
export const FINAL_RUN_STATES: ReadonlySet<RunState> = new Set<RunState>([
  'CLOSED',
  'FAILED',
  'CANCELLED',
  'NEEDS_ACTION',
]);

/** `--until submitted` is reached when every account is in one of these. */
export const SUBMITTED_GOAL_STATES: ReadonlySet<RunState> = new Set<RunState>([
  ...FINAL_RUN_STATES,
  'SUBMITTED',
]);

export type RunGoal = 'submitted' | 'final';

export function isGoalReached(state: RunState, goal: RunGoal): boolean {
  return goal === 'final' ? FINAL_RUN_STATES.has(state) : SUBMITTED_GOAL_STATES.has(state);
}

/** One account of a run, as both engines store it. Times are ISO-8601 strings (UTC). */
export interface BulkAccount {
  run: string;
  provider: string;
  accountId: string;
  reason: ClosureReason;
  /** Derived from (run, provider, accountId) unless the input gave one; the same on every attempt. */
  idempotencyKey: string;
  state: RunState;
  /** The refusal's neutral code, the failed closure's failure code, or the last error's code. */
  code: ClosureErrorCode | null;
  closureId: string | null;
  /** Close requests sent for this account (each one recorded as intent first). */
  attempts: number;
  /** Infrastructure failures in a row (timeouts, 5xx, 429); reset by any answer. */
  retries: number;
  /** Read-backs and polls done, which spaces the polls out (backoff). */
  checks: number;
  updatedAt: string;
  /** When the account is due for its next step; null when nothing is scheduled (final states). */
  nextCheckAt: string | null;
}

/** What a step of the run did, for the audit trail. */
export const AUDIT_STEPS = ['INTENT', 'CLOSE', 'READ_BACK', 'POLL', 'WEBHOOK'] as const;
export type AuditStep = (typeof AUDIT_STEPS)[number];

/** One line of an account's audit trail. Never holds a secret: ids, codes and keys only. */
export interface AuditEntry {
  run: string;
  provider: string;
  accountId: string;
  at: string;
  step: AuditStep;
  /** The account's state after the step. */
  state: RunState;
  /** The neutral code of the answer (an error code, or the closure's failure code); null when Ok. */
  code: ClosureErrorCode | null;
  closureId: string | null;
  /** The provider's trace id of the request, when it gave one. */
  requestId: string | null;
  idempotencyKey: string;
  /** A short human note (e.g. "adopted the closure found by read-back"); no secrets. */
  note: string | null;
}

/**
 * The idempotency key of an account in a run: stable across restarts and workers, so every
 * attempt carries the same key. Shaped as a UUID (version nibble 5, name-based) because every
 * provider accepts that shape (Udara360's Request-Reference allows up to 100 characters,
 * providers/udara360.md).
 */
export function deriveIdempotencyKey(run: string, provider: string, accountId: string): string {
  const hex = createHash('sha256')
    .update(JSON.stringify([run, provider, accountId]))
    .digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A new account record for an imported row, in state QUEUED. */
export function newBulkAccount(
  run: string,
  row: { provider: string; accountId: string; reason: ClosureReason; idempotencyKey?: string | null },
  now: Date,
): BulkAccount {
  return {
    run,
    provider: row.provider,
    accountId: row.accountId,
    reason: row.reason,
    idempotencyKey: row.idempotencyKey ?? deriveIdempotencyKey(run, row.provider, row.accountId),
    state: 'QUEUED',
    code: null,
    closureId: null,
    attempts: 0,
    retries: 0,
    checks: 0,
    updatedAt: now.toISOString(),
    nextCheckAt: now.toISOString(),
  };
}

/** One row of `closekit bulk report`. */
export interface BulkReportRow {
  provider: string;
  accountId: string;
  state: RunState;
  code: ClosureErrorCode | null;
  closureId: string | null;
  attempts: number;
  updatedAt: string;
}

export function toReportRow(account: BulkAccount): BulkReportRow {
  return {
    provider: account.provider,
    accountId: account.accountId,
    state: account.state,
    code: account.code,
    closureId: account.closureId,
    attempts: account.attempts,
    updatedAt: account.updatedAt,
  };
}
