import { z } from 'zod';

export const CLOSURE_ERROR_CODES = [
  // refused before anything is sent
  'INVALID_REQUEST',
  'REASON_NOT_SUPPORTED',
  'OPERATION_NOT_SUPPORTED',
  // the provider's business answers
  'NON_ZERO_BALANCE',
  'ALREADY_CLOSED',
  'ACCOUNT_NOT_FOUND',
  'CLOSURE_NOT_FOUND',
  'ACCOUNT_BLOCKED',
  'DUPLICATE_REQUEST',
  // access, availability and transport
  'AUTHENTICATION_FAILED',
  'PERMISSION_DENIED',
  'RATE_LIMITED',
  'PROVIDER_UNAVAILABLE',
  'TIMEOUT',
  'NETWORK_ERROR',
  'OUTCOME_UNKNOWN',
  'INVALID_RESPONSE',
  // webhooks
  'WEBHOOK_SIGNATURE_INVALID',
  'WEBHOOK_PAYLOAD_INVALID',
  // anything else the provider said
  'PROVIDER_ERROR',
] as const;

export const closureErrorCodeSchema = z.enum(CLOSURE_ERROR_CODES);
export type ClosureErrorCode = z.infer<typeof closureErrorCodeSchema>;

/**
 * Codes that are worth retrying as they are. OUTCOME_UNKNOWN is deliberately absent:
 * the caller must reconcile with getClosure before trying again.
 */
export const RETRYABLE_ERROR_CODES: ReadonlySet<ClosureErrorCode> = new Set<ClosureErrorCode>([
  'RATE_LIMITED',
  'PROVIDER_UNAVAILABLE',
  'TIMEOUT',
  'NETWORK_ERROR',
]);

export function isRetryableErrorCode(code: ClosureErrorCode): boolean {
  return RETRYABLE_ERROR_CODES.has(code);
}
