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

export interface SolarisClosureAdapter extends ClosureAdapter {
  listClosures(
    query: SolarisListClosuresQuery,
    options?: CallOptions,
  ): ResultAsync<ClosurePage, ClosureError>;
}

/** Each operation is one async function returning a Result, wrapped once. */
const asResultAsync =
  <A extends unknown[], T>(operation: (...args: A) => Promise<Result<T, ClosureError>>) =>
  (...args: A): ResultAsync<T, ClosureError> =>
    new ResultAsync(operation(...args));

/**
 * The Solaris adapter: account closure requests (ACRs) of the Account Management API v1.
 * Missing client credentials are accepted (webhook-only use); API calls then fail with
 * AUTHENTICATION_FAILED before sending anything.
 */
export function createSolarisAdapter(input: SolarisAdapterSettings = {}): SolarisClosureAdapter {
  const { settings, baseUrl, tokenUrl, clientId, clientSecret, webhookSecrets } = parseSolarisSettings(input);
  const mapping = createSolarisReasonMap(settings.reasonMap);

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
  const conversion = { reasons: mapping, redact: <T>(value: T): T => transport.redactor.value(value) };
  const toClosure = (acr: SolarisAcr, created: boolean | null = null) =>
    convertSolarisAcrToClosure(acr, conversion, { created });
  const validate = <T>(schema: z.ZodType<T>, input: unknown, operation: SolarisOperation) =>
    validateInput(schema, input, { provider: SOLARIS_PROVIDER, operation });
  const notFound = (message: string) =>
    new ClosureError({ code: 'CLOSURE_NOT_FOUND', provider: SOLARIS_PROVIDER, message });

  const listAcrs = (
    operation: SolarisOperation,
    query: Record<string, string | number | undefined>,
    options: CallOptions | undefined,
  ) =>
    transport.send(
      {
        operation,
        method: 'GET',
        path: SOLARIS_ACR_PATH,
        query,
        responseSchema: solarisAcrListSchema,
        retryMode: 'safe',
        authorize: solarisAuth.authorizer(),
        translateError: translateSolarisError,
      },
      options,
    );

  /** An account's ACRs: no lookup by account exists, only the list filter (provider doc §4). */
  const listByAccount = async (operation: SolarisOperation, accountId: string, options?: CallOptions) => {
    const query = {
      'filter[account_id]': accountId,
      'page[number]': 1,
      'page[size]': SOLARIS_READ_BACK_PAGE_SIZE,
    };
    const listed = await listAcrs(operation, query, options);
    return listed.map(({ data }) => data.filter((acr) => acr.account_id === accountId));
  };

  async function closeAccount(
    request: unknown,
    options?: CallOptions,
  ): Promise<Result<Closure, ClosureError>> {
    const valid = validate(closeAccountRequestSchema, request, 'closeAccount');
    if (valid.isErr()) return err(valid.error);
    const { accountId, reason, providerOptions, idempotencyKey } = valid.value;
    const body = mapping.reasons
      .toProvider(reason)
      .andThen((closureReason) =>
        convertToSolarisCloseRequest({ accountId, closureReason, providerOptions }),
      );
    if (body.isErr()) return err(body.error);

    const readBack = createSolarisReadBack({
      listByAccount: (id) => listByAccount('readBack', id, options),
      toClosure,
    });
    const startedAt = Date.now();
    const created = await transport.send(
      {
        operation: 'closeAccount',
        method: 'POST',
        path: SOLARIS_ACR_PATH,
        json: body.value,
        responseSchema: solarisAcrSchema,
        retryMode: 'reconcile',
        reconcile: () => new ResultAsync(readBack.afterUnknownOutcome(accountId, startedAt)),
        // Solaris takes no idempotency header (provider doc §7): the key only labels hook events.
        idempotencyKey: idempotencyKey ?? randomUUID(),
        authorize: solarisAuth.authorizer(),
        translateError: translateSolarisError,
      },
      options,
    );
    if (created.isOk())
      return ok(toClosure(created.value.data, createdFromAnswer(created.value.data, created.value.status)));
    if (created.error.code === 'DUPLICATE_REQUEST') return readBack.afterDuplicate(created.error, accountId);
    return err(created.error);
  }

  async function getClosure(ref: unknown, options?: CallOptions): Promise<Result<Closure, ClosureError>> {
    const valid = validate(closureRefSchema, ref, 'getClosure');
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
    const read = await transport.send(
      {
        operation: 'getClosure',
        method: 'GET',
        path: `${SOLARIS_ACR_PATH}/${encodeURIComponent(closureId)}`,
        responseSchema: solarisAcrSchema,
        retryMode: 'safe',
        authorize: solarisAuth.authorizer(),
        translateError: translateSolarisError,
      },
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
    const valid = validate(solarisListQuerySchema, query, 'listClosures');
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

  const webhookSettings = { ...conversion, secrets: webhookSecrets };

  return {
    provider: SOLARIS_PROVIDER,
    capabilities: {
      getClosure: true,
      listClosures: true,
      webhooks: true,
      asyncClosure: true,
      reasons: mapping.reasons.supported,
    },
    closeAccount: asResultAsync(closeAccount),
    getClosure: asResultAsync(getClosure),
    listClosures: asResultAsync(listClosures),
    parseWebhook: asResultAsync(async (webhook) => parseSolarisWebhook(webhookSettings, webhook)),
  };
}
