import { type CallOptions, ClosureError, type HttpErrorResponse, type HttpTransport } from '@closekit/core';
import { err, ok, type Result } from 'neverthrow';
import { type MappedAccountStatus, mapUdara360ClosureState } from './map-udara360-closure-state';
import {
  accountSearchResponseSchema,
  balanceResponseSchema,
  type Udara360AccountRecord,
} from './udara360-api';
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
        status: mapUdara360ClosureState(record.accountStatus),
        record,
      };
    });
  };
}

/**
 * The balance read of the pre-flight ([BAL]: `GET /api/account/v1/getbyaccountnumber?AccountNumber=`
 * returns ledgerBalance, availableBalance, withdrawableBalance and lienAmount, in kobo).
 */
export const ACCOUNT_BALANCE_PATH = '/api/account/v1/getbyaccountnumber';

/** The balances that block a close, in kobo, as numbers. */
export interface Udara360Balances {
  ledgerBalance: number;
  availableBalance: number;
  lienAmount: number;
  /** Not required by the rule, but a non-zero value blocks too when present. */
  withdrawableBalance: number | null;
}

const amount = (value: unknown): number | null => {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : null;
};

export type BalanceReader = (
  accountNumber: string,
  options?: CallOptions,
) => Promise<Result<Udara360Balances, ClosureError>>;

/**
 * Reads one account's balances. A balance that is missing or not a number is INVALID_RESPONSE:
 * the pre-flight must never take "could not read" for "zero".
 */
export function createBalanceReader(settings: AccountReaderSettings): BalanceReader {
  const { provider, transport } = settings;
  return async (accountNumber, options) => {
    const answer = await transport.send(
      {
        operation: 'readBalance',
        method: 'GET',
        path: ACCOUNT_BALANCE_PATH,
        query: { AccountNumber: accountNumber },
        responseSchema: balanceResponseSchema,
        retryMode: 'safe',
        authorize: settings.authorizer(),
        translateError: settings.translateError,
        interpret: (data, response) =>
          data.ok
            ? ok(data)
            : err(
                translateUdara360StatusCode({
                  provider,
                  operation: 'readBalance',
                  statusCode: data.statusCode,
                  message: data.message === null ? null : transport.redactor.text(data.message),
                  httpStatus: response.status,
                }),
              ),
      },
      options,
    );
    if (answer.isErr()) return err(answer.error);
    const { data } = answer.value;
    if (!data.ok)
      return err(new ClosureError({ code: 'PROVIDER_ERROR', provider, message: 'readBalance failed' }));
    const fields = data.balances;
    const ledgerBalance = amount(fields.ledgerBalance);
    const availableBalance = amount(fields.availableBalance);
    const lienAmount = amount(fields.lienAmount);
    if (ledgerBalance === null || availableBalance === null || lienAmount === null) {
      return err(
        new ClosureError({
          code: 'INVALID_RESPONSE',
          provider,
          message:
            'readBalance: the answer lacks a numeric ledgerBalance, availableBalance or lienAmount, so the pre-flight cannot confirm the account is empty; nothing was sent',
          httpStatus: answer.value.status,
          details: {
            ledgerBalance: fields.ledgerBalance ?? null,
            availableBalance: fields.availableBalance ?? null,
            lienAmount: fields.lienAmount ?? null,
          },
        }),
      );
    }
    return ok({
      ledgerBalance,
      availableBalance,
      lienAmount,
      withdrawableBalance: amount(fields.withdrawableBalance),
    });
  };
}
