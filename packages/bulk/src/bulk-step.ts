import type { Closure, ClosureAdapter, ClosureError, ClosureErrorCode, ClosureEvent } from '@closekit/core';
import { okAsync, type ResultAsync } from 'neverthrow';
import type { BulkError } from './bulk-error';
import {
  type AuditEntry,
  type AuditStep,
  type BulkAccount,
  FINAL_RUN_STATES,
  type RunState,
} from './run-model';

/** Timing and limits of a run. Every field has a default (DEFAULT_BULK_POLICY). */
export interface BulkPolicy {
  /** Wait before the first poll of a SUBMITTED closure; doubles on every poll up to maxPollIntervalMs. */
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  /** Backoff after an infrastructure failure: retryBaseMs * 2^(retries - 1), capped by retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Infrastructure failures in a row (timeouts, 5xx, 429) before the account ends as NEEDS_ACTION. */
  maxRetries: number;
  /** Close requests per account (each after a read-back proved nothing exists) before NEEDS_ACTION. */
  maxAttempts: number;
  /** How long a 429 without Retry-After pauses the provider. */
  rateLimitPauseMs: number;
  /** No 429 pauses a provider longer than this, whatever its Retry-After says. */
  maxRateLimitPauseMs: number;
}

export const DEFAULT_BULK_POLICY: BulkPolicy = {
  pollIntervalMs: 5_000,
  maxPollIntervalMs: 10 * 60_000,
  retryBaseMs: 1_000,
  retryMaxMs: 60_000,
  maxRetries: 8,
  maxAttempts: 3,
  rateLimitPauseMs: 1_000,
  maxRateLimitPauseMs: 60_000,
};

/**
 * A provider the run stops sending to. `until: null` means until a person fixes it (wrong
 * credentials, missing permission) and restarts the run; a 429 pauses until a time.
 */
export interface ProviderPause {
  provider: string;
  code: ClosureErrorCode;
  until: string | null;
  message: string;
}

export interface StepContext {
  adapter: ClosureAdapter;
  policy: BulkPolicy;
  now: () => Date;
  /**
   * Durably records the intent (the account in state SUBMITTING with attempts + 1, and the INTENT
   * audit entry) before the close request is sent. When it fails, nothing is sent.
   */
  /** Writes the account and its audit entries (the intent last) before the close request is sent. */
  recordIntent: (account: BulkAccount, entries: readonly AuditEntry[]) => ResultAsync<void, BulkError>;
  signal?: AbortSignal;
}

/** What one step decided: the account as it is now, its new audit entries, and a pause to apply. */
export interface StepOutcome {
  account: BulkAccount;
  audit: AuditEntry[];
  pause: ProviderPause | null;
}

const PAUSING_CODES: ReadonlySet<ClosureErrorCode> = new Set<ClosureErrorCode>([
  'AUTHENTICATION_FAILED',
  'PERMISSION_DENIED',
]);
/** The close may have been applied: read back before anything else (never resend blindly). */
const UNKNOWN_OUTCOME_CODES: ReadonlySet<ClosureErrorCode> = new Set<ClosureErrorCode>([
  'OUTCOME_UNKNOWN',
  'INVALID_RESPONSE',
  'DUPLICATE_REQUEST',
]);

/**
 * Takes one account one step further. Both engines call this and only persist what it returns,
 * so the decisions live in one place:
 * - QUEUED: record the intent, then close with the account's idempotency key.
 * - SUBMITTING or UNKNOWN (a crash, a lost lock, an unknown outcome): read back by account and
 *   adopt what exists; only when nothing exists close again (same key, a new attempt).
 * - SUBMITTED: poll the closure until it is final.
 * Final states are returned unchanged. The only error is the store refusing the intent.
 */
export function advanceAccount(
  account: BulkAccount,
  context: StepContext,
): ResultAsync<StepOutcome, BulkError> {
  if (FINAL_RUN_STATES.has(account.state)) return okAsync({ account, audit: [], pause: null });
  switch (account.state) {
    case 'QUEUED':
      return submit(account, context);
    case 'SUBMITTING':
    case 'UNKNOWN':
      return readBack(account, context);
    default:
      return poll(account, context);
  }
}

/** `findings`: audit entries of what led here (a read-back that found nothing), written first. */
function submit(
  account: BulkAccount,
  context: StepContext,
  findings: readonly AuditEntry[] = [],
): ResultAsync<StepOutcome, BulkError> {
  const now = context.now();
  if (account.attempts >= context.policy.maxAttempts) {
    const outcome = settle(account, context, 'CLOSE', {
      state: 'NEEDS_ACTION',
      code: account.code ?? 'OUTCOME_UNKNOWN',
      note: `gave up after ${account.attempts} close request(s); nothing found by read-back`,
    });
    return okAsync({ ...outcome, audit: [...findings, ...outcome.audit] });
  }
  const intent: BulkAccount = {
    ...account,
    state: 'SUBMITTING',
    attempts: account.attempts + 1,
    updatedAt: now.toISOString(),
    // If the process dies after this point, whoever picks the account up reads back first.
    nextCheckAt: at(now, context.policy.retryBaseMs),
  };
  const entry = auditOf(intent, 'INTENT', now, { note: `close request ${intent.attempts}` });
  return context.recordIntent(intent, [...findings, entry]).andThen(() =>
    context.adapter
      .closeAccount(
        { accountId: intent.accountId, reason: intent.reason, idempotencyKey: intent.idempotencyKey },
        { signal: context.signal },
      )
      .map((closure) => adopt(intent, closure, context, 'CLOSE'))
      .orElse((error) => okAsync(afterCloseError(intent, error, context))),
  );
}

function afterCloseError(account: BulkAccount, error: ClosureError, context: StepContext): StepOutcome {
  const attached = error.closure;
  if (attached && attached.state.unified !== 'REQUESTED' && attached.state.unified !== 'PENDING') {
    return adopt(account, attached, context, 'CLOSE', error);
  }
  if (UNKNOWN_OUTCOME_CODES.has(error.code)) return retryLater(account, context, 'CLOSE', error, 'UNKNOWN');
  if (PAUSING_CODES.has(error.code) || error.retryable) {
    // Not applied (401/403/429) or not known to be (timeouts, 5xx): the account stays SUBMITTING,
    // so the next step reads back before it may send again.
    return retryLater(account, context, 'CLOSE', error, 'SUBMITTING');
  }
  // Every other answer is a business refusal (NON_ZERO_BALANCE, ACCOUNT_BLOCKED, ...). One that
  // still changed the account (EP's 400 moving it to PENDING_CLOSE) keeps its closure id.
  return settle(account, context, 'CLOSE', {
    state: 'NEEDS_ACTION',
    code: error.code,
    closureId: attached?.closureId ?? account.closureId,
    error,
  });
}

function readBack(account: BulkAccount, context: StepContext): ResultAsync<StepOutcome, BulkError> {
  if (!context.adapter.capabilities.getClosure) {
    return okAsync(
      settle(account, context, 'READ_BACK', {
        state: 'NEEDS_ACTION',
        code: 'OUTCOME_UNKNOWN',
        note: 'the adapter cannot read back; check the account at the provider before closing again',
      }),
    );
  }
  return context.adapter
    .getClosure({ accountId: account.accountId }, { signal: context.signal })
    .map((closure) => adopt(account, closure, context, 'READ_BACK'))
    .orElse((error): ResultAsync<StepOutcome, BulkError> => {
      if (error.code === 'CLOSURE_NOT_FOUND') {
        // Proven not applied: close again, with the same idempotency key.
        const checked: BulkAccount = { ...account, checks: account.checks + 1, retries: 0 };
        const found = auditOf({ ...checked, code: error.code }, 'READ_BACK', context.now(), {
          requestId: error.requestId,
          note: 'the read-back found no closure: not applied, closing again with the same idempotency key',
        });
        return submit({ ...checked, state: 'QUEUED' }, context, [found]);
      }
      if (error.code === 'ACCOUNT_NOT_FOUND') {
        return okAsync(
          settle(account, context, 'READ_BACK', { state: 'NEEDS_ACTION', code: error.code, error }),
        );
      }
      return okAsync(retryLater(account, context, 'READ_BACK', error, account.state));
    });
}

function poll(account: BulkAccount, context: StepContext): ResultAsync<StepOutcome, BulkError> {
  const ref = account.closureId ? { closureId: account.closureId } : { accountId: account.accountId };
  return context.adapter
    .getClosure(ref, { signal: context.signal })
    .map((closure) => adopt(account, closure, context, 'POLL'))
    .orElse((error) =>
      okAsync<StepOutcome, BulkError>(retryLater(account, context, 'POLL', error, 'SUBMITTED')),
    );
}

/**
 * Feeds a verified webhook event (ClosureEvent) into an account. The engine de-duplicates by
 * eventId before calling this. Returns null when the event changes nothing: the account is
 * final, or the event is about another closure than the one the run follows.
 */
export function applyClosureEvent(
  account: BulkAccount,
  event: ClosureEvent,
  now: Date,
  policy: BulkPolicy,
): StepOutcome | null {
  if (FINAL_RUN_STATES.has(account.state)) return null;
  if (event.provider !== account.provider || event.accountId !== account.accountId) return null;
  const context = { policy, now: () => now };
  if (event.closure) {
    if (account.closureId && event.closure.closureId !== account.closureId) return null;
    return adopt(account, event.closure, context, 'WEBHOOK', null, event.eventId);
  }
  if (event.type === 'ACCOUNT_CLOSED') {
    return settle(account, context, 'WEBHOOK', {
      state: 'CLOSED',
      code: null,
      note: `event ${event.eventId}`,
    });
  }
  return null;
}

type TimingContext = Pick<StepContext, 'policy' | 'now'>;

/** Takes over the closure the provider reports: its state decides the account's. */
function adopt(
  account: BulkAccount,
  closure: Closure,
  context: TimingContext,
  step: AuditStep,
  refusal: ClosureError | null = null,
  eventId: string | null = null,
): StepOutcome {
  const now = context.now();
  const checks = step === 'POLL' || step === 'READ_BACK' ? account.checks + 1 : account.checks;
  const unified = closure.state.unified;
  const state: RunState = unified === 'REQUESTED' || unified === 'PENDING' ? 'SUBMITTED' : unified;
  const code = closure.failure?.code ?? (state === 'SUBMITTED' ? null : (refusal?.code ?? null));
  const next: BulkAccount = {
    ...account,
    state,
    code: state === 'CLOSED' ? null : code,
    closureId: closure.closureId,
    retries: 0,
    checks,
    updatedAt: now.toISOString(),
    nextCheckAt: state === 'SUBMITTED' ? at(now, pollDelayMs(checks, context.policy)) : null,
  };
  const note =
    step === 'READ_BACK'
      ? `adopted the closure found by read-back (${closure.state.raw})`
      : eventId
        ? `event ${eventId} (${closure.state.raw})`
        : `provider state ${closure.state.raw}${closure.created === false ? ', existing closure' : ''}`;
  return {
    account: next,
    audit: [auditOf(next, step, now, { requestId: refusal?.requestId ?? null, note })],
    pause: null,
  };
}

/** Ends the account in a state without a closure answer (a refusal, giving up). */
function settle(
  account: BulkAccount,
  context: TimingContext,
  step: AuditStep,
  change: {
    state: RunState;
    code: ClosureErrorCode | null;
    closureId?: string | null;
    error?: ClosureError;
    note?: string;
  },
): StepOutcome {
  const now = context.now();
  const next: BulkAccount = {
    ...account,
    state: change.state,
    code: change.code,
    closureId: change.closureId ?? account.closureId,
    updatedAt: now.toISOString(),
    nextCheckAt: FINAL_RUN_STATES.has(change.state) ? null : account.nextCheckAt,
  };
  const note = change.note ?? change.error?.message ?? null;
  return {
    account: next,
    audit: [auditOf(next, step, now, { requestId: change.error?.requestId ?? null, note })],
    pause: null,
  };
}

/**
 * An infrastructure failure, an unknown outcome or a paused provider: try again later within
 * limits. Authentication and permission failures pause the provider until a person acts;
 * a 429 pauses it for Retry-After (capped); after maxRetries failures in a row the account
 * ends as NEEDS_ACTION with the last code, so a provider that always fails ends in the report.
 */
function retryLater(
  account: BulkAccount,
  context: TimingContext,
  step: AuditStep,
  error: ClosureError,
  state: RunState,
): StepOutcome {
  const now = context.now();
  const { policy } = context;
  if (PAUSING_CODES.has(error.code)) {
    const next: BulkAccount = { ...account, state, code: error.code, updatedAt: now.toISOString() };
    const pause: ProviderPause = {
      provider: account.provider,
      code: error.code,
      until: null,
      message: `${account.provider} answered ${error.code}: fix its credentials or permissions, then run again`,
    };
    return {
      account: next,
      audit: [auditOf(next, step, now, { requestId: error.requestId, note: error.message })],
      pause,
    };
  }
  const retries = account.retries + 1;
  if (retries > policy.maxRetries) {
    const note =
      state === 'SUBMITTED'
        ? `gave up polling after ${account.retries} failures in a row: ${error.message}`
        : `gave up after ${account.retries} failures in a row; the outcome is not known, read back before closing again: ${error.message}`;
    return settle({ ...account, retries }, context, step, {
      state: 'NEEDS_ACTION',
      code: error.code,
      error,
      note,
    });
  }
  let delayMs = Math.min(policy.retryBaseMs * 2 ** (retries - 1), policy.retryMaxMs);
  let pause: ProviderPause | null = null;
  if (error.code === 'RATE_LIMITED') {
    delayMs = Math.min(retryAfterMsOf(error) ?? policy.rateLimitPauseMs, policy.maxRateLimitPauseMs);
    pause = {
      provider: account.provider,
      code: error.code,
      until: at(now, delayMs),
      message: `${account.provider} answered 429: paused for ${delayMs} ms`,
    };
  }
  const next: BulkAccount = {
    ...account,
    state,
    code: error.code,
    retries,
    updatedAt: now.toISOString(),
    nextCheckAt: at(now, delayMs),
  };
  return {
    account: next,
    audit: [auditOf(next, step, now, { requestId: error.requestId, note: error.message })],
    pause,
  };
}

function retryAfterMsOf(error: ClosureError): number | null {
  const details = error.details as { retryAfterMs?: unknown } | null;
  return typeof details?.retryAfterMs === 'number' && details.retryAfterMs >= 0 ? details.retryAfterMs : null;
}

/** The wait before the next poll: pollIntervalMs doubled per poll already done, capped. */
export function pollDelayMs(checks: number, policy: BulkPolicy): number {
  return Math.min(policy.pollIntervalMs * 2 ** Math.min(checks, 30), policy.maxPollIntervalMs);
}

function at(now: Date, delayMs: number): string {
  return new Date(now.getTime() + delayMs).toISOString();
}

function auditOf(
  account: BulkAccount,
  step: AuditStep,
  now: Date,
  extra: { requestId?: string | null; note?: string | null },
): AuditEntry {
  return {
    run: account.run,
    provider: account.provider,
    accountId: account.accountId,
    at: now.toISOString(),
    step,
    state: account.state,
    code: account.code,
    closureId: account.closureId,
    requestId: extra.requestId ?? null,
    idempotencyKey: account.idempotencyKey,
    note: extra.note ?? null,
  };
}
