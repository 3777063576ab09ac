import { asRecord, lenientText, textOrNull } from '@closekit/core/adapter';
import { z } from 'zod';

/**
 * Wire format of the Solaris Account Management API v1 (account closure requests, "ACRs").
 * Lenient on purpose: only the fields closekit reads are declared, extra fields pass, and
 * optional fields may be absent or null (docs/providers/solaris.md, provider doc §2).
 */

/**
 * The `closure_reason` values Solaris accepts on create (provider doc §6, S1, seed 001). A
 * `reasonMap` value outside this list is refused when the adapter is created: Solaris enums are
 * case-sensitive (provider doc §1, S10), so a typo would only surface as a 400 per closure.
 */
export const SOLARIS_CREATE_REASONS = [
  'ACCOUNT_REVOCATION',
  'CUSTOMER_WISH',
  'PARTNER_SERVICE_ACCOUNT_TERMINATED',
  'RELATIONSHIP_TERMINATION',
  'COMPLIANCE_IMMEDIATE_PARTNER',
] as const;

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

/** Docs say boolean; public clients model it as the string "true"/"false" (provider doc §2, C2/C3). */
const payoutAllowedSchema = z
  .union([z.boolean(), z.enum(['true', 'false', 'TRUE', 'FALSE', 'True', 'False'])])
  .nullish()
  .catch(null)
  .transform((value) => (typeof value === 'string' ? value.toLowerCase() === 'true' : (value ?? null)));

/** `{code, detail}`; the list example shows `{}`; also absent or null (provider doc §2). */
const failureReasonSchema = z.transform((value) => {
  const { code, detail } = asRecord(value);
  const failure = { code: textOrNull(code), detail: textOrNull(detail) };
  return failure.code || failure.detail ? failure : null;
});

const solarisAcrFieldsSchema = z.object({
  id: z.string().min(1),
  account_id: z.string().min(1),
  // An open string: an unknown status must not make a created ACR unreadable (see map-solaris-closure-state.ts).
  status: z.string().min(1),
  // The response enum misses COMPLIANCE_IMMEDIATE_PARTNER: type it as an open string (provider doc §6).
  closure_reason: lenientText,
  technical_closure_date: lenientText,
  legal_closure_date: lenientText,
  failure_reason: failureReasonSchema,
  payout_allowed: payoutAllowedSchema,
  updated_at: lenientText,
});
export type SolarisAcr = z.output<typeof solarisAcrFieldsSchema> & {
  /** The object exactly as Solaris sent it, for `Closure.raw`. */
  raw: unknown;
};

/** Validates the fields closekit reads and keeps the untouched payload beside them. */
export const solarisAcrSchema: z.ZodType<SolarisAcr> = z.unknown().transform((input, context) => {
  const parsed = solarisAcrFieldsSchema.safeParse(input);
  if (parsed.success) return { ...parsed.data, raw: input };
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
  iban: lenientText,
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
