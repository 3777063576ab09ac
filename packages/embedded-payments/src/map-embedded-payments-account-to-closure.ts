import {
  type Closure,
  type ClosureBlocker,
  createClosure,
  type ReasonMap,
  type Redactor,
} from '@closekit/core';
import { EMBEDDED_PAYMENTS_PROVIDER } from './embedded-payments-api';
import {
  initiatorFromReason,
  mapEmbeddedPaymentsClosureReason,
} from './map-embedded-payments-closure-reason';
import { mapEmbeddedPaymentsClosureState } from './map-embedded-payments-closure-state';

/** The account fields a closure is built from (GET account, close response, webhook resource). */
export interface AccountSnapshot {
  id: string;
  state: string;
  closureReason: string | null;
  updatedAt: string | null;
}

export interface AccountToClosureOptions {
  reasons: ReasonMap;
  redactor: Redactor;
  /** The payload the snapshot came from, kept (redacted) as `raw`. */
  raw: unknown;
  created?: boolean | null;
  blockers?: ClosureBlocker[];
  initiatedBy?: Closure['initiatedBy'];
}

/**
 * An account -> its closure, or null when the account has none (OPEN, PENDING_OPEN, unknown).
 * EP has no closure resource: `closureId` is the account id (provider notes §3).
 */
export function mapEmbeddedPaymentsAccountToClosure(
  account: AccountSnapshot,
  options: AccountToClosureOptions,
): Closure | null {
  const state = mapEmbeddedPaymentsClosureState(account.state, account.closureReason);
  if (!state) return null;
  return createClosure({
    provider: EMBEDDED_PAYMENTS_PROVIDER,
    closureId: account.id,
    accountId: account.id,
    state,
    reason: mapEmbeddedPaymentsClosureReason(options.reasons, account.closureReason),
    initiatedBy: options.initiatedBy ?? initiatorFromReason(account.closureReason),
    created: options.created ?? null,
    blockers: options.blockers ?? [],
    failure:
      state.unified === 'CANCELLED'
        ? {
            code: 'PROVIDER_ERROR',
            providerCode: null,
            message:
              'the account is OPEN again after a closure was requested (closureReason is set); J.P. Morgan does not document this reversal: ask their servicing team',
          }
        : null,
    updatedAt: account.updatedAt,
    raw: options.redactor.value(options.raw),
  });
}
