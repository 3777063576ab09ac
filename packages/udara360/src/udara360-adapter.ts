import { randomUUID } from 'node:crypto';
import {
  type CallOptions,
  type Closure,
  type ClosureAdapter,
  ClosureError,
  createHttpTransport,
  type HttpErrorResponse,
  type ReconcileOutcome,
} from '@closekit/core';
import { err, errAsync, ok, type Result, ResultAsync } from 'neverthrow';
import type { z } from 'zod';
import {
  convertToUdara360CloseRequest,
  createUdara360PostingReferences,
  type Udara360PostingReferences,
} from './convert-to-udara360-close-request';
import { createUdara360ReasonMap } from './map-udara360-closure-reason';
import { createAccountReader, createBalanceReader, type Udara360Balances } from './udara360-account-lookup';
import { normalizeStatusCode, postingResponseSchema, type Udara360PostingResponse } from './udara360-api';
import { createUdara360Auth } from './udara360-auth';
import {
  type ClosureReasonSent,
  closureFromAccount,
  closureFromPosting,
} from './convert-udara360-to-closure';
import { translateUdara360HttpError, translateUdara360StatusCode } from './udara360-error';
import { createUdara360ReadBack, type SentClose, unreadableStatus } from './udara360-read-back';
import {
  resolveUdara360Settings,
  UDARA360_PROVIDER,
  type Udara360AdapterSettings,
} from './udara360-settings';
import { parseUdara360Webhook } from './udara360-webhook';
import {
  validateUdara360CloseRequest,
  validateUdara360ClosureRef,
  validateUdara360ListQuery,
} from './validate-udara360-input';

export const CLOSE_ACCOUNT_PATH = '/api/postings/v1/closeaccount';

/** A validated close request, ready to send. */
interface ValidClose {
  accountNumber: string;
  reason: ClosureReasonSent & { raw: string };
  idempotencyKey: string;
}

/**
 * What a closeaccount call ends with: the posting answer, or the closure a read-back found after
 * an unknown outcome. One schema for every call: the closure is built from the posting afterwards.
 */
type CloseOutcome = { posting: Udara360PostingResponse } | { readBack: Closure };
const closeOutcomeSchema: z.ZodType<CloseOutcome> = postingResponseSchema.transform((posting) => ({
  posting,
}));

/**
 * Creates the Udara360 adapter. Throws one ClosureError listing every invalid setting. Missing
 * credentials are not a settings error (they may come from the environment later in tests and
 * tools): every operation that needs them fails with AUTHENTICATION_FAILED before any request.
 */
export function createUdara360Adapter(input: Udara360AdapterSettings = {}): ClosureAdapter {
  const settings = resolveUdara360Settings(input);
  const provider = UDARA360_PROVIDER;
  const { clientId, clientSecret } = settings;
  const reasons = createUdara360ReasonMap(provider, settings.reasonMap);

  let tokens: () => string[] = () => [];
  const transport = createHttpTransport({
    provider,
    baseUrl: settings.baseUrl,
    fetch: settings.fetch,
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    backoff: settings.backoff,
    maxResponseBytes: settings.maxResponseBytes,
    hooks: settings.hooks,
    secrets: () => [clientSecret, ...tokens()],
  });
  const translateError = (response: HttpErrorResponse) => translateUdara360HttpError(provider, response);
  const auth = createUdara360Auth({ provider, transport, clientId, clientSecret, translateError });
  tokens = auth.tokens;
  const readerSettings = { provider, transport, authorizer: auth.authorizer, translateError };
  const readAccount = createAccountReader(readerSettings);
  const readBalance = createBalanceReader(readerSettings);
  const readBack = createUdara360ReadBack({ provider, readAccount, redactor: transport.redactor });
  const oneAtATime = createAccountQueue();

  /** Failures that could hide an applied closure: a duplicate, a general error, an unreadable 2xx. */
  const needsConfirmation = (error: ClosureError) => {
    const details = error.details as { disposition?: unknown } | null;
    return (
      error.code === 'DUPLICATE_REQUEST' ||
      details?.disposition === 'confirm' ||
      (error.code === 'INVALID_RESPONSE' &&
        error.httpStatus !== null &&
        error.httpStatus >= 200 &&
        error.httpStatus < 300)
    );
  };

  async function sendClose(
    { accountNumber, reason, idempotencyKey }: ValidClose,
    options: CallOptions | undefined,
  ): Promise<Result<Closure, ClosureError>> {
    const sent: SentClose = { accountNumber, reason, postings: [] };
    // Fresh references on every request (convert-to-udara360-close-request.ts says why): the
    // header is made per attempt, and the body takes the same attempt's instrumentNumber.
    const current = () => sent.postings[sent.postings.length - 1];
    const wire = (references: Udara360PostingReferences) =>
      convertToUdara360CloseRequest({ accountNumber, closureReason: reason.raw, references });

    const result = await transport.send(
      {
        operation: 'closeAccount',
        method: 'POST',
        path: CLOSE_ACCOUNT_PATH,
        json: {},
        perAttemptHeaders: () => {
          const references = createUdara360PostingReferences(idempotencyKey);
          sent.postings.push(references);
          return wire(references).headers;
        },
        prepare: (request) => {
          const references = current();
          return references ? { ...request, body: JSON.stringify(wire(references).body) } : request;
        },
        responseSchema: closeOutcomeSchema,
        // §7.3: never resend without a read-back that showed the close was not applied.
        retryMode: 'reconcile',
        reconcile: () =>
          new ResultAsync(
            readBack
              .reconcile(sent, options)
              .then((read) =>
                read.map(
                  (outcome): ReconcileOutcome<CloseOutcome> =>
                    outcome.applied ? { applied: true, value: { readBack: outcome.value } } : outcome,
                ),
              ),
          ),
        idempotencyKey,
        authorize: auth.authorizer(),
        translateError,
        // Success is status === true AND data.statusCode === "00", even on HTTP 200 (§2).
        interpret: (outcome, response) => {
          if (!('posting' in outcome)) return ok(outcome);
          const { posting } = outcome;
          const statusCode = posting.data?.statusCode;
          if (posting.status === true && statusCode === '00') return ok(outcome);
          return err(
            translateUdara360StatusCode({
              provider,
              operation: 'closeAccount',
              statusCode: normalizeStatusCode(statusCode),
              message: posting.message ? transport.redactor.text(posting.message) : null,
              httpStatus: response.status,
            }),
          );
        },
      },
      options,
    );
    if (result.isErr()) {
      return needsConfirmation(result.error)
        ? readBack.confirm(result.error, sent, options)
        : err(result.error);
    }
    const { data } = result.value;
    if (!('posting' in data)) return ok(data.readBack);
    return ok(
      closureFromPosting({
        provider,
        accountNumber,
        posting: data.posting,
        reason,
        redactor: transport.redactor,
      }),
    );
  }

  /**
   * §7.1 pre-flight. The status read always runs: an account already Closed is answered from it
   * (created: false) and nothing is sent, which also answers a repeated call with the same key.
   * The balance read runs unless `preflight: false`: closure is irreversible ([PORTAL]) and
   * Udara360 documents no refusal of a funded account, so a funded one is refused here.
   */
  async function closeAccount(
    close: ValidClose,
    options: CallOptions | undefined,
  ): Promise<Result<Closure, ClosureError>> {
    const { accountNumber } = close;
    const read = await readAccount(accountNumber, options);
    if (read.isErr()) return err(read.error);
    const account = read.value;
    if (account.kind === 'not-found') {
      return err(
        new ClosureError({
          code: 'ACCOUNT_NOT_FOUND',
          provider,
          message: `closeAccount: Udara360 has no account ${accountNumber}; nothing was sent`,
          providerCode: account.providerCode,
        }),
      );
    }
    if (account.status.kind === 'unknown') return err(unreadableStatus(provider, account));
    if (account.status.kind === 'closed') {
      return ok(closureFromAccount({ provider, account, created: false, redactor: transport.redactor }));
    }
    if (settings.preflight) {
      const balances = await readBalance(accountNumber, options);
      if (balances.isErr()) return err(balances.error);
      const funded = fundedBalances(balances.value);
      if (funded.length > 0) {
        return err(
          new ClosureError({
            code: 'NON_ZERO_BALANCE',
            provider,
            message: `closeAccount: account ${accountNumber} still holds funds (${funded.map(([name, value]) => `${name} ${value}`).join(', ')}, in kobo); closure is irreversible, so nothing was sent. Move the funds and release liens first, or set preflight: false if you handle balances yourself`,
            retryable: false,
            details: { balances: balances.value },
          }),
        );
      }
    }
    return sendClose(close, options);
  }

  /** The closure of an account, read from its status (§4): Closed, or CLOSURE_NOT_FOUND. */
  async function getClosure(
    accountNumber: string,
    options: CallOptions | undefined,
  ): Promise<Result<Closure, ClosureError>> {
    const read = await readAccount(accountNumber, options);
    if (read.isErr()) return err(read.error);
    const account = read.value;
    if (account.kind === 'not-found') {
      return err(
        new ClosureError({
          code: 'CLOSURE_NOT_FOUND',
          provider,
          message: `getClosure: Udara360 has no account ${accountNumber}`,
          providerCode: account.providerCode,
          details: { accountFound: false },
        }),
      );
    }
    if (account.status.kind === 'unknown') return err(unreadableStatus(provider, account));
    if (account.status.kind === 'open') {
      return err(
        new ClosureError({
          code: 'CLOSURE_NOT_FOUND',
          provider,
          message: `getClosure: account ${accountNumber} is not closed (accountStatus ${account.status.raw}, ${account.status.label})`,
          details: { accountFound: true, accountStatus: account.status.raw, label: account.status.label },
        }),
      );
    }
    return ok(closureFromAccount({ provider, account, created: null, redactor: transport.redactor }));
  }

  const adapter: ClosureAdapter = {
    provider,
    capabilities: {
      getClosure: true,
      // SearchAccount needs an account number (§4): there is no honest way to list closures.
      listClosures: false,
      webhooks: false,
      asyncClosure: false,
      reasons: reasons.supported,
    },

    closeAccount(request, options) {
      let valid: Result<ValidClose, ClosureError>;
      try {
        valid = validateUdara360CloseRequest(request, provider).andThen((input) =>
          reasons.toProvider(input.reason).map((wireReason) => ({
            accountNumber: input.accountId,
            reason: { unified: input.reason, raw: wireReason },
            idempotencyKey: input.idempotencyKey ?? randomUUID(),
          })),
        );
      } catch (cause) {
        return errAsync(unexpected('closeAccount', cause));
      }
      if (valid.isErr()) return errAsync(valid.error);
      const close = valid.value;
      return new ResultAsync(oneAtATime(close.accountNumber, () => closeAccount(close, options)));
    },

    getClosure(ref, options) {
      const valid = validateUdara360ClosureRef(ref, provider);
      if (valid.isErr()) return errAsync(valid.error);
      // closureId is the account number (convert-udara360-to-closure.ts): either names the account.
      const accountNumber = valid.value.closureId ?? valid.value.accountId;
      if (accountNumber === undefined) return errAsync(unexpected('getClosure', 'no account number'));
      return new ResultAsync(getClosure(accountNumber, options));
    },

    listClosures(query) {
      return validateUdara360ListQuery(query, provider).asyncAndThen(() =>
        errAsync(
          new ClosureError({
            code: 'OPERATION_NOT_SUPPORTED',
            provider,
            message:
              'listClosures: Udara360 can only read one account at a time; use getClosure({ accountId }) per account',
          }),
        ),
      );
    },

    parseWebhook() {
      return parseUdara360Webhook(provider);
    },
  };

  const unexpected = (operation: string, cause: unknown) =>
    new ClosureError({
      // Only the synchronous part (validation, request building) runs inside the try: nothing was sent.
      code: 'PROVIDER_ERROR',
      provider,
      message: `${operation} failed unexpectedly before sending anything`,
      retryable: false,
      cause,
    });

  return adapter;
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

/**
 * Runs closes of the same account one after another within this adapter: two concurrent calls
 * could otherwise both read "open" and both send. The second then finds the account Closed
 * and answers created: false.
 */
function createAccountQueue() {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(accountNumber: string, run: () => Promise<T>): Promise<T> => {
    const previous = tails.get(accountNumber) ?? Promise.resolve();
    const current = previous.then(run, run);
    tails.set(accountNumber, current);
    try {
      return await current;
    } finally {
      if (tails.get(accountNumber) === current) tails.delete(accountNumber);
    }
  };
}
