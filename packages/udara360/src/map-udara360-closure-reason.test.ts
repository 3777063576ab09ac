import { CLOSURE_REASONS } from '@closekit/core';
import { describe, expect, it } from 'vitest';
import { createUdara360ReasonMap, UDARA360_REASON_TABLE } from './map-udara360-closure-reason';

describe('Udara360 closure reasons', () => {
  it('sends the six suggested options verbatim and refuses the rest', () => {
    const reasons = createUdara360ReasonMap('udara360');
    expect(reasons.table).toEqual(UDARA360_REASON_TABLE);
    expect(Object.keys(UDARA360_REASON_TABLE).sort()).toEqual([...CLOSURE_REASONS].sort());
    expect(reasons.toProvider('CUSTOMER_REQUEST')._unsafeUnwrap()).toBe("Customer's request");
    expect(reasons.toProvider('REGULATORY')._unsafeUnwrap()).toBe('Regulatory requirement');
    expect(reasons.toProvider('FRAUD')._unsafeUnwrap()).toBe('Fraud related concern');
    expect(reasons.toProvider('COURT_ORDER')._unsafeUnwrap()).toBe('Court order');
    expect(reasons.toProvider('DUPLICATE_ACCOUNT')._unsafeUnwrap()).toBe('Duplication');
    expect(reasons.toProvider('RELATIONSHIP_TERMINATION')._unsafeUnwrap()).toBe('Management discretion');
    for (const refused of ['REVOCATION', 'DORMANCY', 'OVERDRAFT', 'PARTNER_OFFBOARDING', 'OTHER'] as const) {
      expect(reasons.toProvider(refused)._unsafeUnwrapErr()).toMatchObject({
        code: 'REASON_NOT_SUPPORTED',
        provider: 'udara360',
      });
    }
  });

  it('reads its own values back and lets users extend or refuse', () => {
    const reasons = createUdara360ReasonMap('udara360', { DORMANCY: 'Dormant account', FRAUD: null });
    expect(reasons.fromProvider('Court order')).toBe('COURT_ORDER');
    expect(reasons.fromProvider('Dormant account')).toBe('DORMANCY');
    expect(reasons.fromProvider(null)).toBeNull();
    expect(reasons.supported).toContain('DORMANCY');
    expect(reasons.supported).not.toContain('FRAUD');
  });
});
