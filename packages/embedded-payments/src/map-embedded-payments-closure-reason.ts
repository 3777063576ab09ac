import type { ClosureReason } from '@closekit/core';
import { createReasonMap, type ReasonMap, type ReasonTable } from '@closekit/core/adapter';
import { EMBEDDED_PAYMENTS_PROVIDER } from './embedded-payments-settings';

/**
 * Neutral reason -> EP `closureReason` (provider notes §6). Sent in upper case, as the guide's
 * sample does. Reasons without an honest equivalent are absent: closekit refuses them with
 * REASON_NOT_SUPPORTED unless the user's reasonMap setting maps them (e.g. to OTHER).
 */
export const EMBEDDED_PAYMENTS_REASON_TABLE: ReasonTable = {
  CUSTOMER_REQUEST: 'ELECTIVE',
  FRAUD: 'SUBJECTED_TO_FRAUD',
  OVERDRAFT: 'OVERDRAFT',
  DORMANCY: 'DORMANCY',
  OTHER: 'OTHER',
};

/**
 * Reasons read back that no outgoing reason produces (spec examples, provider notes §6). The
 * mapping is approximate and the raw value is always kept.
 */
export const EMBEDDED_PAYMENTS_INBOUND_REASONS: Readonly<Record<string, ClosureReason>> = {
  ELECTIVE_CLOSURE: 'CUSTOMER_REQUEST',
  AML_CLOSURE: 'REGULATORY',
  PROBATE: 'OTHER',
};

/** The five values J.P. Morgan documents for requests: a closure carrying one was most likely sent by the platform. */
export const EMBEDDED_PAYMENTS_REQUEST_REASONS: readonly string[] = [
  'ELECTIVE',
  'SUBJECTED_TO_FRAUD',
  'OVERDRAFT',
  'DORMANCY',
  'OTHER',
];

/** Returned reasons are free text: compare case-insensitively, spaces, hyphens and underscores alike. */
export function normaliseEmbeddedPaymentsReason(raw: string): string {
  return raw
    .trim()
    .toUpperCase()
    .replace(/[\s_-]+/g, '_');
}

export function createEmbeddedPaymentsReasonMap(overrides: ReasonTable = {}): ReasonMap {
  return createReasonMap(
    EMBEDDED_PAYMENTS_PROVIDER,
    EMBEDDED_PAYMENTS_REASON_TABLE,
    overrides,
    EMBEDDED_PAYMENTS_INBOUND_REASONS,
  );
}

/** EP `closureReason` as read back -> `{unified, raw}`; unknown text maps to null, raw kept. */
export function mapEmbeddedPaymentsClosureReason(
  reasons: ReasonMap,
  raw: string | null,
): { unified: ClosureReason | null; raw: string | null } {
  if (raw === null || raw.trim() === '') return { unified: null, raw };
  const normalised = normaliseEmbeddedPaymentsReason(raw);
  const direct = reasons.fromProvider(raw) ?? reasons.fromProvider(normalised);
  if (direct) return { unified: direct, raw };
  // "Elective", "Elective Closure", "ELECTIVE_REQUEST": every spelling starting with ELECTIVE.
  if (normalised.startsWith('ELECTIVE')) return { unified: 'CUSTOMER_REQUEST', raw };
  return { unified: null, raw };
}

/** 'partner' for the documented request values, else 'unknown' (J.P. Morgan may have acted: provider notes §6). */
export function initiatorFromReason(raw: string | null): 'partner' | 'unknown' {
  if (raw === null) return 'unknown';
  return EMBEDDED_PAYMENTS_REQUEST_REASONS.includes(normaliseEmbeddedPaymentsReason(raw))
    ? 'partner'
    : 'unknown';
}
