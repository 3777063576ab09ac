import { randomUUID } from 'node:crypto';
import {
  type CallOptions,
  CLOSURE_REASONS,
  type Closure,
  type ClosureAdapter,
  ClosureError,
  type ClosurePage,
  type CommonAdapterSettings,
  closeAccountRequestSchema,
  closureRefSchema,
  commonAdapterSettingsSchema,
  createHttpTransport,
  credentialUrlSchema,
  describeIssues,
  type ListClosuresQuery,
  listClosuresQuerySchema,
  type ReconcileOutcome,
  settingOrEnv,
  validateInput,
} from '@closekit/core';
import { err, errAsync, ok, okAsync, type Result, ResultAsync } from 'neverthrow';
import { z } from 'zod';
import {
  convertSolarisAcrToClosure,
  createdFromAnswer,
  newestSolarisAcr,
} from './convert-solaris-acr-to-closure';
import { convertToSolarisClosureRequest } from './convert-to-solaris-closure-request';
import { createSolarisReasonMap, SOLARIS_CREATE_REASONS } from './map-solaris-closure-reason';
import {
  isSolarisAbandonedStatus,
  mapSolarisClosureState,
  SOLARIS_STATUSES_BY_STATE,
} from './map-solaris-closure-state';
import {
  SOLARIS_ACR_PATH,
  SOLARIS_PROVIDER,
  SOLARIS_SANDBOX_API_URL,
  SOLARIS_SANDBOX_AUTH_URL,
  type SolarisAcr,
  solarisAcrListSchema,
  solarisAcrSchema,
} from './solaris-api';
import {
  createSolarisTokenProvider,
  resolveSolarisTokenUrl,
  type SolarisTokenProvider,
} from './solaris-auth';
import { type SolarisOperation, translateSolarisError } from './solaris-error';
import { solarisNextPage } from './solaris-pagination';
import { createSolarisWebhookParser } from './solaris-webhook';

export const SOLARIS_CLIENT_ID_ENV = 'SOLARIS_CLIENT_ID';
export const SOLARIS_CLIENT_SECRET_ENV = 'SOLARIS_CLIENT_SECRET';

/** Solaris' own default page size (provider doc §4); sent explicitly so `nextPage` can be derived. */
export const SOLARIS_DEFAULT_PAGE_SIZE = 10;
/** Read-backs by account ask for one large page: an account has very few ACRs. */
const READ_BACK_PAGE_SIZE = 1000;
/**
 * After a lost create, a FAILED or REVOKED ACR updated this close to (or after) the call's start may
 * be the one the lost attempt created and Solaris failed at once (e.g. a balance check): it counts
 * as applied, so the adapter never creates a second ACR (provider doc §7.4). The margin covers
 * clock skew between us and Solaris.
 */
export const SOLARIS_RECENT_ACR_MARGIN_MS = 5 * 60_000;

export interface SolarisAdapterSettings extends CommonAdapterSettings {
  /** The OAuth host (`https://auth.solarisbank.de`) or the full token URL. Default: the sandbox token URL. */
  authUrl?: string;
  /** Default: the SOLARIS_CLIENT_ID environment variable. */
  clientId?: string;
  /** Default: the SOLARIS_CLIENT_SECRET environment variable. */
  clientSecret?: string;
  /** HMAC secrets of your webhook subscriptions, all accepted (one per event type, plus rotation). */
  webhookSecrets?: string[];
}

/** listClosures with Solaris' extra filter: the legal closure date range (`YYYY-MM-DD`, inclusive). */
export interface SolarisListClosuresQuery extends ListClosuresQuery {
  legalClosureDateMin?: string;
  legalClosureDateMax?: string;
}

export interface SolarisClosureAdapter extends ClosureAdapter {
  listClosures(
    query: SolarisListClosuresQuery,
    options?: CallOptions,
  ): ResultAsync<ClosurePage, ClosureError>;
}

// Solaris rejects values with leading or trailing whitespace (provider doc §1, S10).
const credentialSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(1000)
  .refine((value) => value.trim() === value, 'must not start or end with whitespace')
  .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), 'must not contain control characters');
// Basic authentication separates id and secret with the first colon.
const clientIdSchema = credentialSchema.refine((value) => !value.includes(':'), 'must not contain ":"');

const settingsSchema = commonAdapterSettingsSchema
  .extend({
    authUrl: credentialUrlSchema.optional(),
    clientId: clientIdSchema.optional(),
    clientSecret: credentialSchema.optional(),
    webhookSecrets: z.array(z.string().min(1, 'must not be empty').max(1000)).optional(),
    // Only the values Solaris accepts on create (provider doc §6): a typo fails here, not per closure.
    reasonMap: z.partialRecord(z.enum(CLOSURE_REASONS), z.enum(SOLARIS_CREATE_REASONS).nullable()).optional(),
  })
  // A misspelt setting (e.g. `clientSecrett`) must not be dropped silently.
  .strict();

const envCredentialsSchema = z.object({
  [SOLARIS_CLIENT_ID_ENV]: clientIdSchema.optional(),
  [SOLARIS_CLIENT_SECRET_ENV]: credentialSchema.optional(),
});

const isoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const solarisListQuerySchema = listClosuresQuerySchema
  .extend({ legalClosureDateMin: isoDateSchema.optional(), legalClosureDateMax: isoDateSchema.optional() })
  .refine(
    (query) =>
      !query.legalClosureDateMin ||
      !query.legalClosureDateMax ||
      query.legalClosureDateMin <= query.legalClosureDateMax,
    { message: 'legalClosureDateMin must not be after legalClosureDateMax', path: ['legalClosureDateMin'] },
  );

/**
 * Validates the settings, the environment fallbacks and the id/secret pairing together and throws
 * ONE error listing every problem: fixing one setting must not merely reveal the next.
 */
function parseSolarisSettings(input: SolarisAdapterSettings) {
  const parsed = settingsSchema.safeParse(input ?? {});
  const given = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const givenText = (name: string) => (typeof given[name] === 'string' ? (given[name] as string) : undefined);
  const clientId = settingOrEnv(givenText('clientId'), SOLARIS_CLIENT_ID_ENV);
  const clientSecret = settingOrEnv(givenText('clientSecret'), SOLARIS_CLIENT_SECRET_ENV);
  const env = envCredentialsSchema.safeParse({
    [SOLARIS_CLIENT_ID_ENV]: given.clientId === undefined ? clientId : undefined,
    [SOLARIS_CLIENT_SECRET_ENV]: given.clientSecret === undefined ? clientSecret : undefined,
  });
  const issues = [
    ...(parsed.success ? [] : describeIssues(parsed.error.issues)),
    ...(env.success ? [] : describeIssues(env.error.issues)),
  ];
  const missing = clientId === undefined ? 'clientId' : 'clientSecret';
  if (
    (clientId === undefined) !== (clientSecret === undefined) &&
    !issues.some((issue) => issue.path === missing)
  ) {
    issues.push({
      path: missing,
      message: `is required with ${missing === 'clientId' ? 'clientSecret' : 'clientId'}: clientId and clientSecret go together (settings or ${SOLARIS_CLIENT_ID_ENV} / ${SOLARIS_CLIENT_SECRET_ENV})`,
    });
  }
  if (!parsed.success || issues.length > 0) {
    throw new ClosureError({
      code: 'INVALID_REQUEST',
      provider: SOLARIS_PROVIDER,
      message: `create ${SOLARIS_PROVIDER} adapter: invalid input: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`,
      details: { issues },
    });
  }
  return { settings: parsed.data, clientId, clientSecret };
}

/**
 * The Solaris adapter: account closure requests (ACRs) of the Account Management API v1.
 * Missing client credentials are accepted (webhook-only use); API calls then fail with
 * AUTHENTICATION_FAILED before sending anything.
 */
export function createSolarisAdapter(input: SolarisAdapterSettings = {}): SolarisClosureAdapter {
  const { settings, clientId, clientSecret } = parseSolarisSettings(input);
  const webhookSecrets = settings.webhookSecrets ?? [];
  const mapping = createSolarisReasonMap(settings.reasonMap);

  let tokens: SolarisTokenProvider | undefined;
  const transport = createHttpTransport({
    provider: SOLARIS_PROVIDER,
    baseUrl: settings.baseUrl ?? SOLARIS_SANDBOX_API_URL,
    fetch: settings.fetch,
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    backoff: settings.backoff,
    maxResponseBytes: settings.maxResponseBytes,
    hooks: settings.hooks,
    // Read on every use: the access token rotates.
    secrets: () => [clientSecret, tokens?.currentToken(), tokens?.basicCredential(), ...webhookSecrets],
  });
  tokens = createSolarisTokenProvider({
    transport,
    tokenUrl: resolveSolarisTokenUrl(settings.authUrl ?? SOLARIS_SANDBOX_AUTH_URL),
    clientId,
    clientSecret,
  });
  const tokenProvider = tokens;
  const conversion = { reasons: mapping, redact: <T>(value: T): T => transport.redactor.value(value) };
  const toClosure = (acr: SolarisAcr, created: boolean | null = null) =>
    convertSolarisAcrToClosure(acr, conversion, { created });
  const authorize = (options: CallOptions | undefined) => (forceRefresh: boolean) =>
    tokenProvider.authorize(forceRefresh, options?.signal);

  const listAcrs = (
    operation: SolarisOperation,
    query: Record<string, string | number | undefined>,
    options: CallOptions | undefined,
  ) =>
    transport.request(
      {
        operation,
        method: 'GET',
        path: SOLARIS_ACR_PATH,
        query,
        responseSchema: solarisAcrListSchema,
        retryMode: 'safe',
        authorize: authorize(options),
        translateError: translateSolarisError,
      },
      options,
    );

  const listByAccount = (operation: SolarisOperation, accountId: string, options: CallOptions | undefined) =>
    listAcrs(
      operation,
      { 'filter[account_id]': accountId, 'page[number]': 1, 'page[size]': READ_BACK_PAGE_SIZE },
      options,
    ).map(({ data }) => data.filter((acr) => acr.account_id === accountId));

  /**
   * After an unknown outcome (timeout, reset, 5xx): did the lost create make an ACR? Any ACR still
   * open or COMPLETED answers yes (a repeat create would have returned it with 200 anyway); so does a
   * FAILED/REVOKED one updated since the call began. Only an account without either is resent to.
   */
  const readBackAfterUnknownOutcome = (
    accountId: string,
    startedAt: number,
    options: CallOptions | undefined,
  ): ResultAsync<ReconcileOutcome<SolarisAcr>, ClosureError> =>
    listByAccount('readBack', accountId, options).map((acrs): ReconcileOutcome<SolarisAcr> => {
      const live = newestSolarisAcr(acrs.filter((acr) => !isSolarisAbandonedStatus(acr.status)));
      const recentlyEnded = newestSolarisAcr(
        acrs.filter((acr) => {
          if (!isSolarisAbandonedStatus(acr.status)) return false;
          const updated = acr.updated_at ? Date.parse(acr.updated_at) : Number.NaN;
          // Without a usable timestamp it may be ours: be conservative.
          return Number.isNaN(updated) || updated >= startedAt - SOLARIS_RECENT_ACR_MARGIN_MS;
        }),
      );
      const found = live ?? recentlyEnded;
      return found ? { applied: true, value: found } : { applied: false };
    });

  /** 409 record_not_unique: the account already has an ACR; return it like Solaris' own 200 does (provider doc §7). */
  const readBackAfterDuplicate = (
    duplicate: ClosureError,
    accountId: string,
    options: CallOptions | undefined,
  ) =>
    listByAccount('readBack', accountId, options)
      .orElse(() => errAsync(duplicate))
      .andThen((acrs) => {
        const existing = newestSolarisAcr(acrs.filter((acr) => !isSolarisAbandonedStatus(acr.status)));
        return existing ? okAsync(toClosure(existing, false)) : errAsync(duplicate);
      });

  const notFound = (message: string) =>
    new ClosureError({ code: 'CLOSURE_NOT_FOUND', provider: SOLARIS_PROVIDER, message });

  // One native async function rather than a chain of ResultAsync steps: this is the hot path,
  // and every chained step costs a promise and an allocation per closure (docs/performance.md).
  const closeAccount = async (
    request: unknown,
    options: CallOptions | undefined,
  ): Promise<Result<Closure, ClosureError>> => {
    const valid = validateInput(closeAccountRequestSchema, request, {
      provider: SOLARIS_PROVIDER,
      operation: 'closeAccount',
    });
    if (valid.isErr()) return err(valid.error);
    const { accountId, reason, providerOptions } = valid.value;
    const body = mapping.reasons
      .toProvider(reason)
      .andThen((closureReason) =>
        convertToSolarisClosureRequest({ accountId, closureReason, providerOptions }),
      );
    if (body.isErr()) return err(body.error);

    const startedAt = Date.now();
    const created = await transport.send(
      {
        operation: 'closeAccount',
        method: 'POST',
        path: SOLARIS_ACR_PATH,
        json: body.value,
        responseSchema: solarisAcrSchema,
        retryMode: 'reconcile',
        reconcile: () => readBackAfterUnknownOutcome(accountId, startedAt, options),
        // Solaris takes no idempotency header (provider doc §7): the key only labels hook events.
        idempotencyKey: valid.value.idempotencyKey ?? randomUUID(),
        authorize: authorize(options),
        translateError: translateSolarisError,
      },
      options,
    );
    if (created.isOk()) {
      const { data, status } = created.value;
      return ok(toClosure(data, createdFromAnswer(data, status)));
    }
    if (created.error.code === 'DUPLICATE_REQUEST') {
      return readBackAfterDuplicate(created.error, accountId, options);
    }
    return err(created.error);
  };

  const parseWebhook = createSolarisWebhookParser({ ...conversion, secrets: webhookSecrets });

  return {
    provider: SOLARIS_PROVIDER,
    capabilities: {
      getClosure: true,
      listClosures: true,
      webhooks: true,
      asyncClosure: true,
      reasons: mapping.reasons.supported,
    },

    closeAccount(request, options) {
      return new ResultAsync(closeAccount(request, options));
    },

    getClosure(ref, options) {
      return validateInput(closureRefSchema, ref, {
        provider: SOLARIS_PROVIDER,
        operation: 'getClosure',
      }).asyncAndThen((valid) => {
        if (valid.closureId !== undefined) {
          const closureId = valid.closureId;
          return transport
            .request(
              {
                operation: 'getClosure',
                method: 'GET',
                path: `${SOLARIS_ACR_PATH}/${encodeURIComponent(closureId)}`,
                responseSchema: solarisAcrSchema,
                retryMode: 'safe',
                authorize: authorize(options),
                translateError: translateSolarisError,
              },
              options,
            )
            .andThen(({ data }) =>
              valid.accountId !== undefined && data.account_id !== valid.accountId
                ? errAsync(
                    notFound(
                      `the closure request ${closureId} does not belong to account ${valid.accountId}`,
                    ),
                  )
                : okAsync(toClosure(data)),
            );
        }
        // No lookup by account exists: list by account and take the newest (provider doc §4).
        const accountId = valid.accountId as string;
        return listByAccount('getClosure', accountId, options).andThen((acrs) => {
          const newest = newestSolarisAcr(acrs);
          return newest
            ? okAsync(toClosure(newest))
            : errAsync(notFound(`Solaris has no closure request for account ${accountId}`));
        });
      });
    },

    listClosures(query, options) {
      return validateInput(solarisListQuerySchema, query, {
        provider: SOLARIS_PROVIDER,
        operation: 'listClosures',
      }).asyncAndThen((valid) => {
        const page = valid.page ?? 1;
        const pageSize = valid.pageSize ?? SOLARIS_DEFAULT_PAGE_SIZE;
        const statuses = valid.state ? SOLARIS_STATUSES_BY_STATE[valid.state] : [];
        // filter[status] takes one value: PENDING (two statuses) is filtered here, page by page.
        const serverStatus = statuses.length === 1 ? statuses[0] : undefined;
        return listAcrs(
          'listClosures',
          {
            'filter[account_id]': valid.accountId,
            'filter[status]': serverStatus,
            'filter[legal_closure_date][min]': valid.legalClosureDateMin,
            'filter[legal_closure_date][max]': valid.legalClosureDateMax,
            'page[number]': page,
            'page[size]': pageSize,
          },
          options,
        ).map(({ data, headers }) => ({
          items: data
            .filter((acr) => !valid.state || mapSolarisClosureState(acr.status) === valid.state)
            .map((acr) => toClosure(acr)),
          nextPage: solarisNextPage({ headers, page, pageSize, itemCount: data.length }),
        }));
      });
    },

    parseWebhook,
  };
}
