import {
  type CallOptions,
  type Closure,
  ClosureError,
  type ReconcileOutcome,
  type Redactor,
} from '@closekit/core';
import { err, ok, type Result } from 'neverthrow';
import type { Udara360PostingReferences } from './convert-to-udara360-close-request';
import type { AccountReadBack, AccountReader } from './udara360-account-lookup';
import { type ClosureReasonSent, closureFromAccount } from './convert-udara360-to-closure';

type FoundAccount = Extract<AccountReadBack, { kind: 'found' }>;

/** A read that cannot tell (a status outside the documented 1-7) is an error, never "not closed". */
export function unreadableStatus(provider: string, account: FoundAccount): ClosureError {
  return new ClosureError({
    code: 'INVALID_RESPONSE',
    provider,
    message: `readAccount: accountStatus ${JSON.stringify(account.status.raw)} is not one of the documented values 1-7`,
    details: { accountStatus: account.status.raw },
  });
}

/** What one close sent so far: the read-back quotes it so the caller can find the postings. */
export interface SentClose {
  accountNumber: string;
  reason: ClosureReasonSent & { raw: string };
  /** Every closeaccount request of this call, in order (fresh references each, see convert-to-…). */
  postings: Udara360PostingReferences[];
}

export interface Udara360ReadBack {
  /**
   * For the transport after an unknown outcome (timeout, lost answer, 5xx, 29/90/96): Closed ->
   * applied (the closure); open or a well-formed "no such account" -> not applied, so a resend
   * (with fresh references) is safe; anything else -> the transport answers OUTCOME_UNKNOWN (§7.3).
   */
  reconcile(sent: SentClose, options?: CallOptions): Promise<Result<ReconcileOutcome<Closure>, ClosureError>>;
  /**
   * After a failure that could hide an applied closure (26 Duplicate Record, 06, a missing or
   * contradictory code, an unreadable 2xx): one read; Closed -> the closure, open -> the original
   * error, no read -> OUTCOME_UNKNOWN. Never a resend.
   */
  confirm(
    error: ClosureError,
    sent: SentClose,
    options?: CallOptions,
  ): Promise<Result<Closure, ClosureError>>;
}

export function createUdara360ReadBack(settings: {
  provider: string;
  readAccount: AccountReader;
  redactor: Redactor;
}): Udara360ReadBack {
  const { provider, readAccount, redactor } = settings;

  const closedByUs = (account: FoundAccount, sent: SentClose) =>
    closureFromAccount({
      provider,
      account,
      sent: { reason: sent.reason, postings: sent.postings },
      created: null,
      redactor,
    });

  const outcomeUnknown = (original: ClosureError, cause: ClosureError, sent: SentClose) =>
    new ClosureError({
      code: 'OUTCOME_UNKNOWN',
      provider,
      message: `closeAccount may or may not have been applied (${original.code}) and reading the account back could not tell; reconcile with getClosure before trying again`,
      retryable: false,
      httpStatus: original.httpStatus,
      providerCode: original.providerCode,
      requestId: original.requestId,
      details: { original: original.toJSON(), readBack: cause.toJSON(), postings: sent.postings },
      cause,
    });

  return {
    async reconcile(sent, options) {
      const read = await readAccount(sent.accountNumber, options);
      if (read.isErr()) return err(read.error);
      const account = read.value;
      if (account.kind === 'not-found' || account.status.kind === 'open') return ok({ applied: false });
      if (account.status.kind === 'unknown') return err(unreadableStatus(provider, account));
      return ok({ applied: true, value: closedByUs(account, sent) });
    },

    async confirm(error, sent, options) {
      const read = await readAccount(sent.accountNumber, options);
      if (read.isErr()) return err(outcomeUnknown(error, read.error, sent));
      const account = read.value;
      if (account.kind === 'not-found' || account.status.kind === 'open') return err(error);
      if (account.status.kind === 'unknown')
        return err(outcomeUnknown(error, unreadableStatus(provider, account), sent));
      return ok(closedByUs(account, sent));
    },
  };
}
