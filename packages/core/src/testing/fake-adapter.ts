import { randomUUID } from 'node:crypto';
import { err, ok, type Result, ResultAsync } from 'neverthrow';
import { z } from 'zod';
import { parseCloseRequest } from '../adapter/close-request';
import { type ErrorRule, matchErrorRule } from '../adapter/error-rules';
import { type Closure, createClosure } from '../domain/closure';
import { ClosureError } from '../domain/closure-error';
import type { ClosureErrorCode } from '../domain/closure-error-code';
import type { ClosureEvent } from '../domain/closure-event';
import type { ClosureState } from '../domain/closure-state';
import { createReasonMap, type ReasonTable } from '../domain/reason-map';
import { parseSettingsOrThrow, validateInput } from '../domain/validate-input';
import { createHttpTransport, type HttpErrorResponse } from '../http/http-transport';
import { type CommonAdapterSettings, commonAdapterSettingsSchema } from '../port/adapter-settings';
import {
  type CallOptions,
  type ClosureAdapter,
  type ClosurePage,
  closureRefSchema,
  listClosuresQuerySchema,
  type WebhookInput,
} from '../port/closure-adapter';
import { verifyHmacSha256Hex } from '../webhook/hmac';
import {
  checkWebhookSize,
  parseWebhookJson,
  webhookPayloadInvalid,
  webhookSignatureInvalid,
} from '../webhook/webhook-body';
import { getHeader } from '../webhook/webhook-headers';
import {
  createFakeProvider,
  FAKE_CLOSURE_STATUSES,
  type FakeErrorCode,
  type FakeProvider,
} from './fake-provider';

export const FAKE_REASON_TABLE: ReasonTable = {
  CUSTOMER_REQUEST: 'customer_request',
  FRAUD: 'fraud',
  REGULATORY: 'compliance',
  DORMANCY: 'dormant',
  OTHER: 'other',
};

export const FAKE_STATE_TABLE: Record<(typeof FAKE_CLOSURE_STATUSES)[number], ClosureState> = {
  requested: 'REQUESTED',
  processing: 'PENDING',
  closed: 'CLOSED',
  failed: 'FAILED',
  cancelled: 'CANCELLED',
};

export const FAKE_ERROR_TABLE: Record<FakeErrorCode, ClosureErrorCode> = {
  balance_not_zero: 'NON_ZERO_BALANCE',
  account_closed: 'ALREADY_CLOSED',
  account_blocked: 'ACCOUNT_BLOCKED',
  unknown_account: 'ACCOUNT_NOT_FOUND',
  unknown_closure: 'CLOSURE_NOT_FOUND',
  invalid_request: 'INVALID_REQUEST',
  bad_credentials: 'AUTHENTICATION_FAILED',
};

const wireClosureSchema = z.object({
  id: z.string().min(1),
  account_id: z.string().min(1),
  status: z.enum(FAKE_CLOSURE_STATUSES),
  reason: z.string().nullable().optional(),
  failure_code: z.string().nullable().optional(),
  updated_at: z.string().nullable().optional(),
});
type WireClosure = z.infer<typeof wireClosureSchema>;
const wireListSchema = z.object({ data: z.array(wireClosureSchema), has_more: z.boolean() });
const wireErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string().optional() }) });
const webhookSchema = z.object({
  id: z.string().min(1),
  type: z.string(),
  occurred_at: z.string().nullable().optional(),
  data: wireClosureSchema,
});

export interface FakeClosureAdapterSettings<P extends string = string> extends CommonAdapterSettings {
  /** Adapter name; default 'fake'. Give each fake its own name to stand in for several providers. */
  provider?: P;
  /** The in-memory provider; a new one when neither it nor `fetch` is given. */
  backend?: FakeProvider;
  apiKey?: string;
  webhookSecrets?: string[];
}

export interface FakeClosureAdapter<P extends string = string> extends ClosureAdapter<P> {
  /** The in-memory provider behind it (the one created, or the one given). */
  readonly backend: FakeProvider | null;
}

const settingsSchema = commonAdapterSettingsSchema.extend({
  provider: z.string().min(1).optional(),
  backend: z.custom<FakeProvider>((value) => typeof value === 'object' && value !== null).optional(),
  apiKey: z.string().min(1).optional(),
  webhookSecrets: z.array(z.string().min(8)).optional(),
});

/**
 * A complete adapter for an in-memory fake provider: use it to test your closure flows
 * without a network, and as a worked example of an adapter that passes the contract.
 */
export function createFakeClosureAdapter<const P extends string = 'fake'>(
  input: FakeClosureAdapterSettings<P> = {},
): FakeClosureAdapter<P> {
  const settings = parseSettingsOrThrow(settingsSchema, input, input?.provider ?? 'fake');
  // The name given, typed as given; 'fake' (the default of P) when none is.
  const provider = (settings.provider ?? 'fake') as P;
  const backend = settings.backend ?? (settings.fetch ? null : createFakeProvider());
  const apiKey = settings.apiKey ?? backend?.apiKey ?? 'fake-api-key-0000';
  const webhookSecrets = settings.webhookSecrets ?? (backend ? [backend.webhookSecret] : []);
  const reasons = createReasonMap(provider, FAKE_REASON_TABLE, settings.reasonMap);
  const transport = createHttpTransport(
    { ...settings, fetch: settings.fetch ?? backend?.fetch },
    {
      provider,
      defaultBaseUrl: backend?.baseUrl ?? 'https://fake-provider.closekit.invalid',
      secrets: () => [apiKey, ...webhookSecrets],
    },
  );

  const toClosure = (wire: WireClosure, created: boolean | null = null): Closure => {
    const failureCode = wire.failure_code
      ? (FAKE_ERROR_TABLE[wire.failure_code as FakeErrorCode] ?? 'PROVIDER_ERROR')
      : null;
    return createClosure({
      provider,
      closureId: wire.id,
      accountId: wire.account_id,
      state: { unified: FAKE_STATE_TABLE[wire.status], raw: wire.status },
      reason: { unified: reasons.fromProvider(wire.reason), raw: wire.reason ?? null },
      initiatedBy: 'partner',
      created,
      failure: failureCode
        ? { code: failureCode, providerCode: wire.failure_code ?? null, message: 'the closure failed' }
        : null,
      blockers: failureCode ? [{ code: failureCode, message: 'the closure failed' }] : [],
      updatedAt: wire.updated_at ?? null,
      raw: transport.redactor.value(wire),
    });
  };

  const translateError = (response: HttpErrorResponse): ClosureError => {
    const parsed = wireErrorSchema.safeParse(response.body);
    const providerCode = parsed.success ? parsed.data.error.code : null;
    const rules = response.operation === 'closeAccount' ? FAKE_CLOSE_ERROR_RULES : FAKE_READ_ERROR_RULES;
    const rule = matchErrorRule(rules, {
      status: response.status,
      providerCodes: providerCode ? [providerCode] : [],
      text: parsed.success ? (parsed.data.error.message ?? '') : '',
    });
    const code = rule?.code ?? 'PROVIDER_ERROR';
    return new ClosureError({
      code,
      provider,
      message: parsed.success
        ? `${response.operation}: ${parsed.data.error.message ?? providerCode}`
        : `${response.operation}: HTTP ${response.status}`,
      httpStatus: response.status,
      providerCode,
      requestId: response.requestId,
      details: parsed.success ? undefined : { excerpt: response.excerpt },
    });
  };
  const auth = { 'x-api-key': apiKey };
  const authorize = async () => ok(auth);

  const listByAccount = async (accountId: string, page: number, pageSize: number, options?: CallOptions) => {
    const sent = await transport.send(
      {
        operation: 'listClosures',
        method: 'GET',
        path: '/closures',
        query: { account_id: accountId, page, page_size: pageSize },
        responseSchema: wireListSchema,
        retryMode: 'safe',
        authorize,
        translateError,
      },
      options,
    );
    return sent.map(({ data }) => data);
  };

  const closeAccount = async (
    request: unknown,
    options?: CallOptions,
  ): Promise<Result<Closure, ClosureError>> => {
    const parsed = parseCloseRequest(request, { provider, reasons });
    if (parsed.isErr()) return err(parsed.error);
    const { accountId } = parsed.value.request;
    const idempotencyKey = parsed.value.request.idempotencyKey ?? randomUUID();
    const sent = await transport.send(
      {
        operation: 'closeAccount',
        method: 'POST',
        path: '/closures',
        headers: { 'idempotency-key': idempotencyKey },
        json: { account_id: accountId, reason: parsed.value.wireReason },
        responseSchema: wireClosureSchema,
        // The fake provider honours Idempotency-Key, so repeating is safe.
        retryMode: 'safe',
        idempotencyKey,
        authorize,
        translateError,
      },
      options,
    );
    if (sent.isOk()) {
      const { data, status } = sent.value;
      return ok(toClosure(data, status === 201 ? true : status === 200 ? false : null));
    }
    if (sent.error.code !== 'ALREADY_CLOSED') return err(sent.error);
    // Already closed is not an error (DESIGN.md "Semantics every adapter shares"): the provider's
    // `account_closed` refusal becomes the closed closure it already holds, with created: false.
    // Without one to report, the refusal stands: the fake invents no closure.
    const list = await listByAccount(accountId, 1, 50, options);
    const closed = list.isOk() ? list.value.data.findLast((wire) => wire.status === 'closed') : undefined;
    return closed ? ok(toClosure(closed, false)) : err(sent.error);
  };

  const getClosure = async (ref: unknown, options?: CallOptions): Promise<Result<Closure, ClosureError>> => {
    const valid = validateInput(closureRefSchema, ref, { provider, operation: 'getClosure' });
    if (valid.isErr()) return err(valid.error);
    const { closureId, accountId } = valid.value;
    if (closureId) {
      const sent = await transport.send(
        {
          operation: 'getClosure',
          method: 'GET',
          path: `/closures/${encodeURIComponent(closureId)}`,
          responseSchema: wireClosureSchema,
          retryMode: 'safe',
          authorize,
          translateError,
        },
        options,
      );
      return sent.map(({ data }) => toClosure(data));
    }
    const list = await listByAccount(accountId ?? '', 1, 50, options);
    if (list.isErr()) return err(list.error);
    const latest = list.value.data.at(-1);
    return latest
      ? ok(toClosure(latest))
      : err(
          new ClosureError({
            code: 'CLOSURE_NOT_FOUND',
            provider,
            message: `no closure for account ${accountId}`,
          }),
        );
  };

  const listClosures = async (
    query: unknown,
    options?: CallOptions,
  ): Promise<Result<ClosurePage, ClosureError>> => {
    const valid = validateInput(listClosuresQuerySchema, query, { provider, operation: 'listClosures' });
    if (valid.isErr()) return err(valid.error);
    const page = valid.value.page ?? 1;
    const list = await listByAccount(valid.value.accountId ?? '', page, valid.value.pageSize ?? 50, options);
    return list.map((answer) => ({
      items: answer.data
        .map((wire) => toClosure(wire))
        .filter((closure) => !valid.value.state || closure.state.unified === valid.value.state),
      nextPage: answer.has_more ? page + 1 : null,
    }));
  };

  const parseWebhook = async (input: WebhookInput): Promise<Result<ClosureEvent, ClosureError>> => {
    if (typeof input !== 'object' || input === null) {
      return err(webhookPayloadInvalid(provider, 'parseWebhook needs { rawBody, headers }'));
    }
    const size = checkWebhookSize(provider, input.rawBody);
    if (size.isErr()) return err(size.error);
    const signature = getHeader(input.headers ?? {}, 'fake-signature');
    if (
      !signature ||
      !verifyHmacSha256Hex({ rawBody: size.value, signatureHex: signature, secrets: webhookSecrets })
    ) {
      return err(webhookSignatureInvalid(provider, 'the fake-signature header does not match the body'));
    }
    const json = parseWebhookJson(provider, size.value);
    if (json.isErr()) return err(json.error);
    const event = validateInput(webhookSchema, json.value, { provider, operation: 'parseWebhook' });
    if (event.isErr()) return err(webhookPayloadInvalid(provider, event.error.message, event.error.details));
    const closure = toClosure(event.value.data);
    return ok({
      provider,
      eventId: event.value.id,
      type: closure.state.unified === 'CLOSED' ? 'ACCOUNT_CLOSED' : 'CLOSURE_UPDATED',
      accountId: closure.accountId,
      closure,
      occurredAt: event.value.occurred_at ?? null,
      raw: closure.raw,
    });
  };

  const adapter: FakeClosureAdapter<P> = {
    provider,
    backend,
    capabilities: {
      getClosure: true,
      listClosures: true,
      webhooks: true,
      asyncClosure: true,
      reasons: reasons.supported,
    },
    closeAccount: (request, options) => new ResultAsync(closeAccount(request, options)),
    getClosure: (ref, options) => new ResultAsync(getClosure(ref, options)),
    listClosures: (query, options) => new ResultAsync(listClosures(query, options)),

    parseWebhook: (input) => new ResultAsync(parseWebhook(input)),
  };
  return adapter;
}

/**
 * The fake provider's error table (docs/testing.md): the status decides first, the provider's
 * code refines a business 4xx (DESIGN.md "Semantics every adapter shares": status before text).
 * Its free text is never matched.
 */
const FAKE_STATUS_RULES: readonly ErrorRule[] = [
  { status: 401, code: 'AUTHENTICATION_FAILED', source: 'fake provider: bad_credentials' },
  { status: 429, code: 'RATE_LIMITED', source: 'HTTP 429' },
  { status: '5xx', code: 'PROVIDER_UNAVAILABLE', source: 'HTTP 5xx' },
];
const FAKE_CODE_RULES: readonly ErrorRule[] = Object.entries(FAKE_ERROR_TABLE).map(
  ([providerCode, code]) => ({
    providerCode,
    code,
    source: `fake provider: ${providerCode}`,
  }),
);
const FAKE_CLOSE_ERROR_RULES: readonly ErrorRule[] = [...FAKE_STATUS_RULES, ...FAKE_CODE_RULES];
/** On a read, an unknown account means there is no closure to find. */
const FAKE_READ_ERROR_RULES: readonly ErrorRule[] = [
  ...FAKE_STATUS_RULES,
  {
    providerCode: 'unknown_account',
    code: 'CLOSURE_NOT_FOUND',
    source: 'fake provider: unknown_account on a read',
  },
  ...FAKE_CODE_RULES,
];
