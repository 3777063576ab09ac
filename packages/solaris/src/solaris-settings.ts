import { CLOSURE_REASONS, type CommonAdapterSettings } from '@closekit/core';
import {
  commonAdapterSettingsSchema,
  credentialUrlSchema,
  describeIssues,
  type InputIssue,
  parseSettingsOrThrow,
  settingOrEnv,
} from '@closekit/core/adapter';
import { z } from 'zod';
import { SOLARIS_CREATE_REASONS } from './solaris-api';

export const SOLARIS_PROVIDER = 'solaris';

/** Sandbox hosts (provider doc §1); production is `https://api.solarisbank.de` / `https://auth.solarisbank.de`. */
export const SOLARIS_SANDBOX_API_URL = 'https://api.solaris-sandbox.de';
export const SOLARIS_SANDBOX_AUTH_URL = 'https://auth.solaris-sandbox.de/oauth2/token';
export const SOLARIS_TOKEN_PATH = '/oauth2/token';
export const SOLARIS_ACR_PATH = '/v1/account_closure_requests';

export const SOLARIS_CLIENT_ID_ENV = 'SOLARIS_CLIENT_ID';
export const SOLARIS_CLIENT_SECRET_ENV = 'SOLARIS_CLIENT_SECRET';
export const SOLARIS_BASE_URL_ENV = 'SOLARIS_BASE_URL';
export const SOLARIS_AUTH_URL_ENV = 'SOLARIS_AUTH_URL';

/** Solaris' own default page size (provider doc §4); sent explicitly so `nextPage` can be derived. */
export const SOLARIS_DEFAULT_PAGE_SIZE = 10;
/** Read-backs by account ask for one large page (the maximum, provider doc §4): an account has very few ACRs. */
export const SOLARIS_READ_BACK_PAGE_SIZE = 1000;
/**
 * After a lost create, a FAILED or REVOKED ACR updated this close to (or after) the call's start may
 * be the one the lost attempt created and Solaris failed at once (e.g. a balance check): it counts
 * as applied, so the adapter never creates a second ACR (provider doc §7.4). The margin covers
 * clock skew between us and Solaris.
 */
export const SOLARIS_RECENT_ACR_MARGIN_MS = 5 * 60_000;

export interface SolarisAdapterSettings extends CommonAdapterSettings {
  /** Default: the SOLARIS_BASE_URL environment variable, else the sandbox API. */
  baseUrl?: string;
  /**
   * The OAuth host (`https://auth.solarisbank.de`) or the full token URL. Default: the
   * SOLARIS_AUTH_URL environment variable, else the sandbox token URL.
   */
  authUrl?: string;
  /** Default: the SOLARIS_CLIENT_ID environment variable. */
  clientId?: string;
  /** Default: the SOLARIS_CLIENT_SECRET environment variable. */
  clientSecret?: string;
  /** HMAC secrets of your webhook subscriptions, all accepted (one per event type, plus rotation). */
  webhookSecrets?: string[];
}

/** The settings after validation, with every fallback applied. */
export interface ResolvedSolarisSettings {
  settings: SolarisAdapterSettings;
  baseUrl: string;
  /** The token URL (`/oauth2/token` appended to a bare host). */
  tokenUrl: string;
  clientId: string | undefined;
  clientSecret: string | undefined;
  webhookSecrets: readonly string[];
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

/** The environment fallbacks, validated like the settings they replace; issues name the variable. */
const envSchema = z.object({
  [SOLARIS_CLIENT_ID_ENV]: clientIdSchema.optional(),
  [SOLARIS_CLIENT_SECRET_ENV]: credentialSchema.optional(),
  [SOLARIS_BASE_URL_ENV]: credentialUrlSchema.optional(),
  [SOLARIS_AUTH_URL_ENV]: credentialUrlSchema.optional(),
});

/** `https://auth.example` -> `https://auth.example/oauth2/token`; a URL with a path is used as given. */
export function resolveSolarisTokenUrl(authUrl: string): string {
  const url = new URL(authUrl);
  if (url.pathname === '' || url.pathname === '/') url.pathname = SOLARIS_TOKEN_PATH;
  return url.toString();
}

/**
 * Validates the settings, the environment fallbacks (setting > env > default) and the id/secret
 * pairing together and throws ONE error listing every problem: fixing one setting must not merely
 * reveal the next.
 */
export function parseSolarisSettings(input: SolarisAdapterSettings): ResolvedSolarisSettings {
  const given = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const text = (name: string) => (typeof given[name] === 'string' ? (given[name] as string) : undefined);
  const fallbacks = {
    clientId: SOLARIS_CLIENT_ID_ENV,
    clientSecret: SOLARIS_CLIENT_SECRET_ENV,
    baseUrl: SOLARIS_BASE_URL_ENV,
    authUrl: SOLARIS_AUTH_URL_ENV,
  } as const;
  type Fallback = keyof typeof fallbacks;
  const names = Object.keys(fallbacks) as Fallback[];
  const value = (name: Fallback) => settingOrEnv(text(name), fallbacks[name]);
  // Only values that came from the environment are checked here; the settings schema checks the rest.
  const env = envSchema.safeParse(
    Object.fromEntries(
      names.map((name) => [fallbacks[name], given[name] === undefined ? value(name) : undefined]),
    ),
  );
  const issues: InputIssue[] = env.success ? [] : describeIssues(env.error.issues);
  const clientId = value('clientId');
  const clientSecret = value('clientSecret');
  const missing = clientId === undefined ? 'clientId' : 'clientSecret';
  // A given value of the wrong type is the schema's issue, not a missing pair.
  if ((clientId === undefined) !== (clientSecret === undefined) && given[missing] === undefined) {
    issues.push({
      path: missing,
      message: `is required with ${missing === 'clientId' ? 'clientSecret' : 'clientId'}: clientId and clientSecret go together (settings or ${SOLARIS_CLIENT_ID_ENV} / ${SOLARIS_CLIENT_SECRET_ENV})`,
    });
  }
  const settings = parseSettingsOrThrow(settingsSchema, input, SOLARIS_PROVIDER, issues);
  return {
    settings,
    baseUrl: value('baseUrl') ?? SOLARIS_SANDBOX_API_URL,
    tokenUrl: resolveSolarisTokenUrl(value('authUrl') ?? SOLARIS_SANDBOX_AUTH_URL),
    clientId,
    clientSecret,
    webhookSecrets: settings.webhookSecrets ?? [],
  };
}
