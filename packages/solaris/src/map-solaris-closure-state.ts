import type { ClosureErrorCode, ClosureFailure, ClosureState } from '@closekit/core';
import type { SolarisAcrStatus } from './solaris-api';

/** Solaris ACR status -> neutral state (provider doc §3). Published in docs/providers/solaris.md. */
export const SOLARIS_STATE_TABLE: Readonly<Record<SolarisAcrStatus, ClosureState>> = {
  INITIATED: 'REQUESTED',
  CONFIRMED: 'PENDING',
  IN_PROGRESS: 'PENDING',
  COMPLETED: 'CLOSED',
  FAILED: 'FAILED',
  REVOKED: 'CANCELLED',
};

/** Neutral state -> the statuses that mean it, for `filter[status]` (which takes one value). */
export const SOLARIS_STATUSES_BY_STATE: Readonly<Record<ClosureState, readonly SolarisAcrStatus[]>> = {
  REQUESTED: ['INITIATED'],
  PENDING: ['CONFIRMED', 'IN_PROGRESS'],
  CLOSED: ['COMPLETED'],
  FAILED: ['FAILED'],
  CANCELLED: ['REVOKED'],
};

/**
 * Maps a raw status. A status Solaris adds later maps to PENDING (not terminal, so nobody
 * treats the closure as done or failed) and the raw value is kept for the caller to inspect:
 * refusing to read it would make an ACR Solaris already created unreadable (provider doc §9).
 */
export function mapSolarisClosureState(status: string): ClosureState {
  return Object.hasOwn(SOLARIS_STATE_TABLE, status)
    ? SOLARIS_STATE_TABLE[status as SolarisAcrStatus]
    : 'PENDING';
}

/** Statuses after which an ACR no longer moves towards closing the account. */
export function isSolarisAbandonedStatus(status: string): boolean {
  return status === 'FAILED' || status === 'REVOKED';
}

/**
 * `failure_reason.code` of a FAILED ACR -> neutral code (provider doc §5, seed 000). Solaris
 * reports balance problems only this way, asynchronously: no synchronous balance error exists.
 * Keyed on `code` because the docs pair codes and details only by list order.
 */
export const SOLARIS_FAILURE_REASON_TABLE: Readonly<Record<string, ClosureErrorCode>> = {
  account_inactive: 'ALREADY_CLOSED',
  negative_balance: 'NON_ZERO_BALANCE',
  positive_balance: 'NON_ZERO_BALANCE',
  // Approximate: interest still to be booked means the balance is not final yet.
  accrued_interest: 'NON_ZERO_BALANCE',
  forced_failure: 'PROVIDER_ERROR',
  processing_timeout: 'PROVIDER_ERROR',
};

const DEFAULT_MESSAGES: Readonly<Record<string, string>> = {
  account_inactive: 'Account already technically closed.',
  negative_balance: "Account balance is negative, can't perform technical closure.",
  positive_balance: "Account balance is positive, can't perform technical closure.",
  accrued_interest: "Accrued interest found on the account, can't perform technical closure.",
  forced_failure:
    'Account Closure was manually stopped. Please contact Solaris Customer Support for details.',
  processing_timeout: 'Account Closure failed. Please contact Solaris Customer Support for details.',
};

/** The `failure` of a FAILED ACR; unknown or missing codes become PROVIDER_ERROR with the raw code kept. */
export function mapSolarisFailureReason(
  failureReason: { code: string | null; detail: string | null } | null,
): ClosureFailure {
  const providerCode = failureReason?.code ?? null;
  const code =
    providerCode !== null && Object.hasOwn(SOLARIS_FAILURE_REASON_TABLE, providerCode)
      ? (SOLARIS_FAILURE_REASON_TABLE[providerCode] as ClosureErrorCode)
      : 'PROVIDER_ERROR';
  const message =
    failureReason?.detail ??
    // Own keys only: a code like "constructor" must not find Object.prototype's members.
    (providerCode !== null && Object.hasOwn(DEFAULT_MESSAGES, providerCode)
      ? DEFAULT_MESSAGES[providerCode]
      : undefined) ??
    (providerCode !== null
      ? `Solaris failed the closure request with ${providerCode}; Solaris Support handles it.`
      : 'Solaris reports the closure request as FAILED without a reason; Solaris Support handles it.');
  return { code, providerCode, message };
}
