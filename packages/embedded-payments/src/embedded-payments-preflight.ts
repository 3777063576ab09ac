import type { ClosureBlocker } from '@closekit/core';
import {
  type AccountBalance,
  CLOSABLE_ACCOUNT_CATEGORIES,
  isZeroAmount,
  type WireAccount,
} from './embedded-payments-api';

/**
 * The pre-flight check (on by default): read the account, then its balances, and refuse locally
 * what the close call would refuse or, worse, half-apply. A non-zero balance answers 400 yet still
 * moves an OPEN account to PENDING_CLOSE with restrictions (seed "Account closure process"):
 * refusing before the call is the only way to leave such an account untouched.
 */
export type PreflightStep1 =
  /** Refuse without reading balances. */
  | { kind: 'refuse'; code: 'OPERATION_NOT_SUPPORTED' | 'ALREADY_CLOSED'; message: string }
  /** Already closing: read the balances for blockers and return it with created false. */
  | { kind: 'existing' }
  /** OPEN: read the balances, then decide with decideAfterBalances. */
  | { kind: 'check-balances' };

export function decideFromAccount(account: WireAccount): PreflightStep1 {
  const category = account.category.trim().toUpperCase();
  if (!CLOSABLE_ACCOUNT_CATEGORIES.includes(category)) {
    // v2 hints that TRANSACTION_ACCOUNT/SUMMARY_ACCOUNT may close too; refused until J.P. Morgan confirms (notes §2).
    return {
      kind: 'refuse',
      code: 'OPERATION_NOT_SUPPORTED',
      message: `account ${account.id} has category ${account.category}; J.P. Morgan closes only ${CLOSABLE_ACCOUNT_CATEGORIES.join(' and ')} accounts through the API`,
    };
  }
  const state = account.state.trim().toUpperCase();
  if (state === 'CLOSED') {
    return { kind: 'refuse', code: 'ALREADY_CLOSED', message: `account ${account.id} is already CLOSED` };
  }
  if (state === 'PENDING_CLOSE') return { kind: 'existing' };
  if (state === 'OPEN') return { kind: 'check-balances' };
  // PENDING_OPEN "is not closable" (notes §3); any other state is undocumented: do not send a close into it.
  return {
    kind: 'refuse',
    code: 'OPERATION_NOT_SUPPORTED',
    message: `account ${account.id} is in state ${account.state}; only OPEN accounts can be closed`,
  };
}

/**
 * Every non-zero balance, as blockers. Which balance type counts as "funds" is undocumented
 * (notes §9), so any non-zero type blocks: ITAV/ITBD (v1), INTERIM_AVAILABLE/BOOKED/EXPECTED (v2).
 */
export function balanceBlockers(balances: readonly AccountBalance[]): ClosureBlocker[] {
  return balances
    .filter((balance) => !isZeroAmount(balance.amount))
    .map((balance) => ({
      code: 'NON_ZERO_BALANCE' as const,
      message: `balance ${balance.type} is ${balance.amount}${balance.currency ? ` ${balance.currency}` : ''}${
        balance.date ? ` on ${balance.date}` : ''
      }; J.P. Morgan closes the account only at zero: move the funds out (or bring the balance to zero)`,
    }));
}
