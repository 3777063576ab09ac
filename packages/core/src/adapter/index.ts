/**
 * `@closekit/core/adapter`: what adapter authors need and applications do not. The transport, the
 * token cache, the error-rule matcher, guards and lenient wire fields, validation, the reason map,
 * closure construction and the webhook helpers. See docs/writing-an-adapter.md.
 */

export { type ClosureInit, createClosure } from '../domain/closure';
export { createReasonMap, type ReasonMap, type ReasonTable } from '../domain/reason-map';
export {
  describeIssues,
  type InputIssue,
  parseSettingsOrThrow,
  validateInput,
} from '../domain/validate-input';
export {
  createHttpTransport,
  type HttpErrorResponse,
  type HttpMethod,
  type HttpRequestSpec,
  type HttpSuccess,
  type HttpTransport,
  type HttpTransportExtras,
  type HttpTransportSettings,
  type OutgoingRequest,
  type ReconcileOutcome,
} from '../http/http-transport';
export { classifyNetworkError, type NetworkFailure } from '../http/network-error';
export { createRedactor, excerpt, isSensitiveHeader, REDACTED, type Redactor } from '../http/redact';
export {
  backoffDelayMs,
  DEFAULT_BACKOFF,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
  isRetryableStatus,
  parseRetryAfterMs,
} from '../http/retry-policy';
export { credentialUrlProblem, isLoopbackHost } from '../http/secure-url';
export { commonAdapterSettingsSchema, credentialUrlSchema, settingOrEnv } from '../port/adapter-settings';
export {
  closeAccountRequestSchema,
  closureRefSchema,
  listClosuresQuerySchema,
} from '../port/closure-adapter';
export {
  hmacSha256Hex,
  matchesAnyCredential,
  type RawBody,
  rawBodyBytes,
  timingSafeEqualStrings,
  verifyHmacSha256Hex,
} from '../webhook/hmac';
export {
  checkWebhookSize,
  DEFAULT_MAX_WEBHOOK_BYTES,
  parseWebhookJson,
  webhookNotAClosureEvent,
  webhookPayloadInvalid,
  webhookSignatureInvalid,
} from '../webhook/webhook-body';
export { getHeader } from '../webhook/webhook-headers';
export { type ErrorFacts, type ErrorRule, matchErrorRule } from './error-rules';
export { asRecord, isRecord, lenientNumber, lenientText, numberOrNull, textOrNull } from './guards';
export {
  type Authorize,
  createTokenCache,
  DEFAULT_TOKEN_LIFETIME_MS,
  DEFAULT_TOKEN_REFRESH_MARGIN_MS,
  type IssuedToken,
  type TokenCache,
  type TokenCacheSettings,
  type TokenRequest,
} from './token-cache';
