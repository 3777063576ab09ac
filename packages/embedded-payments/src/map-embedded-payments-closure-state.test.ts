import { describe, expect, it } from 'vitest';
import {
  EMBEDDED_PAYMENTS_STATE_TABLE,
  isClosingOrClosed,
  mapEmbeddedPaymentsClosureState,
} from './map-embedded-payments-closure-state';

describe('mapEmbeddedPaymentsClosureState', () => {
  it('maps every state of the table and keeps the raw value', () => {
    for (const [raw, unified] of Object.entries(EMBEDDED_PAYMENTS_STATE_TABLE)) {
      expect(mapEmbeddedPaymentsClosureState(raw, null)).toEqual({ unified, raw });
    }
    expect(mapEmbeddedPaymentsClosureState('pending_close', 'ELECTIVE')).toEqual({
      unified: 'PENDING',
      raw: 'pending_close',
    });
  });

  it('has no closure for OPEN, PENDING_OPEN and unknown states', () => {
    expect(mapEmbeddedPaymentsClosureState('OPEN', null)).toBeNull();
    expect(mapEmbeddedPaymentsClosureState('OPEN', '  ')).toBeNull();
    expect(mapEmbeddedPaymentsClosureState('PENDING_OPEN', 'ELECTIVE')).toBeNull();
    expect(mapEmbeddedPaymentsClosureState('SUSPENDED', null)).toBeNull();
  });

  it('reports OPEN with a closureReason as CANCELLED (an undocumented reversal), raw OPEN', () => {
    expect(mapEmbeddedPaymentsClosureState('OPEN', 'ELECTIVE')).toEqual({
      unified: 'CANCELLED',
      raw: 'OPEN',
    });
  });

  it('knows which states mean a close took effect', () => {
    expect(['OPEN', 'PENDING_CLOSE', 'CLOSED', 'PENDING_OPEN'].map(isClosingOrClosed)).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });
});
