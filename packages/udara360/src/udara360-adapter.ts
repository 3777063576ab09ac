import { randomUUID } from 'node:crypto';
import {
  type CallOptions,
  type Closure,
  type ClosureAdapter,
  ClosureError,
  createHttpTransport,
  type HttpErrorResponse,
  parseSettingsOrThrow,
  type ReconcileOutcome,
  settingOrEnv,
} from '@closekit/core';
import { err, errAsync, ok, okAsync, type Result, ResultAsync } from 'neverthrow';
import type { z } from 'zod';
import { convertToUdara360CloseRequest } from './convert-to-udara360-close-request';
import { createUdara360ReasonMap } from './map-udara360-closure-reason';
import { type AccountReadBack, createAccountReader } from './udara360-account-lookup';
import { normalizeStatusCode, postingResponseSchema, type Udara360PostingResponse } from './udara360-api';
import { createUdara360Auth } from './udara360-auth';
import { type ClosureReasonSent, closureFromAccount, closureFromPosting } from './udara360-closure';
import { translateUdara360HttpError, translateUdara360StatusCode } from './udara360-error';
import {
  UDARA360_CLIENT_ID_ENV,
  UDARA360_CLIENT_SECRET_ENV,
  UDARA360_PROVIDER,
  UDARA360_TEST_BASE_URL,
  type Udara360AdapterSettings,
  udara360SettingsSchema,
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
  const settings = parseSettingsOrThrow(udara360SettingsSchema, input, UDARA360_PROVIDER);
  const provider = UDARA360_PROVIDER;
  const clientId = settingOrEnv(settings.clientId, UDARA360_CLIENT_ID_ENV);
  const clientSecret = settingOrEnv(settings.clientSecret, UDARA360_CLIENT_SECRET_ENV);
  const reasons = createUdara360ReasonMap(provider, settings.reasonMap);

  let tokens: () => string[] = () => [];
  const transport = createHttpTransport({
    provider,
    baseUrl: settings.baseUrl ?? UDARA360_TEST_BASE_URL,
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
  const readAccount = createAccountReader({
    provider,
    transport,
    authorizer: auth.authorizer,
    translateError,
  });

  /** A read-back that cannot tell (unknown status) is an error, never "not closed". */
  const unreadableStatus = (account: Extract<AccountReadBack, { kind: 'found' }>) =>
    new ClosureError({
      code: 'INVALID_RESPONSE',
      provider,
      message: `readAccount: accountStatus ${JSON.stringify(account.status.raw)} is not one of the documented values 1-7`,
      details: { accountStatus: account.status.raw },
    });

  const outcomeUnknown = (original: ClosureError, cause: ClosureError) =>
    new ClosureError({
      code: 'OUTCOME_UNKNOWN',
      provider,
      message: `closeAccount may or may not have been applied (${original.code}) and reading the account back could not tell; reconcile with getClosure before trying again`,
      retryable: false,
      httpStatus: original.httpStatus,
      providerCode: original.providerCode,
      requestId: original.requestId,
      details: { original: original.toJSON(), readBack: cause.toJSON() },
      cause,
    });

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
    accountNumber: string,
    reason: ClosureReasonSent & { raw: string },
    idempotencyKey: string,
    options: CallOptions | undefined,
  ): Promise<Result<Closure, ClosureError>> {
    const wire = convertToUdara360CloseRequest({ accountNumber, closureReason: reason.raw, idempotencyKey });
    const { instrumentNumber } = wire.material;
    const closedByReadBack = (account: Extract<AccountReadBack, { kind: 'found' }>) =>
      closureFromAccount({
        provider,
        account,
        closureId: instrumentNumber,
        reason,
        created: null,
        redactor: transport.redactor,
      });

    // §7.4: after an unknown outcome, Closed -> success without a replay; verifiably open (or a
    // well-formed "no such account") -> the transport may replay the same request; anything
    // else -> the transport answers OUTCOME_UNKNOWN.
    const reconcile = (): ResultAsync<ReconcileOutcome<CloseOutcome>, ClosureError> =>
      new ResultAsync(readAccount(accountNumber, options)).andThen((readBack) => {
        if (readBack.kind === 'not-found' || readBack.status.kind === 'open')
          return ok({ applied: false as const });
        if (readBack.status.kind === 'unknown') return err(unreadableStatus(readBack));
        return ok({ applied: true as const, value: { readBack: closedByReadBack(readBack) } });
      });

    // A failure that may hide an applied closure is confirmed by one read, never replayed.
    const confirm = async (error: ClosureError): Promise<Result<Closure, ClosureError>> => {
      const read = await readAccount(accountNumber, options);
      if (read.isErr()) return err(outcomeUnknown(error, read.error));
      const readBack = read.value;
      if (readBack.kind === 'not-found' || readBack.status.kind === 'open') return err(error);
      if (readBack.status.kind === 'unknown') return err(outcomeUnknown(error, unreadableStatus(readBack)));
      return ok(closedByReadBack(readBack));
    };

    const sent = await transport.send(
      {
        operation: 'closeAccount',
        method: 'POST',
        path: CLOSE_ACCOUNT_PATH,
        headers: wire.headers,
        json: wire.body,
        responseSchema: closeOutcomeSchema,
        retryMode: 'reconcile',
        reconcile,
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
    if (sent.isErr()) return needsConfirmation(sent.error) ? confirm(sent.error) : err(sent.error);
    const { data } = sent.value;
    if (!('posting' in data)) return ok(data.readBack);
    return ok(
      closureFromPosting({
        provider,
        accountNumber,
        posting: data.posting,
        instrumentNumber,
        reason,
        redactor: transport.redactor,
      }),
    );
  }

  // One native async function rather than a chain of ResultAsync steps: this is the hot path
  // (docs/performance.md).
  async function closeAccount(
    { accountNumber, reason, idempotencyKey }: ValidClose,
    options: CallOptions | undefined,
  ): Promise<Result<Closure, ClosureError>> {
    // §7.2 / §9: read the account first. An account already Closed is answered from the
    // read (created: false) and nothing is sent: closing twice is irreversible territory
    // whose answer Udara360 does not document, and it also answers a caller retrying after
    // OUTCOME_UNKNOWN. An unreadable status stops here: its outcome could not be confirmed.
    const read = await readAccount(accountNumber, options);
    if (read.isErr()) return err(read.error);
    const readBack = read.value;
    if (readBack.kind === 'not-found') {
      return err(
        new ClosureError({
          code: 'ACCOUNT_NOT_FOUND',
          provider,
          message: `closeAccount: Udara360 has no account ${accountNumber}; nothing was sent`,
          providerCode: readBack.providerCode,
        }),
      );
    }
    if (readBack.status.kind === 'unknown') return err(unreadableStatus(readBack));
    if (readBack.status.kind === 'closed') {
      return ok(
        closureFromAccount({ provider, account: readBack, created: false, redactor: transport.redactor }),
      );
    }
    return sendClose(accountNumber, reason, idempotencyKey, options);
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
      return valid.isOk() ? new ResultAsync(closeAccount(valid.value, options)) : errAsync(valid.error);
    },

    getClosure(ref, options) {
      try {
        return validateUdara360ClosureRef(ref, provider).asyncAndThen((valid) => {
          if (valid.accountId === undefined) {
            return errAsync(
              new ClosureError({
                code: 'OPERATION_NOT_SUPPORTED',
                provider,
                message:
                  'getClosure: Udara360 cannot look a closure up by its reference; pass the accountId (account number)',
              }),
            );
          }
          const accountNumber = valid.accountId;
          return new ResultAsync(readAccount(accountNumber, options)).andThen((readBack) => {
            if (readBack.kind === 'not-found') {
              return errAsync(
                new ClosureError({
                  code: 'CLOSURE_NOT_FOUND',
                  provider,
                  message: `getClosure: Udara360 has no account ${accountNumber}`,
                  providerCode: readBack.providerCode,
                  details: { accountFound: false },
                }),
              );
            }
            if (readBack.status.kind === 'unknown') return errAsync(unreadableStatus(readBack));
            if (readBack.status.kind === 'open') {
              return errAsync(
                new ClosureError({
                  code: 'CLOSURE_NOT_FOUND',
                  provider,
                  message: `getClosure: account ${accountNumber} is not closed (accountStatus ${readBack.status.raw}, ${readBack.status.label})`,
                  details: {
                    accountFound: true,
                    accountStatus: readBack.status.raw,
                    label: readBack.status.label,
                  },
                }),
              );
            }
            return okAsync(
              closureFromAccount({
                provider,
                account: readBack,
                created: null,
                redactor: transport.redactor,
              }),
            );
          });
        });
      } catch (cause) {
        return errAsync(unexpected('getClosure', cause));
      }
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
