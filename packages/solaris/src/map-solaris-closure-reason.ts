import { ClosureError, type ClosureReason } from '@closekit/core';
import { createReasonMap, type ReasonMap, type ReasonTable } from '@closekit/core/adapter';
import type { SOLARIS_CREATE_REASONS } from './solaris-api';
import { SOLARIS_PROVIDER } from './solaris-settings';

/**
 * Neutral reason -> the `closure_reason` sent on create, as published (provider doc §6). Only
 * CUSTOMER_REQUEST is on by default: Solaris' guide asks partners to consult Solaris before
 * creating an ACR with any reason other than CUSTOMER_WISH (provider doc §3, S5). A user with
 * that agreement enables a reason in `reasonMap` with the value SOLARIS_REASONS_BY_AGREEMENT gives.
 */
export const SOLARIS_REASON_TABLE = {
  CUSTOMER_REQUEST: 'CUSTOMER_WISH',
  REVOCATION: null,
  RELATIONSHIP_TERMINATION: null,
  PARTNER_OFFBOARDING: null,
  FRAUD: null,
  REGULATORY: null,
  COURT_ORDER: null,
  DORMANCY: null,
  OVERDRAFT: null,
  DUPLICATE_ACCOUNT: null,
  OTHER: null,
} as const satisfies Record<ClosureReason, string | null>;

/**
 * The value to put in `reasonMap` for a reason Solaris has agreed to (provider doc §6). Off by
 * default (SOLARIS_REASON_TABLE); reasons missing here have no Solaris equivalent at all.
 */
export const SOLARIS_REASONS_BY_AGREEMENT = {
  REVOCATION: 'ACCOUNT_REVOCATION',
  RELATIONSHIP_TERMINATION: 'RELATIONSHIP_TERMINATION',
  // Approximate: Solaris does not define this value publicly.
  PARTNER_OFFBOARDING: 'PARTNER_SERVICE_ACCOUNT_TERMINATED',
  // An inference from the name: a compliance closure the partner asks for, always "immediate".
  FRAUD: 'COMPLIANCE_IMMEDIATE_PARTNER',
  REGULATORY: 'COMPLIANCE_IMMEDIATE_PARTNER',
} as const satisfies Partial<Record<ClosureReason, (typeof SOLARIS_CREATE_REASONS)[number]>>;

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
    reasons: {
      ...reasons,
      toProvider: (reason) =>
        reasons.toProvider(reason).mapErr((error) => (reason in overrides ? error : explainRefusal(error))),
    },
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

/** Says why a reason is off and, where Solaris has a value for it, how to turn it on. */
function explainRefusal(error: ClosureError): ClosureError {
  const reason = (error.details as { reason?: ClosureReason } | undefined)?.reason;
  const value =
    reason !== undefined && Object.hasOwn(SOLARIS_REASONS_BY_AGREEMENT, reason)
      ? SOLARIS_REASONS_BY_AGREEMENT[reason as keyof typeof SOLARIS_REASONS_BY_AGREEMENT]
      : undefined;
  if (value === undefined) return error;
  // Provider doc §3 (S5): any reason other than CUSTOMER_WISH needs Solaris' agreement first.
  return new ClosureError({
    code: 'REASON_NOT_SUPPORTED',
    provider: SOLARIS_PROVIDER,
    message: `Solaris asks partners to consult it before creating an account closure request with any reason other than CUSTOMER_WISH, so ${reason} is off by default. With Solaris' agreement, enable it: reasonMap: { ${reason}: '${value}' }`,
    details: { ...(error.details as object), suggestedValue: value },
  });
}
