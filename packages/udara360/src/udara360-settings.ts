import { CLOSURE_REASONS, type CommonAdapterSettings } from '@closekit/core';
import {
  commonAdapterSettingsSchema,
  credentialUrlSchema,
  describeIssues,
  parseSettingsOrThrow,
  settingOrEnv,
} from '@closekit/core/adapter';
import { z } from 'zod';
import { CLOSURE_REASON_MAX_LENGTH } from './map-udara360-closure-reason';

export const UDARA360_PROVIDER = 'udara360';

/** Udara360's test ("staging") host; the default (providers/udara360.md §1, [PM]). */
export const UDARA360_TEST_BASE_URL = 'https://openapi.test.udara360.io';
/** Udara360's live ("production") host. */
export const UDARA360_LIVE_BASE_URL = 'https://openapi.udara360.io';

export const UDARA360_CLIENT_ID_ENV = 'UDARA360_CLIENT_ID';
export const UDARA360_CLIENT_SECRET_ENV = 'UDARA360_CLIENT_SECRET';
/** The API base URL when the `baseUrl` setting is absent (setting > env > test host). */
export const UDARA360_BASE_URL_ENV = 'UDARA360_BASE_URL';

export interface Udara360AdapterSettings extends CommonAdapterSettings {
  /** Falls back to the UDARA360_CLIENT_ID environment variable. */
  clientId?: string;
  /** Falls back to the UDARA360_CLIENT_SECRET environment variable. Never logged. */
  clientSecret?: string;
  /**
   * Read the account's balances before closing and refuse a funded one (ledger, available or lien
   * not zero) with NON_ZERO_BALANCE, nothing sent; default true. Closure is irreversible at
   * Udara360 ([PORTAL]) and what happens to the funds is undocumented. `false` skips the balance
   * read only: the status read that answers "already closed" always runs.
   */
  preflight?: boolean;
}

const noControlCharacters = (value: string) => !/[\u0000-\u001f\u007f]/.test(value);

// The authenticate body caps both credentials at 100 characters ([AUTH]).
const credentialSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters (Udara360 authenticate limit)')
  .refine(noControlCharacters, 'must not contain control characters');

// closureReason is free text of at most 150 characters ([CA]); user overrides must fit too.
const wireReasonSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(CLOSURE_REASON_MAX_LENGTH, `must be at most ${CLOSURE_REASON_MAX_LENGTH} characters (Udara360 limit)`)
  .refine(noControlCharacters, 'must not contain control characters')
  .refine((value) => value.trim() === value, 'must not start or end with whitespace');

export const udara360SettingsSchema = commonAdapterSettingsSchema
  .extend({
    clientId: credentialSchema.optional(),
    clientSecret: credentialSchema.optional(),
    preflight: z.boolean().optional(),
    reasonMap: z.partialRecord(z.enum(CLOSURE_REASONS), wireReasonSchema.nullable()).optional(),
  })
  // A misspelt setting (e.g. `clientSecrett`) must be reported, not dropped for the environment's value.
  .strict();

type ParsedSettings = z.infer<typeof udara360SettingsSchema>;

/** The settings with every fallback applied: setting > environment variable > default. */
export interface ResolvedUdara360Settings extends ParsedSettings {
  baseUrl: string;
  clientId: string | undefined;
  clientSecret: string | undefined;
  preflight: boolean;
}

/**
 * Validates the settings and applies the fallbacks. Throws one ClosureError listing every
 * problem, including an invalid UDARA360_BASE_URL (named as the variable, not as `baseUrl`).
 * Missing credentials are not a settings error: operations report them (AUTHENTICATION_FAILED).
 */
export function resolveUdara360Settings(input: Udara360AdapterSettings = {}): ResolvedUdara360Settings {
  const envBaseUrl =
    input?.baseUrl === undefined ? settingOrEnv(undefined, UDARA360_BASE_URL_ENV) : undefined;
  const envProblems = envBaseUrl === undefined ? null : credentialUrlSchema.safeParse(envBaseUrl).error;
  const extraIssues = envProblems
    ? describeIssues(envProblems.issues).map((issue) => ({ ...issue, path: UDARA360_BASE_URL_ENV }))
    : [];
  const settings = parseSettingsOrThrow(udara360SettingsSchema, input, UDARA360_PROVIDER, extraIssues);
  return {
    ...settings,
    baseUrl: settings.baseUrl ?? envBaseUrl ?? UDARA360_TEST_BASE_URL,
    clientId: settingOrEnv(settings.clientId, UDARA360_CLIENT_ID_ENV),
    clientSecret: settingOrEnv(settings.clientSecret, UDARA360_CLIENT_SECRET_ENV),
    preflight: settings.preflight ?? true,
  };
}
