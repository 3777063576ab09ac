import { randomUUID } from 'node:crypto';
import {
  type CallOptions,
  type Closure,
  type ClosureAdapter,
  ClosureError,
  type ClosurePage,
} from '@closekit/core';
import {
  closeAccountRequestSchema,
  closureRefSchema,
  createHttpTransport,
  type HttpRequestSpec,
  type HttpSuccess,
  validateInput,
} from '@closekit/core/adapter';
import { err, ok, type Result, ResultAsync } from 'neverthrow';
import type { z } from 'zod';
import {
  convertSolarisAcrToClosure,
  createdFromAnswer,
  newestSolarisAcr,
} from './convert-solaris-to-closure';
import { convertToSolarisCloseRequest } from './convert-to-solaris-close-request';
import { createSolarisReasonMap, type SolarisReasonMapping } from './map-solaris-closure-reason';
import { mapSolarisClosureState } from './map-solaris-closure-state';
import { type SolarisAcr, solarisAcrListSchema, solarisAcrSchema } from './solaris-api';
import { createSolarisAuth, type SolarisAuth } from './solaris-auth';
import { type SolarisOperation, translateSolarisError } from './solaris-error';
import {
  convertToSolarisListQuery,
  type SolarisListClosuresQuery,
  solarisListQuerySchema,
  solarisNextPage,
} from './solaris-pagination';
import { createSolarisReadBack } from './solaris-read-back';
import {
  parseSolarisSettings,
  SOLARIS_ACR_PATH,
  SOLARIS_PROVIDER,
  SOLARIS_READ_BACK_PAGE_SIZE,
  type SolarisAdapterSettings,
} from './solaris-settings';
import { parseSolarisWebhook } from './solaris-webhook';

export interface SolarisClosureAdapter extends ClosureAdapter<typeof SOLARIS_PROVIDER> {
  listClosures(
    query: SolarisListClosuresQuery,
    options?: CallOptions,
  ): ResultAsync<ClosurePage, ClosureError>;
}

/** What every operation needs: built once by the factory. */
interface SolarisContext {
  reasons: SolarisReasonMapping;
  toClosure(acr: SolarisAcr, created?: boolean | null): Closure;
  /** A Solaris API request: bearer token, error table and the transport's retries. */
  send<T>(
    spec: Omit<HttpRequestSpec<T>, 'authorize' | 'translateError'>,
    options?: CallOptions,
  ): Promise<Result<HttpSuccess<T>, ClosureError>>;
}

const notFound = (message: string) =>
  new ClosureError({ code: 'CLOSURE_NOT_FOUND', provider: SOLARIS_PROVIDER, message });

const listAcrs = (
  context: SolarisContext,
  operation: SolarisOperation,
  query: Record<string, string | number | undefined>,
  options: CallOptions | undefined,
) =>
  context.send(
    {
      operation,
      method: 'GET',
      path: SOLARIS_ACR_PATH,
      query,
      responseSchema: solarisAcrListSchema,
      retryMode: 'safe',
    },
    options,
  );

/** An account's ACRs: no lookup by account exists, only the list filter (provider doc §4). */
async function listByAccount(
  context: SolarisContext,
  operation: SolarisOperation,
  accountId: string,
  options: CallOptions | undefined,
): Promise<Result<SolarisAcr[], ClosureError>> {
  const query = {
    'filter[account_id]': accountId,
    'page[number]': 1,
    'page[size]': SOLARIS_READ_BACK_PAGE_SIZE,
  };
  const listed = await listAcrs(context, operation, query, options);
  return listed.map(({ data }) => data.filter((acr) => acr.account_id === accountId));
}

async function closeAccount(
  context: SolarisContext,
  request: z.output<typeof closeAccountRequestSchema>,
  options?: CallOptions,
): Promise<Result<Closure, ClosureError>> {
  const { accountId, reason, providerOptions, idempotencyKey } = request;
  const body = context.reasons.reasons
    .toProvider(reason)
    .andThen((closureReason) => convertToSolarisCloseRequest({ accountId, closureReason, providerOptions }));
  if (body.isErr()) return err(body.error);

  const readBack = createSolarisReadBack({
    listByAccount: (id) => listByAccount(context, 'readBack', id, options),
    toClosure: context.toClosure,
  });
  const startedAt = Date.now();
  const created = await context.send(
    {
      operation: 'closeAccount',
      method: 'POST',
      path: SOLARIS_ACR_PATH,
      json: body.value,
      responseSchema: solarisAcrSchema,
      retryMode: 'reconcile',
      reconcile: () => readBack.afterUnknownOutcome(accountId, startedAt),
      // Solaris takes no idempotency header (provider doc §7): the key only labels hook events.
      idempotencyKey: idempotencyKey ?? randomUUID(),
    },
    options,
  );
  if (created.isOk()) {
    const { data, status } = created.value;
    return ok(context.toClosure(data, createdFromAnswer(data, status)));
  }
  if (created.error.code === 'DUPLICATE_REQUEST') return readBack.afterDuplicate(created.error, accountId);
  return err(created.error);
}

async function getClosure(
  context: SolarisContext,
  ref: z.output<typeof closureRefSchema>,
  options?: CallOptions,
): Promise<Result<Closure, ClosureError>> {
  const { closureId, accountId } = ref;
  if (closureId === undefined) {
    // No lookup by account exists: list by account and take the newest (provider doc §4).
    const listed = await listByAccount(context, 'getClosure', accountId as string, options);
    if (listed.isErr()) return err(listed.error);
    const newest = newestSolarisAcr(listed.value);
    return newest
      ? ok(context.toClosure(newest))
      : err(notFound(`Solaris has no closure request for account ${accountId}`));
  }
  const path = `${SOLARIS_ACR_PATH}/${encodeURIComponent(closureId)}`;
  const read = await context.send(
    { operation: 'getClosure', method: 'GET', path, responseSchema: solarisAcrSchema, retryMode: 'safe' },
    options,
  );
  if (read.isErr()) return err(read.error);
  if (accountId !== undefined && read.value.data.account_id !== accountId) {
    return err(notFound(`the closure request ${closureId} does not belong to account ${accountId}`));
  }
  return ok(context.toClosure(read.value.data));
}

async function listClosures(
  context: SolarisContext,
  query: z.output<typeof solarisListQuerySchema>,
  options?: CallOptions,
): Promise<Result<ClosurePage, ClosureError>> {
  const { page, pageSize, params } = convertToSolarisListQuery(query);
  const listed = await listAcrs(context, 'listClosures', params, options);
  if (listed.isErr()) return err(listed.error);
  const { data, headers } = listed.value;
  const state = query.state;
  return ok({
    items: data
      .filter((acr) => !state || mapSolarisClosureState(acr.status) === state)
      .map((acr) => context.toClosure(acr)),
    nextPage: solarisNextPage({ headers, page, pageSize, itemCount: data.length }),
  });
}

/**
 * The Solaris adapter: account closure requests (ACRs) of the Account Management API v1.
 * Missing client credentials are accepted (webhook-only use); API calls then fail with
 * AUTHENTICATION_FAILED before sending anything.
 */
export function createSolarisAdapter(input: SolarisAdapterSettings = {}): SolarisClosureAdapter {
  const { settings, baseUrl, tokenUrl, clientId, clientSecret, webhookSecrets } = parseSolarisSettings(input);
  const reasons = createSolarisReasonMap(settings.reasonMap);
  let auth: SolarisAuth | undefined;
  const transport = createHttpTransport(
    { ...settings, baseUrl },
    {
      provider: SOLARIS_PROVIDER,
      defaultBaseUrl: baseUrl,
      // Read on every use: the access token rotates.
      secrets: () => [clientSecret, ...(auth?.secrets() ?? []), ...webhookSecrets],
    },
  );
  const solarisAuth = createSolarisAuth({ transport, tokenUrl, clientId, clientSecret });
  auth = solarisAuth;
  const conversion = { reasons, redact: <T>(value: T): T => transport.redactor.value(value) };
  const context: SolarisContext = {
    reasons,
    toClosure: (acr, created = null) => convertSolarisAcrToClosure(acr, conversion, { created }),
    send: (spec, options) =>
      transport.send(
        { ...spec, authorize: solarisAuth.authorizer(), translateError: translateSolarisError },
        options,
      ),
  };
  const webhookSettings = { ...conversion, secrets: webhookSecrets };
  /** Each operation: validate the caller's input, then one async function returning a Result, wrapped once. */
  const operation =
    <I, T>(
      schema: z.ZodType<I>,
      name: SolarisOperation,
      run: (context: SolarisContext, input: I, options?: CallOptions) => Promise<Result<T, ClosureError>>,
    ) =>
    (input: unknown, options?: CallOptions): ResultAsync<T, ClosureError> => {
      const valid = validateInput(schema, input, { provider: SOLARIS_PROVIDER, operation: name });
      return new ResultAsync(
        valid.isErr() ? Promise.resolve(err(valid.error)) : run(context, valid.value, options),
      );
    };

  return {
    provider: SOLARIS_PROVIDER,
    capabilities: {
      getClosure: true,
      listClosures: true,
      webhooks: true,
      asyncClosure: true,
      reasons: reasons.reasons.supported,
    },
    closeAccount: operation(closeAccountRequestSchema, 'closeAccount', closeAccount),
    getClosure: operation(closureRefSchema, 'getClosure', getClosure),
    listClosures: operation(solarisListQuerySchema, 'listClosures', listClosures),
    // Verification never fails on input shape: the parser answers every input with a Result.
    parseWebhook: (webhook) =>
      new ResultAsync(Promise.resolve(parseSolarisWebhook(webhookSettings, webhook))),
  };
}
