import { type CallOptions, ClosureError, type HttpErrorResponse, type HttpTransport } from '@closekit/core';
import { err, ok, type Result } from 'neverthrow';
import { type MappedAccountStatus, mapUdara360AccountStatus } from './map-udara360-account-status';
import { accountSearchResponseSchema, type Udara360AccountRecord } from './udara360-api';
import type { AuthorizeFunction } from './udara360-auth';
import { translateUdara360StatusCode } from './udara360-error';

/**
 * The account read used for getClosure and every read-back. The docs show
 * `PUT /api/account/v1/api/account/v1/SearchAccount` (path doubled); public client code uses
 * `GET /api/account/v1/SearchAccount` with PageNumber/PageSize ([SEARCH], [code O3C], §4, §9).
 * The code-verified GET is used.
 */
export const ACCOUNT_SEARCH_PATH = '/api/account/v1/SearchAccount';
const PAGE_SIZE = 10;

export type AccountReadBack =
  | {
      kind: 'found';
      accountNumber: string;
      status: MappedAccountStatus;
      /** As Udara360 sent it: redacted where a closure exposes it (closureFromAccount), not before. */
      record: Udara360AccountRecord;
    }
  /** A well-formed answer saying the account does not exist (empty list, or status code 25/52). */
  | { kind: 'not-found'; providerCode: string | null; message: string | null };

// "No Record Found" and "No Check Account" (§5b).
const NOT_FOUND_CODES = new Set(['25', '52']);

export interface AccountReaderSettings {
  provider: string;
  transport: HttpTransport;
  authorizer: () => AuthorizeFunction;
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
      return {
        kind: 'found',
        accountNumber,
        status: mapUdara360AccountStatus(record.accountStatus),
        record,
      };
    });
  };
}
