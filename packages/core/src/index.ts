export {
  type ClosureClient,
  type ClosureClientSettings,
  createClosureClient,
  type Routed,
} from './client/closure-client';
export {
  type Closure,
  type ClosureBlocker,
  type ClosureFailure,
  type ClosureInit,
  closureSchema,
  createClosure,
} from './domain/closure';
export { ClosureError, type ClosureErrorOptions } from './domain/closure-error';
export {
  CLOSURE_ERROR_CODES,
  type ClosureErrorCode,
  closureErrorCodeSchema,
  isRetryableErrorCode,
  RETRYABLE_ERROR_CODES,
} from './domain/closure-error-code';
export {
  CLOSURE_EVENT_TYPES,
  type ClosureEvent,
  type ClosureEventType,
  closureEventSchema,
} from './domain/closure-event';
export { CLOSURE_REASONS, type ClosureReason, closureReasonSchema } from './domain/closure-reason';
export {
  CLOSURE_STATES,
  type ClosureState,
  closureStateSchema,
  TERMINAL_CLOSURE_STATES,
} from './domain/closure-state';
export { createReasonMap, type ReasonMap, type ReasonTable } from './domain/reason-map';
export {
  describeIssues,
  type InputIssue,
  parseSettingsOrThrow,
  validateInput,
} from './domain/validate-input';
export {
  createHttpTransport,
  type HttpErrorResponse,
  type HttpHooks,
  type HttpMethod,
  type HttpRequestEvent,
  type HttpRequestSpec,
  type HttpResponseEvent,
  type HttpRetryEvent,
  type HttpSuccess,
  type HttpTransport,
  type HttpTransportSettings,
  type OutgoingRequest,
  type ReconcileOutcome,
} from './http/http-transport';
export { classifyNetworkError, type NetworkFailure } from './http/network-error';
export { createRedactor, excerpt, isSensitiveHeader, REDACTED, type Redactor } from './http/redact';
export {
  type BackoffSettings,
  backoffDelayMs,
  DEFAULT_BACKOFF,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
  isRetryableStatus,
  parseRetryAfterMs,
} from './http/retry-policy';
export { credentialUrlProblem, isLoopbackHost } from './http/secure-url';
export {
  type CommonAdapterSettings,
  commonAdapterSettingsSchema,
  credentialUrlSchema,
  settingOrEnv,
} from './port/adapter-settings';
export {
  type CallOptions,
  type CloseAccountRequest,
  type ClosureAdapter,
  type ClosureAdapterCapabilities,
  type ClosurePage,
  type ClosureRef,
  closeAccountRequestSchema,
  closureRefSchema,
  type ListClosuresQuery,
  listClosuresQuerySchema,
  type WebhookHeaders,
  type WebhookInput,
} from './port/closure-adapter';
export {
  hmacSha256Hex,
  matchesAnyCredential,
  type RawBody,
  rawBodyBytes,
  timingSafeEqualStrings,
  verifyHmacSha256Hex,
} from './webhook/hmac';
export {
  checkWebhookSize,
  DEFAULT_MAX_WEBHOOK_BYTES,
  parseWebhookJson,
  shouldAcknowledgeWebhook,
  webhookNotAClosureEvent,
  webhookPayloadInvalid,
  webhookSignatureInvalid,
} from './webhook/webhook-body';
export { getHeader } from './webhook/webhook-headers';

/** Stamped in from package.json by the build (tsup.shared.ts); tests run the sources, which have none. */
declare const __CLOSEKIT_VERSION__: string | undefined;
export const VERSION: string =
  typeof __CLOSEKIT_VERSION__ === 'string' ? __CLOSEKIT_VERSION__ : '0.0.0-source';
