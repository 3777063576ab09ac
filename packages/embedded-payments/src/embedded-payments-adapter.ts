import { randomUUID } from 'node:crypto';
import {
  type CallOptions,
  CLOSURE_REASONS,
  type Closure,
  type ClosureAdapter,
  type ClosureBlocker,
  ClosureError,
  type ClosureErrorOptions,
  type CommonAdapterSettings,
  closeAccountRequestSchema,
  closureRefSchema,
  commonAdapterSettingsSchema,
  createClosure,
  createHttpTransport,
  listClosuresQuerySchema,
  type OutgoingRequest,
  parseSettingsOrThrow,
  validateInput,
} from '@closekit/core';
import { err, errAsync, ok, type Result, ResultAsync } from 'neverthrow';
import { z } from 'zod';
import { convertToEmbeddedPaymentsCloseRequest } from './convert-to-embedded-payments-close-request';
import {
  accountPath,
  balancesPath,
  EMBEDDED_PAYMENTS_BASE_URLS,
  EMBEDDED_PAYMENTS_PROVIDER,
  type EmbeddedPaymentsApiVersion,
  MAX_ACCOUNT_ID_LENGTH,
  MAX_CLOSURE_REASON_LENGTH,
  type WireAccount,
  type WireCloseResponse,
  wireAccountSchema,
  wireBalancesSchema,
  wireCloseResponseSchema,
} from './embedded-payments-api';
import { translateEmbeddedPaymentsError } from './embedded-payments-error';
import { decideFromAccount, decideFromBalances } from './embedded-payments-preflight';
import {
  type EmbeddedPaymentsReader,
  existingClosure,
  readBackAfterRefusal,
  reconcileClose,
} from './embedded-payments-read-back';
import {
  type EmbeddedPaymentsWebhookVerifier,
  parseEmbeddedPaymentsWebhook,
} from './embedded-payments-webhook';
import { mapEmbeddedPaymentsAccountToClosure } from './map-embedded-payments-account-to-closure';
import {
  createEmbeddedPaymentsReasonMap,
  mapEmbeddedPaymentsClosureReason,
} from './map-embedded-payments-closure-reason';
import { mapEmbeddedPaymentsClosureState } from './map-embedded-payments-closure-state';

const provider = EMBEDDED_PAYMENTS_PROVIDER;

export interface EmbeddedPaymentsAdapterSettings extends CommonAdapterSettings {
  /**
   * Accounts API generation: 'v1' closes with `POST /accounts/{id}` (the guide's call, default),
   * 'v2' (beta) with `PATCH /accounts/{id}`. `baseUrl` must point at the same generation.
   */
  apiVersion?: EmbeddedPaymentsApiVersion;
  /** Read the account and its balances before closing and refuse locally; default true. */
  preflight?: boolean;
  /**
   * Last step before the close request is sent (J.P. Morgan's optional Digital Signature on
   * POST bodies): return the request to send, e.g. with a signed body and its headers.
   */
  signRequest?: (request: OutgoingRequest) => OutgoingRequest | Promise<OutgoingRequest>;
  /** Accepted notification credentials: bearer tokens or custom header values (rotation: several). */
  webhookCredentials?: string[];
  /** Header carrying the credential; default 'authorization' (`Bearer <token>`); other headers are compared raw. */
  webhookCredentialHeader?: string;
  /** Verifies the signed (OAuth) notification format; without it signed notifications are refused. */
  webhookSignatureVerifier?: EmbeddedPaymentsWebhookVerifier;
}

const functionSetting = <T>(message: string) => z.custom<T>((value) => typeof value === 'function', message);

const settingsSchema = commonAdapterSettingsSchema
  .extend({
    reasonMap: z
      .partialRecord(
        z.enum(CLOSURE_REASONS),
        z
          .string()
          .min(1)
          .max(
            MAX_CLOSURE_REASON_LENGTH,
            `must be at most ${MAX_CLOSURE_REASON_LENGTH} characters (v2 closureReason limit)`,
          )
          .nullable(),
      )
      .optional(),
    apiVersion: z.enum(['v1', 'v2']).optional(),
    preflight: z.boolean().optional(),
    signRequest: functionSetting<NonNullable<EmbeddedPaymentsAdapterSettings['signRequest']>>(
      'must be a function (request) => request',
    ).optional(),
    webhookCredentials: z
      .array(z.string().min(16, 'must be at least 16 characters (a guessable credential protects nothing)'))
      .optional(),
    webhookCredentialHeader: z
      .string()
      .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name')
      .optional(),
    webhookSignatureVerifier: functionSetting<EmbeddedPaymentsWebhookVerifier>(
      'must be a function (input) => boolean',
    ).optional(),
  })
  .strict();

/**
 * The adapter for J.P. Morgan Embedded Payments. Mutual TLS is the only authentication: give it a
 * `fetch` that carries your client certificate (docs/providers/embedded-payments.md shows how).
 */
export function createEmbeddedPaymentsAdapter(input: EmbeddedPaymentsAdapterSettings = {}): ClosureAdapter {
  const settings = parseSettingsOrThrow(settingsSchema, input, provider);
  const apiVersion = settings.apiVersion ?? 'v1';
  const preflightEnabled = settings.preflight ?? true;
  const webhookCredentials = [...(settings.webhookCredentials ?? [])];
  const reasons = createEmbeddedPaymentsReasonMap(settings.reasonMap);
  const transport = createHttpTransport({
    provider,
    baseUrl: settings.baseUrl ?? EMBEDDED_PAYMENTS_BASE_URLS[apiVersion].sandbox,
    fetch: settings.fetch,
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    backoff: settings.backoff,
    maxResponseBytes: settings.maxResponseBytes,
    hooks: settings.hooks,
    // The API needs no secret (mTLS lives in the injected fetch); notification credentials must never show.
    secrets: () => webhookCredentials,
    // J.P. Morgan's trace id first; `request-id` is only our own id echoed back.
    requestIdHeaders: ['x-jpmc-traceid', 'traceid', 'x-request-id', 'request-id'],
  });
  const redactor = transport.redactor;

  // v2 wants a new request-id on every request, retries included (provider notes §1): a correlation
  // id, never an idempotency key. v1 declares no headers on close; sending it there is harmless.
  const perAttemptHeaders = () => ({ 'request-id': randomUUID() });

  const fail = (code: ClosureError['code'], message: string, extra: Partial<ClosureErrorOptions> = {}) =>
    new ClosureError({ code, provider, message, ...extra });

  const checkAccountId = (accountId: string, operation: string): Result<string, ClosureError> =>
    accountId.length <= MAX_ACCOUNT_ID_LENGTH
      ? ok(accountId)
      : err(
          fail(
            'INVALID_REQUEST',
            `${operation}: invalid input: accountId must be at most ${MAX_ACCOUNT_ID_LENGTH} characters`,
            {
              details: {
                issues: [
                  { path: 'accountId', message: `must be at most ${MAX_ACCOUNT_ID_LENGTH} characters` },
                ],
              },
            },
          ),
        );

  const readResource = async <T>(
    operation: string,
    path: string,
    responseSchema: z.ZodType<T>,
    options?: CallOptions,
  ): Promise<Result<T, ClosureError>> => {
    const answer = await transport.send(
      {
        operation,
        method: 'GET',
        path,
        responseSchema,
        retryMode: 'safe',
        perAttemptHeaders,
        translateError: translateEmbeddedPaymentsError,
      },
      options,
    );
    return answer.map(({ data }) => data);
  };

  const readAccount = (accountId: string, operation: string, options?: CallOptions) =>
    readResource(operation, accountPath(accountId), wireAccountSchema, options);
  const readBalances = (accountId: string, operation: string, options?: CallOptions) =>
    readResource(operation, balancesPath(accountId), wireBalancesSchema, options);

  const accountClosure = (
    account: WireAccount,
    extra: { created?: boolean | null; blockers?: ClosureBlocker[] } = {},
  ): Closure | null =>
    mapEmbeddedPaymentsAccountToClosure(
      {
        id: account.id,
        state: account.state,
        closureReason: account.closureReason ?? null,
        updatedAt: account.updatedAt ?? null,
      },
      { reasons, redactor, raw: account, ...extra },
    );

  const reader: EmbeddedPaymentsReader = { readAccount, readBalances, toClosure: accountClosure };

  const closeResponseClosure = (
    wire: WireCloseResponse,
    accountId: string,
    sentReason: string,
    blockers: ClosureBlocker[],
  ): Closure => {
    const rawState = wire.state ?? 'PENDING_CLOSE';
    const rawReason = wire.closureReason ?? sentReason;
    // A 202 means the close was accepted: an unexpected state is still a requested closure.
    const state = mapEmbeddedPaymentsClosureState(rawState, null) ?? {
      unified: 'REQUESTED' as const,
      raw: rawState,
    };
    return createClosure({
      provider,
      // The account id we closed, not the 202 body's `id`: one handle on every path, the one
      // getClosure reads (DESIGN "One handle"); the body stays in `raw`.
      closureId: accountId,
      accountId,
      state,
      reason: mapEmbeddedPaymentsClosureReason(reasons, rawReason),
      initiatedBy: 'partner',
      created: true,
      blockers,
      raw: redactor.value(wire),
    });
  };

  const sendClose = async (
    accountId: string,
    wireReason: string,
    context: { wasOpen: boolean; idempotencyKey: string; pendingCredits: ClosureBlocker[] },
    options?: CallOptions,
  ): Promise<Result<Closure, ClosureError>> => {
    const { method, body } = convertToEmbeddedPaymentsCloseRequest(apiVersion, wireReason);
    const sent = await transport.send(
      {
        operation: 'closeAccount',
        method,
        path: accountPath(accountId),
        json: body,
        responseSchema: closeOutcomeSchema,
        // No idempotency header exists on Accounts (provider notes §7): read back before any resend.
        retryMode: 'reconcile',
        reconcile: () =>
          new ResultAsync(
            reconcileClose(reader, accountId, (closure): CloseOutcome => ({ readBack: closure }), options),
          ),
        // EP takes no idempotency header: the key (the caller's, else one per call) labels hook events.
        idempotencyKey: context.idempotencyKey,
        perAttemptHeaders,
        translateError: translateEmbeddedPaymentsError,
        prepare: settings.signRequest,
      },
      options,
    );
    if (sent.isOk()) {
      const { data } = sent.value;
      return ok(
        'accepted' in data
          ? closeResponseClosure(data.accepted, accountId, wireReason, context.pendingCredits)
          : data.readBack,
      );
    }
    return isRefusal(sent.error)
      ? readBackAfterRefusal(reader, sent.error, accountId, context.wasOpen, options)
      : err(sent.error);
  };

  const preflightThenClose = async (
    accountId: string,
    wireReason: string,
    idempotencyKey: string,
    options?: CallOptions,
  ): Promise<Result<Closure, ClosureError>> => {
    const operation = 'closeAccount (pre-flight)';
    const read = await readAccount(accountId, operation, options);
    if (read.isErr()) return err(read.error);
    const account = read.value;
    const decision = decideFromAccount(account);
    if (decision.kind === 'refuse') {
      return err(
        fail(decision.code, `closeAccount refused before sending: ${decision.message}`, {
          closure: accountClosure(account, { created: false }),
          details: { preflight: true, category: account.category, state: account.state },
        }),
      );
    }
    if (decision.kind === 'existing') {
      // PENDING_CLOSE or CLOSED: the closure exists; sending again would only re-apply restrictions.
      const existing = await existingClosure(reader, account, false, operation, options);
      if (existing.isErr()) return err(existing.error);
      const { closure } = existing.value;
      return closure ? ok(closure) : err(fail('INVALID_RESPONSE', `account ${accountId} has no closure`));
    }
    const balances = await readBalances(accountId, operation, options);
    if (balances.isErr()) return err(balances.error);
    const verdict = decideFromBalances(balances.value);
    if (verdict.kind === 'refuse') {
      return err(
        fail(
          'NON_ZERO_BALANCE',
          `closeAccount refused before sending: account ${accountId} has a non-zero balance; closing it now would move it to PENDING_CLOSE with restrictions and answer 400`,
          { details: { preflight: true, blockers: verdict.blockers, balances: balances.value } },
        ),
      );
    }
    return sendClose(
      accountId,
      wireReason,
      { wasOpen: true, idempotencyKey, pendingCredits: verdict.pendingCredits },
      options,
    );
  };

  const closeAccount = async (
    request: unknown,
    options?: CallOptions,
  ): Promise<Result<Closure, ClosureError>> => {
    const valid = validateInput(closeAccountRequestSchema, request, { provider, operation: 'closeAccount' });
    if (valid.isErr()) return err(valid.error);
    const wireReason = reasons.toProvider(valid.value.reason);
    if (wireReason.isErr()) return err(wireReason.error);
    const accountId = checkAccountId(valid.value.accountId, 'closeAccount');
    if (accountId.isErr()) return err(accountId.error);
    const idempotencyKey = valid.value.idempotencyKey ?? randomUUID();
    return preflightEnabled
      ? preflightThenClose(accountId.value, wireReason.value, idempotencyKey, options)
      : sendClose(
          accountId.value,
          wireReason.value,
          { wasOpen: false, idempotencyKey, pendingCredits: [] },
          options,
        );
  };

  const getClosure = async (ref: unknown, options?: CallOptions): Promise<Result<Closure, ClosureError>> => {
    const valid = validateInput(closureRefSchema, ref, { provider, operation: 'getClosure' });
    if (valid.isErr()) return err(valid.error);
    const { closureId, accountId: givenAccountId } = valid.value;
    // closureId is the account id (EP has no closure resource).
    if (closureId && givenAccountId && closureId !== givenAccountId) {
      return err(
        fail(
          'INVALID_REQUEST',
          'getClosure: closureId and accountId differ; at Embedded Payments they are the same id',
        ),
      );
    }
    const accountId = checkAccountId((givenAccountId ?? closureId) as string, 'getClosure');
    if (accountId.isErr()) return err(accountId.error);
    const read = await readAccount(accountId.value, 'getClosure', options);
    if (read.isErr()) return err(read.error);
    const account = read.value;
    const closure = accountClosure(account);
    if (closure) return ok(closure);
    return err(
      fail('CLOSURE_NOT_FOUND', `account ${account.id} is ${account.state}: no closure was requested`, {
        details: { state: account.state },
      }),
    );
  };

  const adapter: ClosureAdapter = {
    provider,
    capabilities: {
      getClosure: true,
      // No listing filterable by state exists: GET /accounts needs a clientId and returns every account.
      listClosures: false,
      webhooks: true,
      asyncClosure: true,
      reasons: reasons.supported,
    },

    closeAccount(request, options) {
      return new ResultAsync(closeAccount(request, options));
    },

    getClosure(ref, options) {
      return new ResultAsync(getClosure(ref, options));
    },

    listClosures(query) {
      return validateInput(listClosuresQuerySchema, query, {
        provider,
        operation: 'listClosures',
      }).asyncAndThen(() =>
        errAsync(
          fail(
            'OPERATION_NOT_SUPPORTED',
            'listClosures: Embedded Payments cannot list closures (GET /accounts has no state filter and needs a clientId); use getClosure({ accountId }) per account',
          ),
        ),
      );
    },

    parseWebhook(webhookInput) {
      return parseEmbeddedPaymentsWebhook(
        {
          credentials: webhookCredentials,
          credentialHeader: settings.webhookCredentialHeader ?? 'authorization',
          verifier: settings.webhookSignatureVerifier ?? null,
          reasons,
          redactor,
        },
        webhookInput,
      );
    },
  };
  return adapter;
}

/**
 * A 4xx answer to the close that may still have changed the account (any 400 included): read back
 * before answering. 401, 403, 404, 408 and 429 are refused before anything happens.
 */
function isRefusal(error: ClosureError): boolean {
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
 * What a close call ends with: the 202 body, or the closure a read-back found after an unknown
 * outcome. One schema for every call: the closure is built from the body afterwards.
 */
type CloseOutcome = { accepted: WireCloseResponse } | { readBack: Closure };
const closeOutcomeSchema: z.ZodType<CloseOutcome> = wireCloseResponseSchema.transform((accepted) => ({
  accepted,
}));
