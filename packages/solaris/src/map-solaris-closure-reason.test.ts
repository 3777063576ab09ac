import { describe, expect, it } from 'vitest';
import {
  createSolarisReasonMap,
  SOLARIS_INBOUND_REASON_TABLE,
  SOLARIS_REASON_TABLE,
  SOLARIS_REASONS_BY_AGREEMENT,
  solarisInitiator,
} from './map-solaris-closure-reason';

describe('solaris reason map', () => {
  it('publishes the outbound table of provider doc §6', () => {
    const { reasons } = createSolarisReasonMap();
    expect(reasons.table).toEqual(SOLARIS_REASON_TABLE);
    expect(reasons.toProvider('CUSTOMER_REQUEST')._unsafeUnwrap()).toBe('CUSTOMER_WISH');
    expect(reasons.toProvider('DORMANCY')._unsafeUnwrapErr()).toMatchObject({
      code: 'REASON_NOT_SUPPORTED',
      provider: 'solaris',
    });
  });

  it('maps all 15 values Solaris sends back, and unknown values to OTHER', () => {
    const { fromSolaris } = createSolarisReasonMap();
    for (const [raw, neutral] of Object.entries(SOLARIS_INBOUND_REASON_TABLE))
      expect(fromSolaris(raw)).toBe(neutral);
    expect(Object.keys(SOLARIS_INBOUND_REASON_TABLE)).toHaveLength(15);
    expect(fromSolaris('COMPLIANCE_IMMEDIATE_PARTNER')).toBe('REGULATORY');
    expect(fromSolaris('SOMETHING_NEW')).toBe('OTHER');
    expect(fromSolaris(null)).toBeNull();
  });

  it('enables only CUSTOMER_REQUEST by default and explains how to opt in to the others', () => {
    const { reasons } = createSolarisReasonMap();
    expect(reasons.supported).toEqual(['CUSTOMER_REQUEST']);
    for (const [reason, value] of Object.entries(SOLARIS_REASONS_BY_AGREEMENT)) {
      const error = reasons
        .toProvider(reason as keyof typeof SOLARIS_REASONS_BY_AGREEMENT)
        ._unsafeUnwrapErr();
      expect(error).toMatchObject({ code: 'REASON_NOT_SUPPORTED', details: { suggestedValue: value } });
    }
    const enabled = createSolarisReasonMap({ FRAUD: 'COMPLIANCE_IMMEDIATE_PARTNER' }).reasons;
    expect(enabled.toProvider('FRAUD')._unsafeUnwrap()).toBe('COMPLIANCE_IMMEDIATE_PARTNER');
    // A reason the user refused explicitly keeps the plain refusal.
    const refused = createSolarisReasonMap({ FRAUD: null }).reasons.toProvider('FRAUD')._unsafeUnwrapErr();
    expect(refused.details).not.toHaveProperty('suggestedValue');
  });

  it('keeps inbound mapping when the user refuses a reason outbound', () => {
    const { reasons, fromSolaris } = createSolarisReasonMap({ CUSTOMER_REQUEST: null });
    expect(reasons.toProvider('CUSTOMER_REQUEST').isErr()).toBe(true);
    expect(fromSolaris('CUSTOMER_WISH')).toBe('CUSTOMER_REQUEST');
  });

  it('says who initiated: *_INTERNAL is Solaris', () => {
    expect(solarisInitiator('CUSTOMER_WISH_INTERNAL')).toBe('provider');
    expect(solarisInitiator('TECHNICAL_IMMEDIATE_INTERNAL')).toBe('provider');
    expect(solarisInitiator('CUSTOMER_WISH')).toBe('partner');
    expect(solarisInitiator('COMPLIANCE_IMMEDIATE_PARTNER')).toBe('partner');
    expect(solarisInitiator(null)).toBe('unknown');
  });
});
