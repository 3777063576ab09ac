import type { ClosureErrorCode } from '@closekit/core';

/**
 * How the service reports each closekit error to its own callers. Provider-side problems
 * (auth, bad answers) are 502: the caller did nothing wrong and cannot fix them.
 */
export const HTTP_STATUS_FOR_ERROR: Record<ClosureErrorCode, number> = {
  INVALID_REQUEST: 400,
  REASON_NOT_SUPPORTED: 422,
  OPERATION_NOT_SUPPORTED: 422,
  NON_ZERO_BALANCE: 409,
  ALREADY_CLOSED: 409,
  ACCOUNT_BLOCKED: 409,
  DUPLICATE_REQUEST: 409,
  ACCOUNT_NOT_FOUND: 404,
  CLOSURE_NOT_FOUND: 404,
  AUTHENTICATION_FAILED: 502,
  PERMISSION_DENIED: 502,
  RATE_LIMITED: 503,
  PROVIDER_UNAVAILABLE: 503,
  TIMEOUT: 504,
  NETWORK_ERROR: 502,
  // The closure may exist: 202 tells the caller to check back rather than retry.
  OUTCOME_UNKNOWN: 202,
  INVALID_RESPONSE: 502,
  WEBHOOK_SIGNATURE_INVALID: 401,
  WEBHOOK_PAYLOAD_INVALID: 400,
  PROVIDER_ERROR: 502,
};
