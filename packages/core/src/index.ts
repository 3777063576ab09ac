// The application surface: the domain, the port's types, the client, errors and hooks.
export {
  type ClosureClient,
  type ClosureClientSettings,
  createClosureClient,
  type Routed,
} from './client/closure-client';
export { type Closure, type ClosureBlocker, type ClosureFailure, closureSchema } from './domain/closure';
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
export type { InputIssue } from './domain/validate-input';
export type {
  HttpHooks,
  HttpRequestEvent,
  HttpResponseEvent,
  HttpRetryEvent,
} from './http/http-transport';
export type { BackoffSettings } from './http/retry-policy';
export type { CommonAdapterSettings } from './port/adapter-settings';
export type {
  CallOptions,
  CloseAccountRequest,
  ClosureAdapter,
  ClosureAdapterCapabilities,
  ClosurePage,
  ClosureRef,
  ListClosuresQuery,
  WebhookHeaders,
  WebhookInput,
} from './port/closure-adapter';
export { shouldAcknowledgeWebhook } from './webhook/webhook-body';

/** Stamped in from package.json by the build (tsup.shared.ts); tests run the sources, which have none. */
declare const __CLOSEKIT_VERSION__: string | undefined;
export const VERSION: string =
  typeof __CLOSEKIT_VERSION__ === 'string' ? __CLOSEKIT_VERSION__ : '0.0.0-source';

// Adapter-internal: these moved to `@closekit/core/adapter`. They stay re-exported here only
// until every adapter imports them from there; new code must use the subpath.
export {
  backoffDelayMs,
  type ClosureInit,
  checkWebhookSize,
  classifyNetworkError,
  closeAccountRequestSchema,
  closureRefSchema,
  commonAdapterSettingsSchema,
  createClosure,
  createHttpTransport,
  createReasonMap,
  createRedactor,
  credentialUrlProblem,
  credentialUrlSchema,
  DEFAULT_BACKOFF,
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_WEBHOOK_BYTES,
  DEFAULT_TIMEOUT_MS,
  describeIssues,
  excerpt,
  getHeader,
  type HttpErrorResponse,
  type HttpMethod,
  type HttpRequestSpec,
  type HttpSuccess,
  type HttpTransport,
  type HttpTransportSettings,
  hmacSha256Hex,
  isLoopbackHost,
  isRetryableStatus,
  isSensitiveHeader,
  listClosuresQuerySchema,
  matchesAnyCredential,
  type NetworkFailure,
  type OutgoingRequest,
  parseRetryAfterMs,
  parseSettingsOrThrow,
  parseWebhookJson,
  type RawBody,
  REDACTED,
  type ReasonMap,
  type ReasonTable,
  type ReconcileOutcome,
  type Redactor,
  rawBodyBytes,
  settingOrEnv,
  timingSafeEqualStrings,
  validateInput,
  verifyHmacSha256Hex,
  webhookNotAClosureEvent,
  webhookPayloadInvalid,
  webhookSignatureInvalid,
} from './adapter/index';
