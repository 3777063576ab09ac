import { randomUUID } from 'node:crypto';
import { type CallOptions, type Closure, type ClosureAdapter, ClosureError } from '@closekit/core';
import {
  closureRefSchema,
  createHttpTransport,
  listClosuresQuerySchema,
  parseCloseRequest,
  validateInput,
} from '@closekit/core/adapter';
import { err, ok, type Result, ResultAsync } from 'neverthrow';
import type { z } from 'zod';
import {
  convertEmbeddedPaymentsAccountToClosure,
  convertEmbeddedPaymentsCloseResponseToClosure,
} from './convert-embedded-payments-to-closure';
import { convertToEmbeddedPaymentsCloseRequest } from './convert-to-embedded-payments-close-request';
import {
  accountPath,
  balancesPath,
  MAX_ACCOUNT_ID_LENGTH,
  type WireCloseResponse,
  wireAccountSchema,
  wireBalancesSchema,
  wireCloseResponseSchema,
} from './embedded-payments-api';
import { translateEmbeddedPaymentsError } from './embedded-payments-error';
import { runPreflight } from './embedded-payments-preflight';
import {
  type EmbeddedPaymentsReader,
  mayHaveChangedAccount,
  readBackAfterRefusal,
  reconcileClose,
} from './embedded-payments-read-back';
import {
  EMBEDDED_PAYMENTS_PROVIDER,
  type EmbeddedPaymentsAdapterSettings,
  resolveEmbeddedPaymentsSettings,
} from './embedded-payments-settings';
import { parseEmbeddedPaymentsWebhook } from './embedded-payments-webhook';
import { createEmbeddedPaymentsReasonMap } from './map-embedded-payments-closure-reason';

const provider = EMBEDDED_PAYMENTS_PROVIDER;

/**
 * The adapter for J.P. Morgan Embedded Payments. Mutual TLS is the only authentication: give it a
 * `fetch` that carries your client certificate (`createMtlsFetch`, docs/providers/embedded-payments.md).
 */
export function createEmbeddedPaymentsAdapter(
  input: EmbeddedPaymentsAdapterSettings = {},
): ClosureAdapter<typeof EMBEDDED_PAYMENTS_PROVIDER> {
  const { settings, apiVersion, baseUrl, preflight } = resolveEmbeddedPaymentsSettings(input);
  const webhookCredentials = [...(settings.webhookCredentials ?? [])];
  const reasons = createEmbeddedPaymentsReasonMap(settings.reasonMap);
  const transport = createHttpTransport(settings, {
    provider,
    // The setting, else EMBEDDED_PAYMENTS_BASE_URL, else the sandbox of apiVersion.
    defaultBaseUrl: baseUrl,
    // The API needs no secret (mTLS lives in the injected fetch); notification credentials must never show.
    secrets: () => webhookCredentials,
    // J.P. Morgan's trace id first; `request-id` is only our own id echoed back.
    requestIdHeaders: ['x-jpmc-traceid', 'traceid', 'x-request-id', 'request-id'],
  });
  const redactor = transport.redactor;

  // v2 wants a new request-id on every request, retries included (provider notes §1): a correlation
  // id, never an idempotency key. v1 declares no headers on close; sending it there is harmless.
  const perAttemptHeaders = () => ({ 'request-id': randomUUID() });

  async function read<T>(operation: string, path: string, schema: z.ZodType<T>, options?: CallOptions) {
    const answer = await transport.send(
      {
        operation,
        method: 'GET',
        path,
        responseSchema: schema,
        retryMode: 'safe',
        perAttemptHeaders,
        translateError: translateEmbeddedPaymentsError,
      },
      options,
    );
    return answer.map(({ data }) => data);
  }
  const reader: EmbeddedPaymentsReader = {
    readAccount: (accountId, operation, options) =>
      read(operation, accountPath(accountId), wireAccountSchema, options),
    readBalances: (accountId, operation, options) =>
      read(operation, balancesPath(accountId), wireBalancesSchema, options),
    toClosure: (account, extra = {}) =>
      convertEmbeddedPaymentsAccountToClosure(
        {
          id: account.id,
          state: account.state,
          closureReason: account.closureReason ?? null,
          updatedAt: account.updatedAt ?? null,
        },
        { reasons, redactor, raw: account, ...extra },
      ),
  };

  async function sendClose(
    accountId: string,
    closureReason: string,
    context: { wasOpen: boolean; idempotencyKey: string; pendingCredits: Closure['blockers'] },
    options?: CallOptions,
  ): Promise<Result<Closure, ClosureError>> {
    const { method, body } = convertToEmbeddedPaymentsCloseRequest(apiVersion, closureReason);
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
    if (sent.isErr()) {
      return mayHaveChangedAccount(sent.error)
        ? readBackAfterRefusal(reader, sent.error, accountId, context.wasOpen, options)
        : err(sent.error);
    }
    const { data } = sent.value;
    if (!('accepted' in data)) return ok(data.readBack);
    return ok(
      convertEmbeddedPaymentsCloseResponseToClosure(
        data.accepted,
        { accountId, closureReason },
        { reasons, redactor, blockers: context.pendingCredits },
      ),
    );
  }

  async function closeAccount(
    request: unknown,
    options?: CallOptions,
  ): Promise<Result<Closure, ClosureError>> {
    const parsed = parseCloseRequest(request, { provider, reasons });
    if (parsed.isErr()) return err(parsed.error);
    const { request: valid, wireReason } = parsed.value;
    const accountId = checkAccountId(valid.accountId, 'closeAccount');
    if (accountId.isErr()) return err(accountId.error);
    const idempotencyKey = valid.idempotencyKey ?? randomUUID();
    if (!preflight) {
      const context = { wasOpen: false, idempotencyKey, pendingCredits: [] };
      return sendClose(accountId.value, wireReason, context, options);
    }
    const checked = await runPreflight(reader, accountId.value, options);
    if (checked.isErr()) return err(checked.error);
    if (checked.value.kind === 'existing') return ok(checked.value.closure);
    const context = { wasOpen: true, idempotencyKey, pendingCredits: checked.value.pendingCredits };
    return sendClose(accountId.value, wireReason, context, options);
  }

  async function getClosure(ref: unknown, options?: CallOptions): Promise<Result<Closure, ClosureError>> {
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
    const account = await reader.readAccount(accountId.value, 'getClosure', options);
    if (account.isErr()) return err(account.error);
    const closure = reader.toClosure(account.value);
    if (closure) return ok(closure);
    const { id, state } = account.value;
    return err(fail('CLOSURE_NOT_FOUND', `account ${id} is ${state}: no closure was requested`, { state }));
  }

  async function listClosures(query: unknown): Promise<Result<never, ClosureError>> {
    const valid = validateInput(listClosuresQuerySchema, query, { provider, operation: 'listClosures' });
    if (valid.isErr()) return err(valid.error);
    return err(
      fail(
        'OPERATION_NOT_SUPPORTED',
        'listClosures: Embedded Payments cannot list closures (GET /accounts has no state filter and needs a clientId); use getClosure({ accountId }) per account',
      ),
    );
  }

  return {
    provider,
    capabilities: {
      getClosure: true,
      // No listing filterable by state exists: GET /accounts needs a clientId and returns every account.
      listClosures: false,
      webhooks: true,
      asyncClosure: true,
      reasons: reasons.supported,
    },
    closeAccount: (request, options) => new ResultAsync(closeAccount(request, options)),
    getClosure: (ref, options) => new ResultAsync(getClosure(ref, options)),
    listClosures: (query) => new ResultAsync(listClosures(query)),
    parseWebhook: (webhookInput) =>
      parseEmbeddedPaymentsWebhook(
        {
          credentials: webhookCredentials,
          credentialHeader: settings.webhookCredentialHeader ?? 'authorization',
          verifier: settings.webhookSignatureVerifier ?? null,
          reasons,
          redactor,
        },
        webhookInput,
      ),
  };
}

const fail = (code: ClosureError['code'], message: string, details?: Record<string, unknown>) =>
  new ClosureError({ code, provider, message, ...(details ? { details } : {}) });

/** Ids are not strictly hex; the v2 path allows at most 34 characters (provider notes §2). */
function checkAccountId(accountId: string, operation: string): Result<string, ClosureError> {
  if (accountId.length <= MAX_ACCOUNT_ID_LENGTH) return ok(accountId);
  const message = `must be at most ${MAX_ACCOUNT_ID_LENGTH} characters`;
  return err(
    fail('INVALID_REQUEST', `${operation}: invalid input: accountId ${message}`, {
      issues: [{ path: 'accountId', message }],
    }),
  );
}

/**
 * What a close call ends with: the 202 body, or the closure a read-back found after an unknown
 * outcome. One schema for every call: the closure is built from the body afterwards.
 */
type CloseOutcome = { accepted: WireCloseResponse } | { readBack: Closure };
const closeOutcomeSchema: z.ZodType<CloseOutcome> = wireCloseResponseSchema.transform((accepted) => ({
  accepted,
}));
