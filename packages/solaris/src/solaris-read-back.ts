import type { Closure, ClosureError } from '@closekit/core';
import type { ReconcileOutcome } from '@closekit/core/adapter';
import { err, ok, type Result } from 'neverthrow';
import { newestSolarisAcr } from './convert-solaris-to-closure';
import { isSolarisAbandonedStatus } from './map-solaris-closure-state';
import type { SolarisAcr } from './solaris-api';
import { SOLARIS_RECENT_ACR_MARGIN_MS } from './solaris-settings';

/*
 * What the adapter does after a create whose outcome it does not know, or a refusal that may mean
 * an ACR exists. Solaris has no idempotency header (provider doc §7): the only way to know whether
 * a lost create made an ACR is to list the account's ACRs (`filter[account_id]`, provider doc §4).
 */

export interface SolarisReadBackSettings {
  /** The account's ACRs (one large page), or the read's error. */
  listByAccount(accountId: string): Promise<Result<SolarisAcr[], ClosureError>>;
  toClosure(acr: SolarisAcr, created: boolean): Closure;
}

/**
 * After an unknown outcome (timeout, reset, 408, 5xx): did the lost create make an ACR? Any ACR
 * still open or COMPLETED answers yes (a repeat create would have returned it with 200 anyway); so
 * does a FAILED/REVOKED one updated since the call began, which may be ours, failed by Solaris at
 * once. Only an account with neither is sent the create again (provider doc §7.3, §7.4).
 */
export function decideAfterUnknownOutcome(
  acrs: readonly SolarisAcr[],
  startedAt: number,
): ReconcileOutcome<SolarisAcr> {
  const live = newestSolarisAcr(acrs.filter((acr) => !isSolarisAbandonedStatus(acr.status)));
  const recentlyEnded = newestSolarisAcr(
    acrs.filter((acr) => {
      if (!isSolarisAbandonedStatus(acr.status)) return false;
      const updated = acr.updated_at ? Date.parse(acr.updated_at) : Number.NaN;
      // Without a usable timestamp it may be ours: be conservative.
      return Number.isNaN(updated) || updated >= startedAt - SOLARIS_RECENT_ACR_MARGIN_MS;
    }),
  );
  const found = live ?? recentlyEnded;
  return found ? { applied: true, value: found } : { applied: false };
}

export function createSolarisReadBack(settings: SolarisReadBackSettings) {
  return {
    /** The transport's `reconcile` step for a create sent at `startedAt`. */
    async afterUnknownOutcome(
      accountId: string,
      startedAt: number,
    ): Promise<Result<ReconcileOutcome<SolarisAcr>, ClosureError>> {
      const acrs = await settings.listByAccount(accountId);
      return acrs.map((list) => decideAfterUnknownOutcome(list, startedAt));
    },

    /**
     * 409 record_not_unique: the account already has an ACR; return it like Solaris' own 200 does
     * (`created: false`, provider doc §5, §7). No open or COMPLETED ACR, or a failed read: the 409 stands.
     */
    async afterDuplicate(duplicate: ClosureError, accountId: string): Promise<Result<Closure, ClosureError>> {
      const acrs = await settings.listByAccount(accountId);
      if (acrs.isErr()) return err(duplicate);
      const existing = newestSolarisAcr(acrs.value.filter((acr) => !isSolarisAbandonedStatus(acr.status)));
      return existing ? ok(settings.toClosure(existing, false)) : err(duplicate);
    },
  };
}
