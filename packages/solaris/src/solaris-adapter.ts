import { randomUUID } from 'node:crypto';
import {
  type CallOptions,
  type Closure,
  type ClosureAdapter,
  ClosureError,
  type ClosurePage,
} from '@closekit/core';
import {
  closureRefSchema,
  createHttpTransport,
  type HttpRequestSpec,
  parseCloseRequest,
  validateInput,
} from '@closekit/core/adapter';
import { err, ok, type Result, ResultAsync } from 'neverthrow';
import {
  convertSolarisAcrToClosure,
  createdFromAnswer,
  newestSolarisAcr,
} from './convert-solaris-to-closure';
import { convertToSolarisCloseRequest } from './convert-to-solaris-close-request';
import { createSolarisReasonMap } from './map-solaris-closure-reason';
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

const notFound = (message: string) =>
  new ClosureError({ code: 'CLOSURE_NOT_FOUND', provider: SOLARIS_PROVIDER, message });

/**
 * The Solaris adapter: account closure requests (ACRs) of the Account Management API v1.
 * Missing client credentials are accepted (webhook-only use); API calls then fail with
 * AUTHENTICATION_FAILED before sending anything.
 */
export function createSolarisAdapter(input: SolarisAdapterSettings = {}): SolarisClosureAdapter {
  const { settings, baseUrl, tokenUrl, clientId, clientSecret, webhookSecrets } = parseSolarisSettings(input);
  const provider = SOLARIS_PROVIDER;
  const reasons = createSolarisReasonMap(settings.reasonMap);
  let auth: SolarisAuth | undefined;
  const transport = createHttpTransport(
    { ...settings, baseUrl },
    {
      provider,
      defaultBaseUrl: baseUrl,
      // Read on every use: the access token rotates.
      secrets: () => [clientSecret, ...(auth?.secrets() ?? []), ...webhookSecrets],
    },
  );
  const solarisAuth = createSolarisAuth({ transport, tokenUrl, clientId, clientSecret });
  auth = solarisAuth;
  const conversion = { reasons, redact: <T>(value: T): T => transport.redactor.value(value) };
  const toClosure = (acr: SolarisAcr, created: boolean | null = null) =>
    convertSolarisAcrToClosure(acr, conversion, { created });
  const webhookSettings = { ...conversion, secrets: webhookSecrets };

  /** A Solaris API request: bearer token, error table and the transport's retries. */
  const send = <T>(spec: Omit<HttpRequestSpec<T>, 'authorize' | 'translateError'>, options?: CallOptions) =>
    transport.send(
      { ...spec, authorize: solarisAuth.authorizer(), translateError: translateSolarisError },
      options,
    );

  const listAcrs = (
    operation: SolarisOperation,
    query: Record<string, string | number | undefined>,
    options: CallOptions | undefined,
  ) =>
    send(
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
    operation: SolarisOperation,
    accountId: string,
    options: CallOptions | undefined,
  ): Promise<Result<SolarisAcr[], ClosureError>> {
    const query = {
      'filter[account_id]': accountId,
      'page[number]': 1,
      'page[size]': SOLARIS_READ_BACK_PAGE_SIZE,
    };
    const listed = await listAcrs(operation, query, options);
    return listed.map(({ data }) => data.filter((acr) => acr.account_id === accountId));
  }

  async function closeAccount(
    request: unknown,
    options?: CallOptions,
  ): Promise<Result<Closure, ClosureError>> {
    const parsed = parseCloseRequest(request, { provider, reasons: reasons.reasons });
    if (parsed.isErr()) return err(parsed.error);
    const { accountId, providerOptions, idempotencyKey } = parsed.value.request;
    const body = convertToSolarisCloseRequest({
      accountId,
      closureReason: parsed.value.wireReason,
      providerOptions,
    });
    if (body.isErr()) return err(body.error);

    const readBack = createSolarisReadBack({
      listByAccount: (id) => listByAccount('readBack', id, options),
      toClosure,
    });
    const startedAt = Date.now();
    const created = await send(
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
      return ok(toClosure(data, createdFromAnswer(data, status)));
    }
    if (created.error.code === 'DUPLICATE_REQUEST') return readBack.afterDuplicate(created.error, accountId);
    return err(created.error);
  }

  async function getClosure(ref: unknown, options?: CallOptions): Promise<Result<Closure, ClosureError>> {
    const valid = validateInput(closureRefSchema, ref, { provider, operation: 'getClosure' });
    if (valid.isErr()) return err(valid.error);
    const { closureId, accountId } = valid.value;
    if (closureId === undefined) {
      // No lookup by account exists: list by account and take the newest (provider doc §4).
      const listed = await listByAccount('getClosure', accountId as string, options);
      if (listed.isErr()) return err(listed.error);
      const newest = newestSolarisAcr(listed.value);
      return newest
        ? ok(toClosure(newest))
        : err(notFound(`Solaris has no closure request for account ${accountId}`));
    }
    const path = `${SOLARIS_ACR_PATH}/${encodeURIComponent(closureId)}`;
    const read = await send(
      { operation: 'getClosure', method: 'GET', path, responseSchema: solarisAcrSchema, retryMode: 'safe' },
      options,
    );
    if (read.isErr()) return err(read.error);
    if (accountId !== undefined && read.value.data.account_id !== accountId) {
      return err(notFound(`the closure request ${closureId} does not belong to account ${accountId}`));
    }
    return ok(toClosure(read.value.data));
  }

  async function listClosures(
    query: unknown,
    options?: CallOptions,
  ): Promise<Result<ClosurePage, ClosureError>> {
    const valid = validateInput(solarisListQuerySchema, query, { provider, operation: 'listClosures' });
    if (valid.isErr()) return err(valid.error);
    const { page, pageSize, params } = convertToSolarisListQuery(valid.value);
    const listed = await listAcrs('listClosures', params, options);
    if (listed.isErr()) return err(listed.error);
    const { data, headers } = listed.value;
    const state = valid.value.state;
    return ok({
      items: data
        .filter((acr) => !state || mapSolarisClosureState(acr.status) === state)
        .map((acr) => toClosure(acr)),
      nextPage: solarisNextPage({ headers, page, pageSize, itemCount: data.length }),
    });
  }

  return {
    provider,
    capabilities: {
      getClosure: true,
      listClosures: true,
      webhooks: true,
      asyncClosure: true,
      reasons: reasons.reasons.supported,
    },
    closeAccount: (request, options) => new ResultAsync(closeAccount(request, options)),
    getClosure: (ref, options) => new ResultAsync(getClosure(ref, options)),
    listClosures: (query, options) => new ResultAsync(listClosures(query, options)),
    // Verification never fails on input shape: the parser answers every input with a Result.
    parseWebhook: (webhook) =>
      new ResultAsync(Promise.resolve(parseSolarisWebhook(webhookSettings, webhook))),
  };
}
