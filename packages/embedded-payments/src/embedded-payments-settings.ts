import { CLOSURE_REASONS, type CommonAdapterSettings } from '@closekit/core';
import {
  commonAdapterSettingsSchema,
  credentialUrlSchema,
  describeIssues,
  type OutgoingRequest,
  parseSettingsOrThrow,
} from '@closekit/core/adapter';
import { z } from 'zod';
import { MAX_CLOSURE_REASON_LENGTH } from './embedded-payments-api';
import type { EmbeddedPaymentsWebhookVerifier } from './embedded-payments-webhook';

export const EMBEDDED_PAYMENTS_PROVIDER = 'embedded-payments';

/** Accounts API bases per environment (provider notes §1, the specs' `servers`). */
export const EMBEDDED_PAYMENTS_BASE_URLS = {
  v1: {
    production: 'https://api.payments.jpmorgan.com/embedded/v1',
    sandbox: 'https://api-sandbox.payments.jpmorgan.com/embedded/v1',
    mock: 'https://api-mock.payments.jpmorgan.com/embedded/v1',
  },
  v2: {
    production: 'https://api.payments.jpmorgan.com/embedded/v2',
    sandbox: 'https://api-sandbox.payments.jpmorgan.com/embedded/v2',
    mock: 'https://api-mock.payments.jpmorgan.com/embedded/v2',
  },
} as const;

export const EMBEDDED_PAYMENTS_PRODUCTION_URL_V1 = EMBEDDED_PAYMENTS_BASE_URLS.v1.production;
export const EMBEDDED_PAYMENTS_SANDBOX_URL_V1 = EMBEDDED_PAYMENTS_BASE_URLS.v1.sandbox;
export const EMBEDDED_PAYMENTS_MOCK_URL_V1 = EMBEDDED_PAYMENTS_BASE_URLS.v1.mock;
export const EMBEDDED_PAYMENTS_PRODUCTION_URL_V2 = EMBEDDED_PAYMENTS_BASE_URLS.v2.production;
export const EMBEDDED_PAYMENTS_SANDBOX_URL_V2 = EMBEDDED_PAYMENTS_BASE_URLS.v2.sandbox;
export const EMBEDDED_PAYMENTS_MOCK_URL_V2 = EMBEDDED_PAYMENTS_BASE_URLS.v2.mock;

/** Read when the `baseUrl` setting is absent (setting > env > the sandbox of `apiVersion`). */
export const EMBEDDED_PAYMENTS_BASE_URL_ENV = 'EMBEDDED_PAYMENTS_BASE_URL';
/** Read when the `apiVersion` setting is absent (setting > env > 'v1'); only `v1` or `v2`. */
export const EMBEDDED_PAYMENTS_API_VERSION_ENV = 'EMBEDDED_PAYMENTS_API_VERSION';

export type EmbeddedPaymentsApiVersion = 'v1' | 'v2';

export interface EmbeddedPaymentsAdapterSettings extends CommonAdapterSettings {
  /**
   * Accounts API generation: 'v1' closes with `POST /accounts/{id}` (the guide's call, default),
   * 'v2' (beta) with `PATCH /accounts/{id}`. `baseUrl` must point at the same generation.
   * Falls back to EMBEDDED_PAYMENTS_API_VERSION.
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

/** The environment fallbacks, validated under their own names so an error says which variable. */
const envSchema = z.object({
  [EMBEDDED_PAYMENTS_BASE_URL_ENV]: credentialUrlSchema.optional(),
  [EMBEDDED_PAYMENTS_API_VERSION_ENV]: z.enum(['v1', 'v2'], { message: 'must be v1 or v2' }).optional(),
});

type Env = Readonly<Record<string, string | undefined>>;

export interface ResolvedEmbeddedPaymentsSettings {
  settings: z.output<typeof settingsSchema>;
  apiVersion: EmbeddedPaymentsApiVersion;
  baseUrl: string;
  preflight: boolean;
}

/**
 * Validates the settings and their environment fallbacks together and throws ONE error listing
 * every problem (invalid settings are a programmer error, found at start-up). A variable is read
 * only when its setting is absent; an empty variable counts as absent.
 */
export function resolveEmbeddedPaymentsSettings(
  input: unknown,
  env: Env = typeof process === 'undefined' ? {} : process.env,
): ResolvedEmbeddedPaymentsSettings {
  const given = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const fromEnv = (setting: string, name: string) =>
    given[setting] === undefined && env[name] !== '' ? env[name] : undefined;
  const environment = envSchema.safeParse({
    [EMBEDDED_PAYMENTS_BASE_URL_ENV]: fromEnv('baseUrl', EMBEDDED_PAYMENTS_BASE_URL_ENV),
    [EMBEDDED_PAYMENTS_API_VERSION_ENV]: fromEnv('apiVersion', EMBEDDED_PAYMENTS_API_VERSION_ENV),
  });
  const envIssues = environment.success ? [] : describeIssues(environment.error.issues);
  const settings = parseSettingsOrThrow(settingsSchema, input, EMBEDDED_PAYMENTS_PROVIDER, envIssues);
  const fallbacks = environment.data ?? {};
  const apiVersion = settings.apiVersion ?? fallbacks[EMBEDDED_PAYMENTS_API_VERSION_ENV] ?? 'v1';
  return {
    settings,
    apiVersion,
    baseUrl:
      settings.baseUrl ??
      fallbacks[EMBEDDED_PAYMENTS_BASE_URL_ENV] ??
      EMBEDDED_PAYMENTS_BASE_URLS[apiVersion].sandbox,
    preflight: settings.preflight ?? true,
  };
}
