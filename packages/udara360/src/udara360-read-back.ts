import { type CallOptions, type Closure, ClosureError } from '@closekit/core';
import type {
  Authorize,
  HttpErrorResponse,
  HttpTransport,
  ReconcileOutcome,
  Redactor,
} from '@closekit/core/adapter';
import { err, ok, type Result } from 'neverthrow';
import type { Udara360PostingReferences } from './convert-to-udara360-close-request';
import { type ClosureReasonSent, closureFromAccount } from './convert-udara360-to-closure';
import { type MappedAccountStatus, mapUdara360ClosureState } from './map-udara360-closure-state';
import { ACCOUNT_SEARCH_PATH, accountSearchResponseSchema, type Udara360AccountRecord } from './udara360-api';
import { translateUdara360StatusCode } from './udara360-error';

/*
 * Udara360 keeps no closure record: what a close did is found by reading the account's status
 * (providers/udara360.md §4, §7.3). This file holds that read and everything done with it after
 * a close whose outcome is unknown or may hide an applied closure.
 */

const PAGE_SIZE = 10;
// "No Record Found" and "No Check Account" (§5b).
const NOT_FOUND_CODES = new Set(['25', '52']);

export type AccountReadBack =
  | {
      kind: 'found';
      accountNumber: string;
      status: MappedAccountStatus;
      /** As Udara360 sent it: redacted where a closure exposes it (convert-udara360-to-closure.ts). */
      record: Udara360AccountRecord;
    }
  /** A well-formed answer saying the account does not exist (empty list, or status code 25/52). */
  | { kind: 'not-found'; providerCode: string | null; message: string | null };

export type FoundAccount = Extract<AccountReadBack, { kind: 'found' }>;

export interface AccountReaderSettings {
  provider: string;
  transport: HttpTransport;
  authorizer: () => Authorize;
  translateError: (response: HttpErrorResponse) => ClosureError;
}

export type AccountReader = (
  accountNumber: string,
  options?: CallOptions,
) => Promise<Result<AccountReadBack, ClosureError>>;

/** Reads one account's status by account number; a safe GET, retried by the transport. */
export function createAccountReader(settings: AccountReaderSettings): AccountReader {
  const { provider, transport } = settings;
  return async (accountNumber, options) => {
    const answer = await transport.send(
      {
        operation: 'readAccount',
        method: 'GET',
        path: ACCOUNT_SEARCH_PATH,
        query: { accountNumber, PageNumber: 1, PageSize: PAGE_SIZE },
        responseSchema: accountSearchResponseSchema,
        retryMode: 'safe',
        authorize: settings.authorizer(),
        translateError: settings.translateError,
        interpret: (data, response) => {
          if (data.status === false) {
            if (data.statusCode !== null && NOT_FOUND_CODES.has(data.statusCode)) return ok(data);
            return err(
              translateUdara360StatusCode({
                provider,
                operation: 'readAccount',
                statusCode: data.statusCode,
                message: data.message === null ? null : transport.redactor.text(data.message),
                httpStatus: response.status,
              }),
            );
          }
          if (data.records === null) {
            return err(
              new ClosureError({
                code: 'INVALID_RESPONSE',
                provider,
                message: 'readAccount: the answer carries no account list or record',
                httpStatus: response.status,
              }),
            );
          }
          return ok(data);
        },
      },
      options,
    );
    return answer.map(({ data }): AccountReadBack => {
      if (data.status === false || data.records === null) {
        return { kind: 'not-found', providerCode: data.statusCode, message: data.message };
      }
      // A search may match more than the exact number: only an exact match counts. A record
      // without accountNumber is accepted only when it is the single answer.
      const exact = data.records.find(
        (record) => String(record.accountNumber ?? '').trim() === accountNumber,
      );
      const only =
        data.records.length === 1 && data.records[0]?.accountNumber == null ? data.records[0] : undefined;
      const record = exact ?? only;
      if (!record) return { kind: 'not-found', providerCode: data.statusCode, message: data.message };
      return { kind: 'found', accountNumber, status: mapUdara360ClosureState(record.accountStatus), record };
    });
  };
}

/** A read that cannot tell (a status outside the documented 1-7) is an error, never "not closed". */
export function unreadableStatus(provider: string, account: FoundAccount): ClosureError {
  return new ClosureError({
    code: 'INVALID_RESPONSE',
    provider,
    message: `readAccount: accountStatus ${JSON.stringify(account.status.raw)} is not one of the documented values 1-7`,
    details: { accountStatus: account.status.raw },
  });
}

/** A well-formed "no such account": closeAccount refuses to send, getClosure finds no closure. */
function missingAccount(
  provider: string,
  operation: 'closeAccount' | 'getClosure',
  accountNumber: string,
  providerCode: string | null,
): ClosureError {
  return operation === 'closeAccount'
    ? new ClosureError({
        code: 'ACCOUNT_NOT_FOUND',
        provider,
        message: `closeAccount: Udara360 has no account ${accountNumber}; nothing was sent`,
        providerCode,
      })
    : new ClosureError({
        code: 'CLOSURE_NOT_FOUND',
        provider,
        message: `getClosure: Udara360 has no account ${accountNumber}`,
        providerCode,
        details: { accountFound: false },
      });
}

/**
 * Reads an account whose status must be known, before a close and for getClosure: a missing
 * account or an unreadable status is an error, never "not closed".
 */
export async function readKnownAccount(
  readAccount: AccountReader,
  provider: string,
  request: { operation: 'closeAccount' | 'getClosure'; accountNumber: string },
  options: CallOptions | undefined,
): Promise<Result<FoundAccount, ClosureError>> {
  const read = await readAccount(request.accountNumber, options);
  if (read.isErr()) return err(read.error);
  const account = read.value;
  if (account.kind === 'not-found') {
    return err(missingAccount(provider, request.operation, request.accountNumber, account.providerCode));
  }
  if (account.status.kind === 'unknown') return err(unreadableStatus(provider, account));
  return ok(account);
}

/** What one close sent so far: the read-back quotes it so the caller can find the postings. */
export interface SentClose {
  accountNumber: string;
  reason: ClosureReasonSent & { raw: string };
  /** Every closeaccount request of this call, in order (fresh references each). */
  postings: Udara360PostingReferences[];
}

/** Failures that could hide an applied closure: a duplicate, a general error, an unreadable 2xx. */
export function needsConfirmation(error: ClosureError): boolean {
  const details = error.details as { disposition?: unknown } | null;
  return (
    error.code === 'DUPLICATE_REQUEST' ||
    details?.disposition === 'confirm' ||
    (error.code === 'INVALID_RESPONSE' &&
      error.httpStatus !== null &&
      error.httpStatus >= 200 &&
      error.httpStatus < 300)
  );
}

export interface Udara360ReadBack {
  /**
   * For the transport after an unknown outcome (timeout, lost answer, 5xx, 29/90/96): Closed ->
   * applied (the closure); open or a well-formed "no such account" -> not applied, so a resend
   * (with fresh references) is safe; anything else -> the transport answers OUTCOME_UNKNOWN (§7.3).
   */
  reconcile(sent: SentClose, options?: CallOptions): Promise<Result<ReconcileOutcome<Closure>, ClosureError>>;
  /**
   * After a failure that could hide an applied closure (needsConfirmation): one read; Closed ->
   * the closure, open -> the original error, no read -> OUTCOME_UNKNOWN. Never a resend.
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
