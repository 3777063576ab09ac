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
  isRecord,
  matchesAnyCredential,
  parseWebhookJson,
  type ReasonMap,
  type Redactor,
  webhookNotAClosureEvent,
  webhookPayloadInvalid,
  webhookSignatureInvalid,
} from '@closekit/core/adapter';
import { err, errAsync, ok, type Result, ResultAsync } from 'neverthrow';
import { z } from 'zod';
import { convertEmbeddedPaymentsAccountToClosure } from './convert-embedded-payments-to-closure';
import { optionalText } from './embedded-payments-api';
import { EMBEDDED_PAYMENTS_PROVIDER } from './embedded-payments-settings';

/** What a `webhookSignatureVerifier` is given. Header values are as received (first of repeats). */
export interface EmbeddedPaymentsWebhookVerifierInput {
  /** The exact bytes received. */
  rawBody: Uint8Array;
  headers: WebhookHeaders;
  /** The `signature` header, or null when absent. */
  signature: string | null;
  /** The `key-id` header. */
  keyId: string | null;
  /** The `signingAlgorithm` header (EC in J.P. Morgan's samples). */
  signingAlgorithm: string | null;
  /** The `Authorization` header (an OAuth bearer token issued by your token endpoint). */
  authorization: string | null;
}

export type EmbeddedPaymentsWebhookVerifier = (
  input: EmbeddedPaymentsWebhookVerifierInput,
) => boolean | Promise<boolean>;

export interface EmbeddedPaymentsWebhookSettings {
  /** Accepted bearer tokens or custom header values (several, for rotation). */
  credentials: readonly string[];
  /** 'authorization' (default) expects `Bearer <credential>`; any other header is compared raw. */
  credentialHeader: string;
  verifier: EmbeddedPaymentsWebhookVerifier | null;
  reasons: ReasonMap;
  redactor: Redactor;
}

const provider = EMBEDDED_PAYMENTS_PROVIDER;
const SIGNATURE_HEADER = 'signature';
const ACCOUNTS_RESOURCE = 'ACCOUNTS';

const eventIdSchema = z.union([z.string().min(1), z.number().transform(String)]);

/** `AccountCallbackEvent` (legacy spec EF-1.0.8): `type`, not `category`, and no closureReason. */
const callbackAccountSchema = z
  .object({
    id: z.string().min(1),
    state: optionalText,
    type: optionalText,
    category: optionalText,
    createdAt: optionalText,
  })
  .loose();
type CallbackAccount = z.infer<typeof callbackAccountSchema>;

/** `WebhookCallbackEvent`: the format of notifications sent without OAuth (provider notes §8). */
const callbackEventSchema = z
  .object({
    eventId: eventIdSchema,
    eventType: z.string().min(1),
    resourceType: optionalText,
    resource: z.unknown().optional(),
    resourceObject: z.unknown().optional(),
  })
  .loose();

/** The "signed" (OAuth) format; only onboarding samples exist, so everything past the envelope is lenient. */
const signedEnvelopeSchema = z
  .object({
    notificationId: eventIdSchema,
    notificationType: optionalText,
    notificationSubType: optionalText,
    messageCreateTimestamp: optionalText,
  })
  .loose();

function parseAccount(value: unknown): CallbackAccount | null {
  let candidate = value;
  if (typeof value === 'string') {
    try {
      candidate = JSON.parse(value);
    } catch {
      return null;
    }
  }
  const parsed = callbackAccountSchema.safeParse(candidate);
  return parsed.success ? parsed.data : null;
}

/** Bearer token from `Authorization: Bearer <token>`, or the raw value of a custom header. */
function presentedCredential(headers: WebhookHeaders, headerName: string): string | null {
  const value = getHeader(headers, headerName);
  if (value === null) return null;
  if (headerName.toLowerCase() !== 'authorization') return value;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1] ?? null;
}

async function runVerifier(
  verifier: EmbeddedPaymentsWebhookVerifier,
  input: EmbeddedPaymentsWebhookVerifierInput,
): Promise<boolean> {
  try {
    return (await verifier(input)) === true;
  } catch {
    // A verifier that throws has not verified anything.
    return false;
  }
}

/**
 * Verifies, then normalises, one J.P. Morgan notification. Pure: the same input always yields
 * the same event (no read-back), so repeated or out-of-order deliveries are harmless when the
 * receiver de-duplicates on `eventId` and treats the event as a trigger to call getClosure.
 */
export function parseEmbeddedPaymentsWebhook(
  settings: EmbeddedPaymentsWebhookSettings,
  input: WebhookInput,
): ResultAsync<ClosureEvent, ClosureError> {
  if (typeof input !== 'object' || input === null) {
    return errAsync(webhookPayloadInvalid(provider, 'parseWebhook needs { rawBody, headers }'));
  }
  const headers: WebhookHeaders =
    isRecord(input.headers) || input.headers instanceof Headers ? input.headers : {};
  const size = checkWebhookSize(provider, input.rawBody);
  if (size.isErr()) return errAsync(size.error);
  const bytes = size.value;
  if (settings.credentials.length === 0 && settings.verifier === null) {
    return errAsync(
      webhookSignatureInvalid(
        provider,
        'no webhook verification is configured: set webhookCredentials (the bearer token or custom header value of your subscription) or webhookSignatureVerifier',
      ),
    );
  }

  const verdicts = async () => {
    const presented = presentedCredential(headers, settings.credentialHeader);
    const credentialOk =
      settings.credentials.length > 0 &&
      presented !== null &&
      matchesAnyCredential(presented, settings.credentials);
    const signature = getHeader(headers, SIGNATURE_HEADER);
    const verifierOk = settings.verifier
      ? await runVerifier(settings.verifier, {
          rawBody: new Uint8Array(bytes),
          headers,
          signature,
          keyId: getHeader(headers, 'key-id'),
          signingAlgorithm: getHeader(headers, 'signingAlgorithm'),
          authorization: getHeader(headers, 'authorization'),
        })
      : false;
    return { credentialOk, verifierOk, signed: signature !== null };
  };
  return ResultAsync.fromPromise(verdicts(), () =>
    // Headers we cannot even read (a broken record) verify nothing.
    webhookSignatureInvalid(provider, 'the notification headers could not be read'),
  ).andThen(({ credentialOk, verifierOk, signed }) => {
    if (signed && !settings.verifier) {
      return errAsync(signedWithoutVerifier());
    }
    if (signed && !verifierOk) {
      return errAsync(
        webhookSignatureInvalid(provider, 'webhookSignatureVerifier rejected the notification'),
      );
    }
    if (!signed && !credentialOk && !verifierOk) {
      return errAsync(
        webhookSignatureInvalid(
          provider,
          `the ${settings.credentialHeader} header is missing or does not match any of webhookCredentials`,
        ),
      );
    }
    const json = parseWebhookJson(provider, bytes);
    if (json.isErr()) return errAsync(json.error);
    if (!isRecord(json.value))
      return errAsync(webhookPayloadInvalid(provider, 'webhook body is not a JSON object'));
    const body = json.value;
    if ('notificationId' in body) {
      // A signed-format body is only trusted when the verifier accepted it, whatever the headers say.
      if (!settings.verifier) return errAsync(signedWithoutVerifier());
      if (!verifierOk) {
        return errAsync(
          webhookSignatureInvalid(
            provider,
            'a signed-format notification was not accepted by webhookSignatureVerifier',
          ),
        );
      }
      return normaliseSigned(settings, body);
    }
    return normaliseCallback(settings, body);
  });
}

function signedWithoutVerifier(): ClosureError {
  return webhookSignatureInvalid(
    provider,
    "a signed notification arrived but no webhookSignatureVerifier is configured; J.P. Morgan's signature scheme is undocumented, so closekit never claims to verify it by itself",
  );
}

function eventTypeFor(declared: string, state: string | null): ClosureEventType | null {
  if (declared.toUpperCase().includes('ACCOUNT_CLOSED')) return 'ACCOUNT_CLOSED';
  const normalised = state?.trim().toUpperCase() ?? null;
  if (normalised === 'CLOSED') return 'ACCOUNT_CLOSED';
  if (normalised === 'PENDING_CLOSE') return 'CLOSURE_UPDATED';
  return null;
}

function buildEvent(
  settings: EmbeddedPaymentsWebhookSettings,
  body: Record<string, unknown>,
  eventId: string,
  declaredType: string,
  account: CallbackAccount,
  occurredAt: string | null,
): Result<ClosureEvent, ClosureError> {
  const type = eventTypeFor(declaredType, account.state ?? null);
  if (!type) {
    return err(
      webhookNotAClosureEvent(
        provider,
        `notification ${eventId} (${declaredType}) is not about a closure; acknowledge it and ignore it`,
        { notClosureEvent: true, eventId, eventType: declaredType },
      ),
    );
  }
  const closure = account.state
    ? convertEmbeddedPaymentsAccountToClosure(
        { id: account.id, state: account.state, closureReason: null, updatedAt: null },
        { reasons: settings.reasons, redactor: settings.redactor, raw: account, initiatedBy: 'unknown' },
      )
    : null;
  return ok({
    provider,
    eventId,
    type,
    accountId: account.id,
    closure,
    occurredAt,
    raw: settings.redactor.value(body),
  });
}

function normaliseCallback(
  settings: EmbeddedPaymentsWebhookSettings,
  body: Record<string, unknown>,
): Result<ClosureEvent, ClosureError> {
  const parsed = callbackEventSchema.safeParse(body);
  if (!parsed.success) {
    return err(
      webhookPayloadInvalid(provider, 'the notification lacks eventId or eventType', {
        issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      }),
    );
  }
  const event = parsed.data;
  // `resourceType` (required; TRANSACTIONS, CLIENTS, PARTIES, REMITTANCE, ACCOUNTS, RECIPIENTS in
  // EF-1.0.8 `WebhookCallbackEvent`) says what `resource` is: only an ACCOUNTS notification can be
  // about an account closure, whatever its eventType or resource fields look like.
  const resourceType = event.resourceType?.trim().toUpperCase() ?? null;
  if (resourceType !== ACCOUNTS_RESOURCE) {
    return err(
      webhookNotAClosureEvent(
        provider,
        `notification ${event.eventId} (${event.eventType}) is about resourceType ${event.resourceType ?? '(none)'}, not an account; acknowledge it and ignore it`,
        {
          notClosureEvent: true,
          eventId: event.eventId,
          eventType: event.eventType,
          resourceType: event.resourceType ?? null,
        },
      ),
    );
  }
  // `resource` is a JSON string; fall back to `resourceObject` (the spec's own example is not valid JSON).
  const account = parseAccount(event.resource) ?? parseAccount(event.resourceObject);
  if (!account) {
    return err(
      webhookPayloadInvalid(
        provider,
        `notification ${event.eventId}: resource is not an account (a JSON string with an id) and resourceObject does not help`,
        { eventId: event.eventId, eventType: event.eventType },
      ),
    );
  }
  // The callback carries no event time: createdAt is the account's creation.
  return buildEvent(settings, body, event.eventId, event.eventType, account, null);
}

function normaliseSigned(
  settings: EmbeddedPaymentsWebhookSettings,
  body: Record<string, unknown>,
): Result<ClosureEvent, ClosureError> {
  const parsed = signedEnvelopeSchema.safeParse(body);
  if (!parsed.success)
    return err(webhookPayloadInvalid(provider, 'the signed notification has no notificationId'));
  const envelope = parsed.data;
  const declaredType = [envelope.notificationType, envelope.notificationSubType].filter(Boolean).join('/');
  // The signed format has no resourceType; its type names are undocumented for accounts. Only a
  // notification whose declared type names an account is read as one (the onboarding samples name
  // their resource in notificationType), so a transaction or party notification is never a closure.
  if (!declaredType.toUpperCase().includes('ACCOUNT')) {
    return err(
      webhookNotAClosureEvent(
        provider,
        `signed notification ${envelope.notificationId} (${declaredType || 'no type'}) is not about an account; acknowledge it and ignore it`,
        { notClosureEvent: true, eventId: envelope.notificationId, eventType: declaredType || null },
      ),
    );
  }
  // Account-closure payloads of this format are undocumented: take the first account-like object.
  const candidates = [body.resource, body.resourceObject, ...Object.values(body).filter(isRecord)];
  let account: CallbackAccount | null = null;
  for (const candidate of candidates) {
    const direct = parseAccount(candidate);
    if (direct?.state) {
      account = direct;
      break;
    }
    if (isRecord(candidate) && typeof candidate.accountId === 'string' && candidate.accountId !== '') {
      account = parseAccount({ ...candidate, id: candidate.accountId });
      if (account) break;
    }
  }
  if (!account) {
    return err(
      webhookPayloadInvalid(provider, `signed notification ${envelope.notificationId} names no account`, {
        eventId: envelope.notificationId,
        eventType: declaredType,
      }),
    );
  }
  return buildEvent(
    settings,
    body,
    envelope.notificationId,
    declaredType,
    account,
    envelope.messageCreateTimestamp ?? null,
  );
}
