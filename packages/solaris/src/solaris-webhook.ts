import { createHash } from 'node:crypto';
import type {
  ClosureError,
  ClosureEvent,
  ClosureEventType,
  WebhookHeaders,
  WebhookInput,
} from '@closekit/core';
import {
  checkWebhookSize,
  getHeader,
  hmacSha256Hex,
  parseWebhookJson,
  type RawBody,
  verifyHmacSha256Hex,
  webhookNotAClosureEvent,
  webhookPayloadInvalid,
  webhookSignatureInvalid,
} from '@closekit/core/adapter';
import { err, ok, type Result } from 'neverthrow';
import { type AcrConversionContext, convertSolarisAcrToClosure } from './convert-solaris-to-closure';
import {
  SOLARIS_CLOSURE_EVENT_TYPES,
  SOLARIS_SUBSCRIPTION_PING_EVENT_TYPE,
  SOLARIS_WEBHOOK_HEADERS,
  type SolarisClosureEventType,
  solarisAccountClosurePayloadSchema,
  solarisAcrSchema,
} from './solaris-api';
import { SOLARIS_PROVIDER } from './solaris-settings';

/** Solaris webhook event type -> neutral event type (provider doc §8). */
export const SOLARIS_EVENT_TYPE_TABLE: Readonly<Record<SolarisClosureEventType, ClosureEventType>> = {
  ACCOUNT_CLOSURE_REQUEST: 'CLOSURE_REQUESTED',
  ACCOUNT_CLOSURE_REQUEST_UPDATE: 'CLOSURE_UPDATED',
  ACCOUNT_CLOSURE: 'ACCOUNT_CLOSED',
};

/**
 * True for the verification ping Solaris sends when a subscription is created (an empty-body POST
 * with `Solaris-Webhook-Event-Type: WEBHOOK-SUBSCRIPTION`, provider doc §8). Answer it with HTTP 200
 * before any parsing: the subscription is only created if the ping succeeds, and whether the ping
 * is signed is not documented.
 */
export function isSolarisSubscriptionPing(headers: WebhookHeaders): boolean {
  const eventType = getHeader(headers ?? {}, SOLARIS_WEBHOOK_HEADERS.eventType);
  return eventType?.trim().toUpperCase() === SOLARIS_SUBSCRIPTION_PING_EVENT_TYPE;
}

/** The `Solaris-Webhook-Signature` value for a body: `sha256=<hex HMAC-SHA256>` (for tests and simulators). */
export function signSolarisWebhook(secret: string, rawBody: RawBody): string {
  return `sha256=${hmacSha256Hex(secret, rawBody)}`;
}

export interface SolarisWebhookParserSettings extends AcrConversionContext {
  /** Every secret accepted at once (one per subscription, plus rotation). */
  secrets: readonly string[];
}

/** Verifies the raw bytes first, then normalises the three closure events. Never throws. */
export function parseSolarisWebhook(
  settings: SolarisWebhookParserSettings,
  input: WebhookInput,
): Result<ClosureEvent, ClosureError> {
  try {
    return parse(settings, input);
  } catch {
    return err(webhookPayloadInvalid(SOLARIS_PROVIDER, 'the webhook could not be read'));
  }
}

function parse(
  settings: SolarisWebhookParserSettings,
  input: WebhookInput,
): Result<ClosureEvent, ClosureError> {
  if (typeof input !== 'object' || input === null) {
    return err(webhookPayloadInvalid(SOLARIS_PROVIDER, 'parseWebhook needs { rawBody, headers }'));
  }
  const headers = input.headers ?? {};
  if (isSolarisSubscriptionPing(headers)) {
    // Not an event: the receiver must simply answer 200 (docs/providers/solaris.md, "Webhooks").
    return err(
      webhookNotAClosureEvent(
        SOLARIS_PROVIDER,
        'this is the Solaris subscription verification ping (WEBHOOK-SUBSCRIPTION), not a closure event: answer it with HTTP 200',
        { subscriptionPing: true, eventType: SOLARIS_SUBSCRIPTION_PING_EVENT_TYPE },
      ),
    );
  }
  const size = checkWebhookSize(SOLARIS_PROVIDER, input.rawBody);
  if (size.isErr()) return err(size.error);
  const bytes = size.value;

  const verified = verifySignature(
    settings.secrets,
    bytes,
    getHeader(headers, SOLARIS_WEBHOOK_HEADERS.signature),
  );
  if (verified.isErr()) return err(verified.error);

  const json = parseWebhookJson(SOLARIS_PROVIDER, bytes);
  if (json.isErr()) return err(json.error);
  const eventType = resolveEventType(getHeader(headers, SOLARIS_WEBHOOK_HEADERS.eventType), json.value);
  if (eventType.isErr()) return err(eventType.error);

  const eventId =
    getHeader(headers, SOLARIS_WEBHOOK_HEADERS.id)?.trim() ||
    // No id header: a digest of the body still de-duplicates redeliveries of the same event.
    `body-sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const type = SOLARIS_EVENT_TYPE_TABLE[eventType.value];

  if (eventType.value === 'ACCOUNT_CLOSURE') {
    const payload = solarisAccountClosurePayloadSchema.safeParse(json.value);
    if (!payload.success) return err(invalidPayload(eventType.value, payload.error.issues));
    return ok({
      provider: SOLARIS_PROVIDER,
      eventId,
      type,
      accountId: payload.data.account_id,
      // The payload names the account, not the ACR: read the ACR back with getClosure({ accountId }).
      closure: null,
      occurredAt: null,
      // `business_id` (and `person_id`) "null" strings are normalised to null (provider doc §8, seed 002).
      raw: settings.redact(payload.data),
    });
  }

  const acr = solarisAcrSchema.safeParse(json.value);
  if (!acr.success) return err(invalidPayload(eventType.value, acr.error.issues));
  const closure = convertSolarisAcrToClosure(acr.data, settings, {
    // ACCOUNT_CLOSURE_REQUEST announces a closure Solaris started (provider doc §6, §8).
    initiatedBy: eventType.value === 'ACCOUNT_CLOSURE_REQUEST' ? 'provider' : undefined,
  });
  return ok({
    provider: SOLARIS_PROVIDER,
    eventId,
    type,
    accountId: closure.accountId,
    closure,
    occurredAt: closure.updatedAt,
    raw: closure.raw,
  });
}

function verifySignature(
  secrets: readonly string[],
  bytes: Buffer,
  header: string | null,
): Result<void, ClosureError> {
  if (secrets.length === 0) {
    return err(
      webhookSignatureInvalid(
        SOLARIS_PROVIDER,
        'no webhookSecrets are configured, so no Solaris webhook can be verified',
      ),
    );
  }
  if (!header) {
    return err(webhookSignatureInvalid(SOLARIS_PROVIDER, 'the Solaris-Webhook-Signature header is missing'));
  }
  // `sha256=<hex>`: split on the first "=" (provider doc §8).
  const separator = header.indexOf('=');
  const algorithm = separator === -1 ? '' : header.slice(0, separator).trim().toLowerCase();
  const signatureHex = separator === -1 ? '' : header.slice(separator + 1);
  if (algorithm !== 'sha256') {
    return err(
      webhookSignatureInvalid(
        SOLARIS_PROVIDER,
        'the Solaris-Webhook-Signature header is not of the form sha256=<hex>',
      ),
    );
  }
  if (!verifyHmacSha256Hex({ rawBody: bytes, signatureHex, secrets })) {
    return err(
      webhookSignatureInvalid(
        SOLARIS_PROVIDER,
        'the Solaris-Webhook-Signature does not match the body under any configured secret',
      ),
    );
  }
  return ok(undefined);
}

function resolveEventType(
  header: string | null,
  body: unknown,
): Result<SolarisClosureEventType, ClosureError> {
  const declared = header?.trim();
  if (declared) {
    return (SOLARIS_CLOSURE_EVENT_TYPES as readonly string[]).includes(declared)
      ? ok(declared as SolarisClosureEventType)
      : // Verified, but about something else (a person, a card...): acknowledge it, process nothing.
        err(
          webhookNotAClosureEvent(
            SOLARIS_PROVIDER,
            `the Solaris webhook event type ${declared.slice(0, 100)} is not a closure event: answer it with HTTP 200`,
            { eventType: declared.slice(0, 100) },
          ),
        );
  }
  // Without the header, the shape tells: an ACR carries `id` and `status`; ACCOUNT_CLOSURE does not.
  if (typeof body === 'object' && body !== null && 'status' in body && 'id' in body) {
    return ok('ACCOUNT_CLOSURE_REQUEST_UPDATE');
  }
  if (typeof body === 'object' && body !== null && 'account_id' in body) return ok('ACCOUNT_CLOSURE');
  return err(
    webhookPayloadInvalid(
      SOLARIS_PROVIDER,
      'the Solaris webhook has no Solaris-Webhook-Event-Type and is no closure payload',
    ),
  );
}

function invalidPayload(
  eventType: string,
  issues: readonly { path: PropertyKey[]; message: string }[],
): ClosureError {
  const described = issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
  return webhookPayloadInvalid(
    SOLARIS_PROVIDER,
    `the ${eventType} webhook body does not have the documented shape: ${described
      .map((issue) => `${issue.path} ${issue.message}`)
      .join('; ')}`,
    { eventType, issues: described },
  );
}
