import { randomUUID } from 'node:crypto';
import { type CallOptions, type Closure, type ClosureAdapter, ClosureError } from '@closekit/core';
import {
  closureRefSchema,
  createHttpTransport,
  listClosuresQuerySchema,
  parseCloseRequest,
  type ReconcileOutcome,
  validateInput,
} from '@closekit/core/adapter';
import { err, ok, type Result, ResultAsync } from 'neverthrow';
import {
  convertToUdara360CloseRequest,
  createUdara360PostingReferences,
  type Udara360PostingReferences,
} from './convert-to-udara360-close-request';
import {
  type ClosureReasonSent,
  closureFromAccount,
  closureFromPosting,
} from './convert-udara360-to-closure';
import { createUdara360ReasonMap } from './map-udara360-closure-reason';
import {
  accountIssues,
  CLOSE_ACCOUNT_PATH,
  closeIssues,
  postingResponseSchema,
  refIssues,
  type Udara360PostingResponse,
} from './udara360-api';
import { createUdara360Auth } from './udara360-auth';
import { postingSuccess, translateUdara360HttpError } from './udara360-error';
import { checkUdara360Balances } from './udara360-preflight';
import {
  createAccountReader,
  createUdara360ReadBack,
  needsConfirmation,
  readKnownAccount,
  type SentClose,
} from './udara360-read-back';
import {
  resolveUdara360Settings,
  UDARA360_PROVIDER,
  type Udara360AdapterSettings,
} from './udara360-settings';
import { parseUdara360Webhook } from './udara360-webhook';

/** What a closeaccount call ends with: the posting answer, or the closure a read-back found. */
type CloseOutcome = { posting: Udara360PostingResponse } | { readBack: Closure };
const closeOutcomeSchema = postingResponseSchema.transform((posting): CloseOutcome => ({ posting }));

/**
 * Creates the Udara360 adapter. Throws one ClosureError listing every invalid setting. Missing
 * credentials are not a settings error: every operation that needs them fails with
 * AUTHENTICATION_FAILED before any request.
 */
export function createUdara360Adapter(
  input: Udara360AdapterSettings = {},
): ClosureAdapter<typeof UDARA360_PROVIDER> {
  const settings = resolveUdara360Settings(input);
  const provider = UDARA360_PROVIDER;
  const reasons = createUdara360ReasonMap(provider, settings.reasonMap);
  let tokens: () => string[] = () => [];
  const transport = createHttpTransport(settings, {
    provider,
    defaultBaseUrl: settings.baseUrl,
    secrets: () => [settings.clientSecret, ...tokens()],
  });
  const translateError = translateUdara360HttpError.bind(null, provider);
  const auth = createUdara360Auth({ ...settings, provider, transport, translateError });
  tokens = auth.tokens;
  const reader = { provider, transport, authorizer: auth.authorizer, translateError };
  const readAccount = createAccountReader(reader);
  const readBack = createUdara360ReadBack({ provider, readAccount, redactor: transport.redactor });
  const readKnown = (
    operation: 'closeAccount' | 'getClosure',
    accountNumber: string,
    options?: CallOptions,
  ) => readKnownAccount(readAccount, provider, { operation, accountNumber }, options);
  const oneAtATime = createAccountQueue();

  /** §2: the posting, once. Unknown outcomes are read back by the transport before any resend. */
  async function sendClose(sent: SentClose, idempotencyKey: string, options?: CallOptions) {
    const { accountNumber, reason } = sent;
    const wire = (references: Udara360PostingReferences) =>
      convertToUdara360CloseRequest({ accountNumber, closureReason: reason.raw, references });
    const result = await transport.send(
      {
        operation: 'closeAccount',
        method: 'POST',
        path: CLOSE_ACCOUNT_PATH,
        json: {},
        // Fresh references on every request (convert-to-udara360-close-request.ts says why): the
        // header is made per attempt, and the body carries the same attempt's instrumentNumber.
        perAttemptHeaders: () => {
          const references = createUdara360PostingReferences(idempotencyKey);
          sent.postings.push(references);
          return wire(references).headers;
        },
        prepare: (request) => {
          const references = sent.postings.at(-1);
          return references ? { ...request, body: JSON.stringify(wire(references).body) } : request;
        },
        responseSchema: closeOutcomeSchema,
        // §7.3: never resend without a read-back that showed the close was not applied.
        retryMode: 'reconcile',
        reconcile: async () =>
          (await readBack.reconcile(sent, options)).map(
            (outcome): ReconcileOutcome<CloseOutcome> =>
              outcome.applied ? { applied: true, value: { readBack: outcome.value } } : outcome,
          ),
        idempotencyKey,
        authorize: auth.authorizer(),
        translateError,
        // Success is status === true AND data.statusCode === "00", even on HTTP 200 (§2).
        interpret: (outcome, response) =>
          'posting' in outcome
            ? postingSuccess(outcome.posting, response.status, provider, transport.redactor).map(
                () => outcome,
              )
            : ok(outcome),
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
   * §7.1: the status read always runs (Closed -> created: false, nothing sent; it also answers a
   * repeat with the same key); the balance read runs unless `preflight: false`.
   */
  async function closeAccount(
    request: unknown,
    options?: CallOptions,
  ): Promise<Result<Closure, ClosureError>> {
    // The core schema plus Udara360's account-number rules, in one INVALID_REQUEST.
    const parsed = parseCloseRequest(request, { provider, reasons, issues: closeIssues(request) });
    if (parsed.isErr()) return err(parsed.error);
    const { request: valid, wireReason } = parsed.value;
    const { accountId: accountNumber, idempotencyKey = randomUUID() } = valid;
    const reason: ClosureReasonSent & { raw: string } = { unified: valid.reason, raw: wireReason };
    return oneAtATime(accountNumber, async () => {
      const account = await readKnown('closeAccount', accountNumber, options);
      if (account.isErr()) return err(account.error);
      if (account.value.status.kind === 'closed') {
        return ok(
          closureFromAccount({
            provider,
            account: account.value,
            created: false,
            redactor: transport.redactor,
          }),
        );
      }
      if (settings.preflight) {
        const balances = await checkUdara360Balances(reader, accountNumber, options);
        if (balances.isErr()) return err(balances.error);
      }
      return sendClose({ accountNumber, reason, postings: [] }, idempotencyKey, options);
    });
  }

  /** The closure of an account, read from its status (§4): Closed, or CLOSURE_NOT_FOUND. */
  async function getClosure(ref: unknown, options?: CallOptions): Promise<Result<Closure, ClosureError>> {
    const valid = validateInput(closureRefSchema, ref, { provider, operation: 'getClosure' }, refIssues(ref));
    if (valid.isErr()) return err(valid.error);
    // closureId is the account number (convert-udara360-to-closure.ts): either names the account.
    const accountNumber = valid.value.closureId ?? (valid.value.accountId as string);
    const account = await readKnown('getClosure', accountNumber, options);
    if (account.isErr()) return err(account.error);
    const { status } = account.value;
    if (status.kind === 'open') {
      return err(
        new ClosureError({
          code: 'CLOSURE_NOT_FOUND',
          provider,
          message: `getClosure: account ${accountNumber} is not closed (accountStatus ${status.raw}, ${status.label})`,
          details: { accountFound: true, accountStatus: status.raw, label: status.label },
        }),
      );
    }
    return ok(
      closureFromAccount({ provider, account: account.value, created: null, redactor: transport.redactor }),
    );
  }

  /** SearchAccount needs an account number (§4): there is no honest way to list closures. */
  async function listClosures(query: unknown): Promise<Result<never, ClosureError>> {
    const valid = validateInput(
      listClosuresQuerySchema,
      query,
      { provider, operation: 'listClosures' },
      accountIssues(query),
    );
    if (valid.isErr()) return err(valid.error);
    return err(
      new ClosureError({
        code: 'OPERATION_NOT_SUPPORTED',
        provider,
        message:
          'listClosures: Udara360 can only read one account at a time; use getClosure({ accountId }) per account',
      }),
    );
  }

  return {
    provider,
    capabilities: {
      getClosure: true,
      listClosures: false,
      webhooks: false,
      asyncClosure: false,
      reasons: reasons.supported,
    },
    closeAccount: (request, options) => new ResultAsync(closeAccount(request, options)),
    getClosure: (ref, options) => new ResultAsync(getClosure(ref, options)),
    listClosures: (query) => new ResultAsync(listClosures(query)),
    parseWebhook: () => parseUdara360Webhook(provider),
  };
}

/**
 * Closes of one account run one after another within this adapter: two concurrent calls could
 * otherwise both read "open" and both send. The second then finds it Closed (created: false).
 */
function createAccountQueue() {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(accountNumber: string, run: () => Promise<T>): Promise<T> => {
    const current = (tails.get(accountNumber) ?? Promise.resolve()).then(run, run);
    tails.set(accountNumber, current);
    try {
      return await current;
    } finally {
      if (tails.get(accountNumber) === current) tails.delete(accountNumber);
    }
  };
}
