import type { ClosureState } from '@closekit/core';
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
