import { type CallOptions, type Closure, type ClosureBlocker, ClosureError } from '@closekit/core';
import { asRecord, createClosure, type ReconcileOutcome } from '@closekit/core/adapter';
import { err, ok, type Result } from 'neverthrow';
import { balanceBlockers } from './convert-embedded-payments-to-closure';
import { type AccountBalance, CLOSABLE_ACCOUNT_CATEGORIES, type WireAccount } from './embedded-payments-api';
import { EMBEDDED_PAYMENTS_PROVIDER } from './embedded-payments-settings';
import { isClosingOrClosed, mapEmbeddedPaymentsClosureState } from './map-embedded-payments-closure-state';

const provider = EMBEDDED_PAYMENTS_PROVIDER;

/** What the read-backs need from the adapter: its two reads and its account -> closure mapping. */
export interface EmbeddedPaymentsReader {
  readAccount(
    accountId: string,
    operation: string,
    options?: CallOptions,
  ): Promise<Result<WireAccount, ClosureError>>;
  readBalances(
    accountId: string,
    operation: string,
    options?: CallOptions,
  ): Promise<Result<AccountBalance[], ClosureError>>;
  toClosure(
    account: WireAccount,
    extra?: { created?: boolean | null; blockers?: ClosureBlocker[] },
  ): Closure | null;
}

/** An account's closure, with balance blockers while it is still PENDING_CLOSE. */
export async function existingClosure(
  reader: EmbeddedPaymentsReader,
  account: WireAccount,
  created: boolean | null,
  operation: string,
  options?: CallOptions,
): Promise<Result<{ closure: Closure | null; balances: AccountBalance[] | null }, ClosureError>> {
  const state = mapEmbeddedPaymentsClosureState(account.state, account.closureReason ?? null);
  if (state?.unified !== 'PENDING')
    return ok({ closure: reader.toClosure(account, { created }), balances: null });
  const balances = await reader.readBalances(account.id, operation, options);
  if (balances.isErr()) return err(balances.error);
  return ok({
    closure: reader.toClosure(account, { created, blockers: balanceBlockers(balances.value) }),
    balances: balances.value,
  });
}

/**
 * After an unknown outcome (timeout, reset, 5xx): PENDING_CLOSE/CLOSED mean the close took effect;
 * OPEN means it did not and the transport may resend (provider notes §7, flow step 4).
 */
export async function reconcileClose<T>(
  reader: EmbeddedPaymentsReader,
  accountId: string,
  wrap: (closure: Closure) => T,
  options?: CallOptions,
): Promise<Result<ReconcileOutcome<T>, ClosureError>> {
  const read = await reader.readAccount(accountId, 'closeAccount (read-back)', options);
  if (read.isErr()) return err(read.error);
  const account = read.value;
  if (isClosingOrClosed(account.state)) {
    const closure = reader.toClosure(account, { created: null });
    if (closure) return ok({ applied: true, value: wrap(closure) });
  }
  if (account.state.trim().toUpperCase() === 'OPEN') return ok({ applied: false });
  return err(
    new ClosureError({
      code: 'INVALID_RESPONSE',
      provider,
      message: `closeAccount read-back: account ${accountId} is in the unexpected state ${account.state}`,
    }),
  );
}

/**
 * A 4xx answer to the close that may still have changed the account (any 400 included): read back
 * before answering. 401, 403, 404, 408 and 429 are refused before anything happens.
 */
export function mayHaveChangedAccount(error: ClosureError): boolean {
  const status = error.httpStatus;
  if (status === null || status < 400 || status >= 500) return false;
  return ![
    'AUTHENTICATION_FAILED',
    'PERMISSION_DENIED',
    'ACCOUNT_NOT_FOUND',
    'TIMEOUT',
    'RATE_LIMITED',
  ].includes(error.code);
}

/**
 * After a 4xx refusal of the close (any 400 included): one account read decides what the caller
 * learns, and nothing is resent. J.P. Morgan moves OPEN -> PENDING_CLOSE and adds restrictions even
 * when it answers 400 for a non-zero balance, and where it puts the code is undocumented ([CLOSE],
 * provider notes §3, §5). So:
 * - CLOSED: the account is closed; `Ok`, state CLOSED, `created: false` (DESIGN "Already closed").
 * - PENDING_CLOSE: a closure now exists whatever the 400 said. It is reported as the error with
 *   the closure attached (DESIGN "Irreversible means careful"): NON_ZERO_BALANCE when J.P. Morgan
 *   said so or a balance is non-zero, else PROVIDER_ERROR; never INVALID_REQUEST.
 * - anything else: the refusal stands; a category J.P. Morgan cannot close is OPERATION_NOT_SUPPORTED.
 * - read fails: an ACCOUNT_ALREADY_CLOSED answer is still Ok CLOSED (J.P. Morgan said so); any
 *   other refusal stands with `details.readBackFailed`.
 */
export async function readBackAfterRefusal(
  reader: EmbeddedPaymentsReader,
  refusal: ClosureError,
  accountId: string,
  wasOpen: boolean,
  options?: CallOptions,
): Promise<Result<Closure, ClosureError>> {
  const operation = 'closeAccount (read-back after refusal)';
  const read = await reader.readAccount(accountId, operation, options);
  if (read.isErr()) {
    if (refusal.code === 'ALREADY_CLOSED') return ok(closedByProviderCode(accountId, refusal));
    return err(
      refusal.with({ details: { ...asRecord(refusal.details), readBackFailed: read.error.toJSON() } }),
    );
  }
  const account = read.value;
  const state = account.state.trim().toUpperCase();
  if (state === 'CLOSED') {
    const closure = reader.toClosure(account, { created: false });
    if (closure) return ok(closure);
  }
  if (state === 'PENDING_CLOSE')
    return err(await pendingAfterRefusal(reader, refusal, account, wasOpen, options));
  const notClosable = !CLOSABLE_ACCOUNT_CATEGORIES.includes(account.category.trim().toUpperCase());
  return err(
    refusal.with({
      code: notClosable && refusal.code !== 'ALREADY_CLOSED' ? 'OPERATION_NOT_SUPPORTED' : refusal.code,
      retryable: false,
      closure: reader.toClosure(account, { created: null }),
    }),
  );
}

async function pendingAfterRefusal(
  reader: EmbeddedPaymentsReader,
  refusal: ClosureError,
  account: WireAccount,
  wasOpen: boolean,
  options?: CallOptions,
): Promise<ClosureError> {
  const created = wasOpen ? true : null;
  const withBalances = await existingClosure(
    reader,
    account,
    created,
    'closeAccount (read-back after refusal)',
    options,
  );
  const { closure, balances } = withBalances.isOk()
    ? withBalances.value
    : { closure: reader.toClosure(account, { created }), balances: null };
  const funded = (closure?.blockers ?? []).some((blocker) => blocker.code === 'NON_ZERO_BALANCE');
  const code = refusal.code === 'NON_ZERO_BALANCE' || funded ? 'NON_ZERO_BALANCE' : 'PROVIDER_ERROR';
  return refusal.with({
    code,
    retryable: false,
    message: `${refusal.message}; the account is now PENDING_CLOSE: a closure exists (error.closure)`,
    closure,
    details: {
      ...asRecord(refusal.details),
      ...(balances ? { balances } : {}),
      ...(withBalances.isErr() ? { balancesReadFailed: withBalances.error.toJSON() } : {}),
    },
  });
}

/** J.P. Morgan answered ACCOUNT_ALREADY_CLOSED and the account could not be read: its word is the state. */
function closedByProviderCode(accountId: string, refusal: ClosureError): Closure {
  return createClosure({
    provider,
    closureId: accountId,
    accountId,
    state: { unified: 'CLOSED', raw: refusal.providerCode ?? 'ACCOUNT_ALREADY_CLOSED' },
    reason: { unified: null, raw: null },
    initiatedBy: 'unknown',
    created: false,
    raw: refusal.toJSON(),
  });
}
