import { type ClosureReason, createReasonMap, type ReasonMap, type ReasonTable } from '@closekit/core';
import { SOLARIS_PROVIDER } from './solaris-api';

/**
 * Neutral reason -> the `closure_reason` sent on create (provider doc §6). Every value except
 * CUSTOMER_WISH needs Solaris' prior agreement, so users narrow this table with `reasonMap`
 * (e.g. `{ FRAUD: null }`). Reasons left out are refused with REASON_NOT_SUPPORTED.
 */
export const SOLARIS_REASON_TABLE = {
  CUSTOMER_REQUEST: 'CUSTOMER_WISH',
  REVOCATION: 'ACCOUNT_REVOCATION',
  RELATIONSHIP_TERMINATION: 'RELATIONSHIP_TERMINATION',
  // Approximate: Solaris does not define this value publicly.
  PARTNER_OFFBOARDING: 'PARTNER_SERVICE_ACCOUNT_TERMINATED',
  // Approximate: a compliance closure the partner asks for, always "immediate".
  FRAUD: 'COMPLIANCE_IMMEDIATE_PARTNER',
  REGULATORY: 'COMPLIANCE_IMMEDIATE_PARTNER',
  COURT_ORDER: null,
  DORMANCY: null,
  OVERDRAFT: null,
  DUPLICATE_ACCOUNT: null,
  OTHER: null,
} as const satisfies Record<ClosureReason, string | null>;

/**
 * Every `closure_reason` Solaris sends back -> neutral reason (provider doc §6). Values not listed
 * here (and not produced by the outbound table) map to OTHER; the raw value is always kept.
 */
export const SOLARIS_INBOUND_REASON_TABLE: Readonly<Record<string, ClosureReason>> = {
  CUSTOMER_WISH: 'CUSTOMER_REQUEST',
  CUSTOMER_WISH_INTERNAL: 'CUSTOMER_REQUEST',
  ACCOUNT_REVOCATION: 'REVOCATION',
  ACCOUNT_REVOCATION_INTERNAL: 'REVOCATION',
  RELATIONSHIP_TERMINATION: 'RELATIONSHIP_TERMINATION',
  RELATIONSHIP_TERMINATION_INTERNAL: 'RELATIONSHIP_TERMINATION',
  PARTNER_SERVICE_ACCOUNT_TERMINATED: 'PARTNER_OFFBOARDING',
  // FRAUD and REGULATORY both send this value; read back, it can only honestly say "compliance".
  COMPLIANCE_IMMEDIATE_PARTNER: 'REGULATORY',
  COMPLIANCE_IMMEDIATE_INTERNAL: 'REGULATORY',
  COMPLIANCE_ORDINARY_INTERNAL: 'REGULATORY',
  SEIZURES_ORDINARY_INTERNAL: 'COURT_ORDER',
  DUNNING_DECOUPLED_CARD_INTERNAL: 'OVERDRAFT',
  INSOLVENCY_IMMEDIATE_INTERNAL: 'OTHER',
  INSOLVENCY_ORDINARY_INTERNAL: 'OTHER',
  TECHNICAL_IMMEDIATE_INTERNAL: 'OTHER',
};

export interface SolarisReasonMapping {
  /** Outbound table merged with the user's overrides, and inbound lookups. */
  readonly reasons: ReasonMap;
  /** A raw reason read back -> neutral; unknown non-empty values -> OTHER (provider doc §6). */
  fromSolaris(raw: string | null): ClosureReason | null;
}

export function createSolarisReasonMap(overrides: ReasonTable = {}): SolarisReasonMapping {
  const reasons = createReasonMap(
    SOLARIS_PROVIDER,
    SOLARIS_REASON_TABLE,
    overrides,
    SOLARIS_INBOUND_REASON_TABLE,
  );
  return {
    reasons,
    fromSolaris: (raw) => (raw === null || raw === '' ? null : (reasons.fromProvider(raw) ?? 'OTHER')),
  };
}

/**
 * Who started the closure: any `*_INTERNAL` reason means Solaris did (the partner must tell the
 * customer at once, provider doc §6); other reasons are the ones partners send.
 */
export function solarisInitiator(rawReason: string | null): 'partner' | 'provider' | 'unknown' {
  if (rawReason === null || rawReason === '') return 'unknown';
  return rawReason.endsWith('_INTERNAL') ? 'provider' : 'partner';
}
