import { CLOSURE_REASONS } from '@closekit/core';
import { describe, expect, it } from 'vitest';
import {
  createEmbeddedPaymentsReasonMap,
  EMBEDDED_PAYMENTS_REASON_TABLE,
  initiatorFromReason,
  mapEmbeddedPaymentsClosureReason,
  normaliseEmbeddedPaymentsReason,
} from './map-embedded-payments-closure-reason';

describe('EP closure reasons', () => {
  it('sends the five documented values and refuses every other reason', () => {
    const reasons = createEmbeddedPaymentsReasonMap();
    expect(EMBEDDED_PAYMENTS_REASON_TABLE).toEqual({
      CUSTOMER_REQUEST: 'ELECTIVE',
      FRAUD: 'SUBJECTED_TO_FRAUD',
      OVERDRAFT: 'OVERDRAFT',
      DORMANCY: 'DORMANCY',
      OTHER: 'OTHER',
    });
    for (const reason of CLOSURE_REASONS) {
      const sent = reasons.toProvider(reason);
      if (reason in EMBEDDED_PAYMENTS_REASON_TABLE)
        expect(sent._unsafeUnwrap()).toBe(EMBEDDED_PAYMENTS_REASON_TABLE[reason]);
      else expect(sent._unsafeUnwrapErr().code).toBe('REASON_NOT_SUPPORTED');
    }
  });

  it('lets the user map or refuse reasons', () => {
    const reasons = createEmbeddedPaymentsReasonMap({ PARTNER_OFFBOARDING: 'OTHER', DORMANCY: null });
    expect(reasons.toProvider('PARTNER_OFFBOARDING')._unsafeUnwrap()).toBe('OTHER');
    expect(reasons.toProvider('DORMANCY')._unsafeUnwrapErr().code).toBe('REASON_NOT_SUPPORTED');
    // Reading back OTHER still means OTHER, not the user's extra mapping.
    expect(mapEmbeddedPaymentsClosureReason(reasons, 'OTHER').unified).toBe('OTHER');
  });

  it('reads free text back case-insensitively, spaces and underscores alike, keeping the raw value', () => {
    const reasons = createEmbeddedPaymentsReasonMap();
    const read = (raw: string | null) => mapEmbeddedPaymentsClosureReason(reasons, raw);
    expect(read('Elective')).toEqual({ unified: 'CUSTOMER_REQUEST', raw: 'Elective' });
    expect(read('Elective Closure')).toEqual({ unified: 'CUSTOMER_REQUEST', raw: 'Elective Closure' });
    expect(read('Subjected to Fraud')).toEqual({ unified: 'FRAUD', raw: 'Subjected to Fraud' });
    expect(read('overdraft')).toEqual({ unified: 'OVERDRAFT', raw: 'overdraft' });
    expect(read('AML_CLOSURE')).toEqual({ unified: 'REGULATORY', raw: 'AML_CLOSURE' });
    expect(read('PROBATE')).toEqual({ unified: 'OTHER', raw: 'PROBATE' });
    expect(read('Customer moved abroad')).toEqual({ unified: null, raw: 'Customer moved abroad' });
    expect(read(null)).toEqual({ unified: null, raw: null });
    expect(normaliseEmbeddedPaymentsReason(' subjected-to  fraud ')).toBe('SUBJECTED_TO_FRAUD');
  });

  it("says 'partner' only for the documented request values", () => {
    expect(initiatorFromReason('Elective')).toBe('partner');
    expect(initiatorFromReason('PROBATE')).toBe('unknown');
    expect(initiatorFromReason(null)).toBe('unknown');
  });
});
