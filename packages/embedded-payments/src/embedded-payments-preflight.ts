import {
  type CallOptions,
  type Closure,
  type ClosureBlocker,
  ClosureError,
  type ClosureErrorCode,
  type ClosureErrorOptions,
} from '@closekit/core';
import { err, ok, type Result } from 'neverthrow';
import { balanceBlockers, describeBalance } from './convert-embedded-payments-to-closure';
import {
  type AccountBalance,
  CLOSABLE_ACCOUNT_CATEGORIES,
  isZeroAmount,
  type WireAccount,
} from './embedded-payments-api';
import { type EmbeddedPaymentsReader, existingClosure } from './embedded-payments-read-back';
import { EMBEDDED_PAYMENTS_PROVIDER } from './embedded-payments-settings';

/**
 * The pre-flight check (on by default; `preflight: false` turns it off): read the account, then
 * its balances, and refuse locally what the close call would refuse or, worse, half-apply. A
 * non-zero balance answers 400 yet still moves an OPEN account to PENDING_CLOSE with restrictions
 * ([CLOSE], provider notes §3): refusing before the call is the only way to leave it untouched.
 * It is its own file because no role of the shared file list covers "decide before sending".
 */
export type PreflightStep1 =
  /** Refuse without reading balances. */
  | { kind: 'refuse'; code: 'OPERATION_NOT_SUPPORTED'; message: string }
  /** Already PENDING_CLOSE or CLOSED: return the existing closure with created false, send nothing. */
  | { kind: 'existing' }
  /** OPEN: read the balances, then decide with decideFromBalances. */
  | { kind: 'check-balances' };

export function decideFromAccount(account: WireAccount): PreflightStep1 {
  const state = account.state.trim().toUpperCase();
  // Already closing or closed: the closure exists whatever the category (DESIGN "Already closed").
  if (state === 'CLOSED' || state === 'PENDING_CLOSE') return { kind: 'existing' };
  const category = account.category.trim().toUpperCase();
  if (!CLOSABLE_ACCOUNT_CATEGORIES.includes(category)) {
    // v2 hints that TRANSACTION_ACCOUNT/SUMMARY_ACCOUNT may close too; refused until J.P. Morgan confirms (notes §2).
    return {
      kind: 'refuse',
      code: 'OPERATION_NOT_SUPPORTED',
      message: `account ${account.id} has category ${account.category}; J.P. Morgan closes only ${CLOSABLE_ACCOUNT_CATEGORIES.join(' and ')} accounts through the API`,
    };
  }
  if (state === 'OPEN') return { kind: 'check-balances' };
  // PENDING_OPEN "is not closable" (notes §3); any other state is undocumented: do not send a close into it.
  return {
    kind: 'refuse',
    code: 'OPERATION_NOT_SUPPORTED',
    message: `account ${account.id} is in state ${account.state}; only OPEN accounts can be closed`,
  };
}

/**
 * Balance types that are only *expected* money: v2 `INTERIM_EXPECTED` = ledger + pending credits
 * (Accounts 2.0.47 `BalanceTypeV2`). Pending credits are not funds on the account yet, so they do
 * not block the close request; they are reported on the closure as a blocker of its completion
 * (the servicing team closes only at zero), never dropped silently.
 */
export const EXPECTED_ONLY_BALANCE_TYPES: readonly string[] = ['INTERIM_EXPECTED'];

const isExpectedOnly = (balance: AccountBalance) =>
  EXPECTED_ONLY_BALANCE_TYPES.includes(balance.type.trim().toUpperCase());

/** What the balances say: refuse when money is (or is owed) on the account, else send with notes. */
export type PreflightBalanceDecision =
  | { kind: 'refuse'; blockers: ClosureBlocker[] }
  | { kind: 'send'; pendingCredits: ClosureBlocker[] };

/**
 * "The balance must be zero" ([CLOSE]) without saying which type J.P. Morgan checks (notes §9).
 * Booked and available balances (v1 ITBD/ITAV, v2 INTERIM_BOOKED/INTERIM_AVAILABLE) and any type
 * closekit does not know block the close: a negative available balance means pending debits or
 * holds. A non-zero expected balance alone (pending credits) does not block; it is listed.
 */
export function decideFromBalances(balances: readonly AccountBalance[]): PreflightBalanceDecision {
  const blocking = balances.filter((balance) => !isExpectedOnly(balance) && !isZeroAmount(balance.amount));
  if (blocking.length > 0) return { kind: 'refuse', blockers: balanceBlockers(balances) };
  return { kind: 'send', pendingCredits: pendingCreditBlockers(balances) };
}

function pendingCreditBlockers(balances: readonly AccountBalance[]): ClosureBlocker[] {
  return balances
    .filter((balance) => isExpectedOnly(balance) && !isZeroAmount(balance.amount))
    .map((balance) => ({
      code: 'NON_ZERO_BALANCE' as const,
      message: `${describeBalance(balance)}: pending credits only, so the close was sent; J.P. Morgan's servicing team closes the account only at zero: move these funds out once they settle`,
    }));
}

/** What the pre-flight ends with: a closure that already exists, or the go-ahead to send. */
export type PreflightOutcome =
  | { kind: 'existing'; closure: Closure }
  | { kind: 'send'; pendingCredits: ClosureBlocker[] };

/**
 * Reads the account (and its balances when it is OPEN) and decides before anything changes:
 * PENDING_CLOSE/CLOSED are returned with `created: false`, an unclosable category or state and a
 * funded account are refused with `details.preflight: true`, and nothing is sent in those cases.
 */
export async function runPreflight(
  reader: EmbeddedPaymentsReader,
  accountId: string,
  options?: CallOptions,
): Promise<Result<PreflightOutcome, ClosureError>> {
  const operation = 'closeAccount (pre-flight)';
  const read = await reader.readAccount(accountId, operation, options);
  if (read.isErr()) return err(read.error);
  const account = read.value;
  const decision = decideFromAccount(account);
  if (decision.kind === 'refuse') {
    return err(
      refusedBeforeSending(decision.code, decision.message, {
        closure: reader.toClosure(account, { created: false }),
        details: { preflight: true, category: account.category, state: account.state },
      }),
    );
  }
  if (decision.kind === 'existing') {
    // PENDING_CLOSE or CLOSED: the closure exists; sending again would only re-apply restrictions.
    const existing = await existingClosure(reader, account, false, operation, options);
    if (existing.isErr()) return err(existing.error);
    const { closure } = existing.value;
    return closure
      ? ok({ kind: 'existing', closure })
      : err(refusedBeforeSending('INVALID_RESPONSE', `account ${accountId} has no closure`, {}));
  }
  const balances = await reader.readBalances(accountId, operation, options);
  if (balances.isErr()) return err(balances.error);
  const verdict = decideFromBalances(balances.value);
  if (verdict.kind === 'refuse') {
    return err(
      refusedBeforeSending(
        'NON_ZERO_BALANCE',
        `account ${accountId} has a non-zero balance; closing it now would move it to PENDING_CLOSE with restrictions and answer 400`,
        { details: { preflight: true, blockers: verdict.blockers, balances: balances.value } },
      ),
    );
  }
  return ok({ kind: 'send', pendingCredits: verdict.pendingCredits });
}

function refusedBeforeSending(
  code: ClosureErrorCode,
  message: string,
  extra: Pick<ClosureErrorOptions, 'closure' | 'details'>,
): ClosureError {
  const prefix = code === 'INVALID_RESPONSE' ? '' : 'closeAccount refused before sending: ';
  return new ClosureError({
    code,
    provider: EMBEDDED_PAYMENTS_PROVIDER,
    message: `${prefix}${message}`,
    ...extra,
  });
}
