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
  OutgoingRequest,
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
