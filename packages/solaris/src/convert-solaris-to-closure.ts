import type { Closure } from '@closekit/core';
import { createClosure } from '@closekit/core/adapter';
import type { SolarisReasonMapping } from './map-solaris-closure-reason';
import { solarisInitiator } from './map-solaris-closure-reason';
import { mapSolarisClosureState, mapSolarisFailureReason } from './map-solaris-closure-state';
import type { SolarisAcr } from './solaris-api';
import { SOLARIS_PROVIDER } from './solaris-settings';

export interface AcrConversionContext {
  reasons: SolarisReasonMapping;
  /** Redacts `raw` (it must never carry a secret). */
  redact: <T>(value: T) => T;
}

/** One ACR (create, get, list and both ACR webhooks share the shape, provider doc §2) -> Closure. */
export function convertSolarisAcrToClosure(
  acr: SolarisAcr,
  context: AcrConversionContext,
  extra: { created?: boolean | null; initiatedBy?: Closure['initiatedBy'] } = {},
): Closure {
  const unified = mapSolarisClosureState(acr.status);
  return createClosure({
    provider: SOLARIS_PROVIDER,
    closureId: acr.id,
    accountId: acr.account_id,
    state: { unified, raw: acr.status },
    reason: { unified: context.reasons.fromSolaris(acr.closure_reason), raw: acr.closure_reason },
    initiatedBy:
      extra.initiatedBy ??
      // A `*_INTERNAL` reason always means Solaris started it, whatever else we know.
      solarisInitiator(acr.closure_reason),
    created: extra.created ?? null,
    // Solaris keeps a failure_reason only for failed ACRs that matter; a stray one on an open ACR
    // (the docs' example shows one) is no failure yet (provider doc §2).
    failure: unified === 'FAILED' ? mapSolarisFailureReason(acr.failure_reason) : null,
    legalClosureDate: acr.legal_closure_date,
    technicalClosureDate: acr.technical_closure_date,
    payoutAllowed: acr.payout_allowed,
    updatedAt: acr.updated_at,
    raw: context.redact(acr.raw),
  });
}

/**
 * `created` of a create's answer. 201: a new ACR; 200: the account's existing ACR (provider doc §3);
 * a read-back (no status): unknown. A COMPLETED ACR means the account was already closed, which
 * every adapter answers with `created: false` (DESIGN "Already closed").
 */
export function createdFromAnswer(acr: SolarisAcr, status: number | null): boolean | null {
  if (acr.status === 'COMPLETED') return false;
  return status === 201 ? true : status === 200 ? false : null;
}

/** The newest ACR by `updated_at` (the ACR has no `created_at`, provider doc §4); later list entries win ties. */
export function newestSolarisAcr<T extends { updated_at: string | null }>(acrs: readonly T[]): T | undefined {
  let newest: T | undefined;
  let newestTime = Number.NEGATIVE_INFINITY;
  for (const acr of acrs) {
    const parsed = acr.updated_at ? Date.parse(acr.updated_at) : Number.NaN;
    const time = Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed;
    if (newest === undefined || time >= newestTime) {
      newest = acr;
      newestTime = time;
    }
  }
  return newest;
}
