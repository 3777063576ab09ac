import { z } from 'zod';

/**
 * Wire format of the Solaris Account Management API v1 (account closure requests, "ACRs").
 * Lenient on purpose: only the fields closekit reads are declared, extra fields pass, and
 * optional fields may be absent or null (docs/providers/solaris.md, provider doc §2).
 */

export const SOLARIS_PROVIDER = 'solaris';

export const SOLARIS_SANDBOX_API_URL = 'https://api.solaris-sandbox.de';
export const SOLARIS_SANDBOX_AUTH_URL = 'https://auth.solaris-sandbox.de/oauth2/token';
export const SOLARIS_TOKEN_PATH = '/oauth2/token';
export const SOLARIS_ACR_PATH = '/v1/account_closure_requests';

/** The documented ACR statuses (provider doc §3). Other values are accepted and kept raw. */
export const SOLARIS_ACR_STATUSES = [
  'INITIATED',
  'CONFIRMED',
  'IN_PROGRESS',
  'COMPLETED',
  'FAILED',
  'REVOKED',
] as const;
export type SolarisAcrStatus = (typeof SOLARIS_ACR_STATUSES)[number];

// Lenient fields are one transform step each rather than a chain of nullish/catch/transform
// wrappers: the ACR is parsed on every closure and every ACR webhook (docs/performance.md).

/** Docs say boolean; public clients model it as the string "true"/"false" (provider doc §2, C2/C3). */
const payoutAllowedSchema = z.transform((value): boolean | null => {
  if (typeof value === 'boolean') return value;
  // Only the spellings public clients use; any other value is no answer.
  return typeof value === 'string' && PAYOUT_ALLOWED_SPELLINGS.has(value)
    ? value.toLowerCase() === 'true'
    : null;
});
const PAYOUT_ALLOWED_SPELLINGS = new Set(['true', 'false', 'TRUE', 'FALSE', 'True', 'False']);

const textOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** `{code, detail}`; the list example shows `{}`; also absent or null (provider doc §2). */
const failureReasonSchema = z.transform((value): { code: string | null; detail: string | null } | null => {
  if (typeof value !== 'object' || value === null) return null;
  const { code, detail } = value as Record<string, unknown>;
  const failure = { code: textOrNull(code), detail: textOrNull(detail) };
  return failure.code || failure.detail ? failure : null;
});

const optionalText = z.transform(textOrNull);

const solarisAcrFieldsSchema = z.object({
  id: z.string().min(1),
  account_id: z.string().min(1),
  // An open string: an unknown status must not make a created ACR unreadable (see map-solaris-closure-state.ts).
  status: z.string().min(1),
  // The response enum misses COMPLIANCE_IMMEDIATE_PARTNER: type it as an open string (provider doc §6).
  closure_reason: optionalText,
  technical_closure_date: optionalText,
  legal_closure_date: optionalText,
  failure_reason: failureReasonSchema,
  payout_allowed: payoutAllowedSchema,
  updated_at: optionalText,
});
export type SolarisAcr = z.output<typeof solarisAcrFieldsSchema> & {
  /** The object exactly as Solaris sent it, for `Closure.raw`. */
  raw: unknown;
};

/** Validates the fields closekit reads and keeps the untouched payload beside them. */
export const solarisAcrSchema: z.ZodType<SolarisAcr> = z.transform((input, context) => {
  const parsed = solarisAcrFieldsSchema.safeParse(input);
  if (parsed.success) {
    // zod built this object for us alone: adding `raw` to it saves copying every field.
    const acr: SolarisAcr = Object.assign(parsed.data, { raw: input });
    return acr;
  }
  for (const issue of parsed.error.issues) {
    context.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  }
  return z.NEVER;
});

/** GET /v1/account_closure_requests answers a bare JSON array (provider doc §4). */
export const solarisAcrListSchema = z.array(solarisAcrSchema);

/** POST /v1/account_closure_requests body: two required fields (provider doc §2). */
export interface SolarisCreateAcrBody {
  account_id: string;
  closure_reason: string;
}

/** OAuth2 client-credentials answer (provider doc §1). */
export const solarisTokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive().finite().nullish().catch(null),
  token_type: z.string().nullish(),
  scope: z.string().nullish(),
});
export type SolarisToken = z.output<typeof solarisTokenSchema>;

/** The error envelope (provider doc §5): several entries possible; `status` number or string. */
export const solarisErrorEntrySchema = z.object({
  id: z.string().nullish().catch(null),
  status: z.union([z.number(), z.string()]).nullish().catch(null),
  code: z.string().nullish().catch(null),
  title: z.string().nullish().catch(null),
  detail: z.string().nullish().catch(null),
  source: z
    .object({ field: z.string().nullish().catch(null), message: z.string().nullish().catch(null) })
    .nullish()
    .catch(null),
});
export const solarisErrorEnvelopeSchema = z.object({ errors: z.array(solarisErrorEntrySchema).min(1) });
export type SolarisErrorEntry = z.output<typeof solarisErrorEntrySchema>;

/** What the auth host may answer on a refusal (RFC 6749 §5.2), in case it does not use the envelope. */
export const oauthErrorSchema = z.object({
  error: z.string().min(1),
  error_description: z.string().nullish().catch(null),
});

/** ACCOUNT_CLOSURE webhook payload (provider doc §8, seed 002). `business_id` may be the string "null". */
export const solarisAccountClosurePayloadSchema = z.looseObject({
  account_id: z.string().min(1),
  person_id: z
    .string()
    .nullish()
    .catch(null)
    .transform((value) => (value === 'null' || value === '' || value === undefined ? null : value)),
  business_id: z
    .string()
    .nullish()
    .catch(null)
    .transform((value) => (value === 'null' || value === '' || value === undefined ? null : value)),
  iban: optionalText,
});
export type SolarisAccountClosurePayload = z.output<typeof solarisAccountClosurePayloadSchema>;

/** The closure webhook event types (provider doc §8) and the subscription ping. */
export const SOLARIS_CLOSURE_EVENT_TYPES = [
  'ACCOUNT_CLOSURE_REQUEST',
  'ACCOUNT_CLOSURE_REQUEST_UPDATE',
  'ACCOUNT_CLOSURE',
] as const;
export type SolarisClosureEventType = (typeof SOLARIS_CLOSURE_EVENT_TYPES)[number];
export const SOLARIS_SUBSCRIPTION_PING_EVENT_TYPE = 'WEBHOOK-SUBSCRIPTION';

export const SOLARIS_WEBHOOK_HEADERS = {
  id: 'solaris-webhook-id',
  subscriptionId: 'solaris-webhook-subscription-id',
  eventType: 'solaris-webhook-event-type',
  entityId: 'solaris-entity-id',
  attempt: 'solaris-webhook-attempt',
  signature: 'solaris-webhook-signature',
} as const;
