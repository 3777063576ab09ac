import { err, ok, type Result } from 'neverthrow';
import { ClosureError, type CommonErrorDetails } from '../domain/closure-error';
import { type RawBody, rawBodyBytes } from './hmac';

/** Webhook bodies larger than this are refused before verification work. */
export const DEFAULT_MAX_WEBHOOK_BYTES = 256 * 1024;

export function webhookSignatureInvalid(provider: string, message: string): ClosureError {
  return new ClosureError({ code: 'WEBHOOK_SIGNATURE_INVALID', provider, message });
}

export function webhookPayloadInvalid(
  provider: string,
  message: string,
  details?: CommonErrorDetails | null,
): ClosureError {
  return new ClosureError({ code: 'WEBHOOK_PAYLOAD_INVALID', provider, message, details });
}

/** Size check, for use before verification. */
export function checkWebhookSize(
  provider: string,
  rawBody: RawBody,
  maxBytes = DEFAULT_MAX_WEBHOOK_BYTES,
): Result<Buffer, ClosureError> {
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
    return err(
      webhookPayloadInvalid(
        provider,
        'rawBody must be the string or bytes received, before any JSON parsing',
      ),
    );
  }
  const bytes = rawBodyBytes(rawBody);
  if (bytes.byteLength > maxBytes) {
    return err(
      webhookPayloadInvalid(
        provider,
        `webhook body is ${bytes.byteLength} bytes, over the ${maxBytes}-byte limit`,
      ),
    );
  }
  return ok(bytes);
}

/** Parses an already verified body as JSON. */
export function parseWebhookJson(provider: string, bytes: Buffer): Result<unknown, ClosureError> {
  try {
    return ok(JSON.parse(bytes.toString('utf8')));
  } catch {
    return err(webhookPayloadInvalid(provider, 'webhook body is not valid JSON'));
  }
}

/**
 * A delivery that is not a closure event: a subscription ping, an event about something else.
 * It is still an error value (there is no ClosureEvent to return), flagged so that a receiver
 * answers 2xx and processes nothing; see `shouldAcknowledgeWebhook`.
 */
export function webhookNotAClosureEvent(
  provider: string,
  message: string,
  details: Record<string, unknown> = {},
): ClosureError {
  return webhookPayloadInvalid(provider, message, { ...details, acknowledge: true });
}

/** True when a parseWebhook error means "answer 2xx and ignore" rather than "refuse". */
export function shouldAcknowledgeWebhook(error: ClosureError): boolean {
  const details = error.details as { acknowledge?: unknown } | null;
  return error.code === 'WEBHOOK_PAYLOAD_INVALID' && details?.acknowledge === true;
}
