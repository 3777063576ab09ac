import { createReasonMap, type ReasonMap, type ReasonTable } from '@closekit/core/adapter';

/** `closureReason` is free text of at most 150 characters ([CA], providers/udara360.md §2). */
export const CLOSURE_REASON_MAX_LENGTH = 150;

/**
 * Neutral reason -> Udara360 `closureReason`, sent verbatim. The values are the six "suggested
 * options" of the Close Account page ([CA], providers/udara360.md §6). Whether Udara accepts other
 * text is undocumented, so reasons without an honest suggestion are refused (null) by default;
 * users whose contract allows free text may map them with the `reasonMap` setting.
 */
export const UDARA360_REASON_TABLE = {
  CUSTOMER_REQUEST: "Customer's request",
  REGULATORY: 'Regulatory requirement',
  FRAUD: 'Fraud related concern',
  COURT_ORDER: 'Court order',
  DUPLICATE_ACCOUNT: 'Duplication',
  // Approximate: the bank ends the relationship at its own discretion.
  RELATIONSHIP_TERMINATION: 'Management discretion',
  REVOCATION: null,
  DORMANCY: null,
  OVERDRAFT: null,
  PARTNER_OFFBOARDING: null,
  OTHER: null,
} as const satisfies Required<ReasonTable>;

/**
 * The reason map of one adapter: the published table merged with the user's overrides.
 * Udara360 returns no reason on any read (§6), so the inbound direction only matters for
 * closures this adapter sent itself.
 */
export function createUdara360ReasonMap(provider: string, overrides: ReasonTable = {}): ReasonMap {
  return createReasonMap(provider, UDARA360_REASON_TABLE, overrides);
}
