import type { Closure, ClosureBlocker } from '@closekit/core';
import { createClosure, type ReasonMap, type Redactor } from '@closekit/core/adapter';
import { type AccountBalance, isZeroAmount, type WireCloseResponse } from './embedded-payments-api';
import { EMBEDDED_PAYMENTS_PROVIDER } from './embedded-payments-settings';
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
export function convertEmbeddedPaymentsAccountToClosure(
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

/**
 * A 202 answer to the close -> the closure it started. `closureId` is the account id we closed,
 * not the body's `id`: one handle on every path, the one getClosure reads (DESIGN "One handle");
 * the body stays in `raw`. An unexpected state in a 202 is still a requested closure.
 */
export function convertEmbeddedPaymentsCloseResponseToClosure(
  wire: WireCloseResponse,
  request: { accountId: string; closureReason: string },
  options: Omit<AccountToClosureOptions, 'raw' | 'created' | 'initiatedBy'>,
): Closure {
  const rawState = wire.state ?? 'PENDING_CLOSE';
  const state = mapEmbeddedPaymentsClosureState(rawState, null) ?? {
    unified: 'REQUESTED' as const,
    raw: rawState,
  };
  return createClosure({
    provider: EMBEDDED_PAYMENTS_PROVIDER,
    closureId: request.accountId,
    accountId: request.accountId,
    state,
    reason: mapEmbeddedPaymentsClosureReason(options.reasons, wire.closureReason ?? request.closureReason),
    initiatedBy: 'partner',
    created: true,
    blockers: options.blockers ?? [],
    raw: options.redactor.value(wire),
  });
}

export function describeBalance(balance: AccountBalance): string {
  return `balance ${balance.type} is ${balance.amount}${balance.currency ? ` ${balance.currency}` : ''}${
    balance.date ? ` on ${balance.date}` : ''
  }`;
}

/** Every non-zero balance, as blockers of a closure (all types are listed; notes §9). */
export function balanceBlockers(balances: readonly AccountBalance[]): ClosureBlocker[] {
  return balances
    .filter((balance) => !isZeroAmount(balance.amount))
    .map((balance) => ({
      code: 'NON_ZERO_BALANCE' as const,
      message: `${describeBalance(balance)}; J.P. Morgan closes the account only at zero: move the funds out (or bring the balance to zero)`,
    }));
}
