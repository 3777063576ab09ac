import { type CallOptions, ClosureError } from '@closekit/core';
import { numberOrNull } from '@closekit/core/adapter';
import { err, ok, type Result } from 'neverthrow';
import { ACCOUNT_BALANCE_PATH, balanceResponseSchema } from './udara360-api';
import { translateUdara360StatusCode } from './udara360-error';
import type { AccountReaderSettings } from './udara360-read-back';

/*
 * The balance check before a close (providers/udara360.md §7.1, DESIGN "Irreversible means
 * careful"). Its own file because no other role holds it: it is neither a mapping nor a read-back,
 * like Embedded Payments' pre-flight. Closure is irreversible at Udara360 ([PORTAL]), no code says
 * "balance not zero" ([CODES]) and what happens to remaining funds or a lien is undocumented, so a
 * funded account is refused before anything is sent; `preflight: false` turns this off.
 */

/** The balances that block a close, in kobo ([PM]). */
export interface Udara360Balances {
  ledgerBalance: number;
  availableBalance: number;
  lienAmount: number;
  /** Not required, but a non-zero value blocks too when present. */
  withdrawableBalance: number | null;
}

/** Reads one account's balances ([BAL]); a missing or non-numeric balance is INVALID_RESPONSE. */
async function readBalances(
  settings: AccountReaderSettings,
  accountNumber: string,
  options: CallOptions | undefined,
): Promise<Result<Udara360Balances, ClosureError>> {
  const { provider, transport } = settings;
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
  const { data, status } = answer.value;
  if (!data.ok)
    return err(new ClosureError({ code: 'PROVIDER_ERROR', provider, message: 'readBalance failed' }));
  const fields = data.balances;
  const ledgerBalance = numberOrNull(fields.ledgerBalance);
  const availableBalance = numberOrNull(fields.availableBalance);
  const lienAmount = numberOrNull(fields.lienAmount);
  // "Could not read" is never taken for "zero".
  if (ledgerBalance === null || availableBalance === null || lienAmount === null) {
    return err(
      new ClosureError({
        code: 'INVALID_RESPONSE',
        provider,
        message:
          'readBalance: the answer lacks a numeric ledgerBalance, availableBalance or lienAmount, so the pre-flight cannot confirm the account is empty; nothing was sent',
        httpStatus: status,
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
    withdrawableBalance: numberOrNull(fields.withdrawableBalance),
  });
}

/** The balances that block a close: ledger, available, lien (and withdrawable when sent) not zero. */
function fundedBalances(balances: Udara360Balances): [string, number][] {
  const entries: [string, number | null][] = [
    ['ledgerBalance', balances.ledgerBalance],
    ['availableBalance', balances.availableBalance],
    ['withdrawableBalance', balances.withdrawableBalance],
    ['lienAmount', balances.lienAmount],
  ];
  return entries.filter((entry): entry is [string, number] => entry[1] !== null && entry[1] !== 0);
}

/** Ok when the account is empty; NON_ZERO_BALANCE (nothing sent) when it still holds funds. */
export async function checkUdara360Balances(
  settings: AccountReaderSettings,
  accountNumber: string,
  options: CallOptions | undefined,
): Promise<Result<Udara360Balances, ClosureError>> {
  const balances = await readBalances(settings, accountNumber, options);
  if (balances.isErr()) return balances;
  const funded = fundedBalances(balances.value);
  if (funded.length === 0) return balances;
  return err(
    new ClosureError({
      code: 'NON_ZERO_BALANCE',
      provider: settings.provider,
      message: `closeAccount: account ${accountNumber} still holds funds (${funded.map(([name, value]) => `${name} ${value}`).join(', ')}, in kobo); closure is irreversible, so nothing was sent. Move the funds and release liens first, or set preflight: false if you handle balances yourself`,
      retryable: false,
      details: { balances: balances.value },
    }),
  );
}
