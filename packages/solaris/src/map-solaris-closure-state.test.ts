import { describe, expect, it } from 'vitest';
import {
  mapSolarisClosureState,
  mapSolarisFailureReason,
  SOLARIS_FAILURE_REASON_TABLE,
  SOLARIS_STATE_TABLE,
  SOLARIS_STATUSES_BY_STATE,
} from './map-solaris-closure-state';

describe('mapSolarisClosureState', () => {
  it('maps every documented status (provider doc §3)', () => {
    expect(
      Object.fromEntries(
        Object.keys(SOLARIS_STATE_TABLE).map((status) => [status, mapSolarisClosureState(status)]),
      ),
    ).toEqual({
      INITIATED: 'REQUESTED',
      CONFIRMED: 'PENDING',
      IN_PROGRESS: 'PENDING',
      COMPLETED: 'CLOSED',
      FAILED: 'FAILED',
      REVOKED: 'CANCELLED',
    });
  });

  it('maps an unknown status to PENDING (never terminal) and nothing on the prototype', () => {
    expect(mapSolarisClosureState('ON_HOLD')).toBe('PENDING');
    expect(mapSolarisClosureState('toString')).toBe('PENDING');
    expect(mapSolarisClosureState('completed')).toBe('PENDING');
  });

  it('inverts the table for filter[status]', () => {
    for (const [state, statuses] of Object.entries(SOLARIS_STATUSES_BY_STATE)) {
      for (const status of statuses) expect(SOLARIS_STATE_TABLE[status]).toBe(state);
    }
  });
});

describe('mapSolarisFailureReason', () => {
  it('maps every documented failure code', () => {
    expect(SOLARIS_FAILURE_REASON_TABLE).toEqual({
      account_inactive: 'ALREADY_CLOSED',
      negative_balance: 'NON_ZERO_BALANCE',
      positive_balance: 'NON_ZERO_BALANCE',
      accrued_interest: 'NON_ZERO_BALANCE',
      forced_failure: 'PROVIDER_ERROR',
      processing_timeout: 'PROVIDER_ERROR',
    });
    expect(mapSolarisFailureReason({ code: 'positive_balance', detail: null })).toEqual({
      code: 'NON_ZERO_BALANCE',
      providerCode: 'positive_balance',
      message: "Account balance is positive, can't perform technical closure.",
    });
  });

  it('keeps unknown or missing codes as PROVIDER_ERROR', () => {
    expect(mapSolarisFailureReason({ code: 'new_failure', detail: 'Something new.' })).toEqual({
      code: 'PROVIDER_ERROR',
      providerCode: 'new_failure',
      message: 'Something new.',
    });
    expect(mapSolarisFailureReason(null)).toMatchObject({ code: 'PROVIDER_ERROR', providerCode: null });
  });
});
