import type { Result, ResultAsync } from 'neverthrow';
import type { z } from 'zod';
import type { ClosureError } from '../domain/closure-error';
import type { ClosureErrorCode } from '../domain/closure-error-code';
import type { CallOptions } from '../port/closure-adapter';
import type { Redactor } from './redact';
import type { BackoffSettings } from './retry-policy';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Metadata given to hooks. Never headers, bodies or secrets. */
export interface HttpRequestEvent {
  provider: string;
  operation: string;
  method: HttpMethod;
  url: string;
  /** 1 for the first attempt. */
  attempt: number;
  idempotencyKey: string | null;
  /** The correlation id this attempt sent, where the provider takes one. */
  requestId: string | null;
}

export interface HttpResponseEvent extends HttpRequestEvent {
  /** null when no response arrived (network error, timeout). */
  status: number | null;
  durationMs: number;
  /** The closekit error code this attempt ended with, or null on success. */
  errorCode: ClosureErrorCode | null;
}

export interface HttpRetryEvent extends HttpRequestEvent {
  /** The attempt that failed and is about to be retried. */
  status: number | null;
  /** The provider's trace id from the failed answer, if it gave one. */
  providerRequestId: string | null;
  errorCode: ClosureErrorCode;
  delayMs: number;
}

export interface HttpHooks {
  onRequest?(event: HttpRequestEvent): void;
  onResponse?(event: HttpResponseEvent): void;
  onRetry?(event: HttpRetryEvent): void;
}

export interface HttpTransportSettings {
  provider: string;
  baseUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  maxRetries?: number;
  backoff?: BackoffSettings;
  /** Responses larger than this become INVALID_RESPONSE. Default 1 MiB. */
  maxResponseBytes?: number;
  hooks?: HttpHooks;
  /** Every value that must never be shown (client secret, current token, webhook secrets). */
  secrets?: () => readonly (string | null | undefined)[];
  /** Response headers that carry the provider's trace id, first match wins. */
  requestIdHeaders?: readonly string[];
  /** Jitter source, injectable for deterministic tests. */
  random?: () => number;
}

/** A non-2xx response, handed to the adapter's error table. */
export interface HttpErrorResponse {
  status: number;
  headers: Headers;
  /** The body parsed as JSON, or null when it is not JSON. */
  body: unknown;
  /** A short redacted excerpt of the body. */
  excerpt: string;
  requestId: string | null;
  operation: string;
}

export interface HttpSuccess<T> {
  data: T;
  /** null when the value came from a read-back rather than the response. */
  status: number | null;
  headers: Headers | null;
  requestId: string | null;
  /** True when the outcome was established by reading back after an unknown outcome. */
  reconciled: boolean;
}

export type ReconcileOutcome<T> = { applied: true; value: T } | { applied: false };

/** The request as it leaves, for signers. */
export interface OutgoingRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface HttpRequestSpec<T> {
  /** For hooks and messages: closeAccount, getClosure, authenticate ... */
  operation: string;
  method: HttpMethod;
  /** Joined to the transport's baseUrl, unless `url` is given. */
  path?: string;
  url?: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  /** Validates a 2xx body (lenient about unused fields). */
  responseSchema: z.ZodType<T>;
  /**
   * 'safe': the request may be repeated blindly (reads, or a provider-honoured idempotency key).
   * 'reconcile': a mutation without provider idempotency; after an unknown outcome the
   * transport calls `reconcile` and repeats only when it says the mutation was not applied.
   */
  retryMode: 'safe' | 'reconcile';
  /** Reads back after an unknown outcome: a ResultAsync or a promise of a Result. */
  reconcile?: () =>
    | ResultAsync<ReconcileOutcome<T>, ClosureError>
    | Promise<Result<ReconcileOutcome<T>, ClosureError>>;
  idempotencyKey?: string | null;
  /** Headers that must be new on every attempt (correlation ids). */
  perAttemptHeaders?: () => Record<string, string>;
  /**
   * Auth headers; called with true once after a 401 to force a fresh credential, and with the
   * caller's signal (a token wait must stop when the caller aborts). A ResultAsync or a plain
   * promise of a Result; `createTokenCache(...).authorizer()` makes one.
   */
  authorize?: (
    forceRefresh: boolean,
    signal?: AbortSignal,
  ) =>
    | ResultAsync<Record<string, string>, ClosureError>
    | Promise<Result<Record<string, string>, ClosureError>>;
  /** Turns a non-2xx response into the neutral error (the adapter's table). */
  translateError: (response: HttpErrorResponse) => ClosureError;
  /** A 2xx body that still reports failure (Udara statusCode). Retryable errors count as unknown outcomes. */
  interpret?: (data: T, response: { status: number; headers: Headers }) => Result<T, ClosureError>;
  /** Last step before sending, e.g. a body signer. */
  prepare?: (request: OutgoingRequest) => Promise<OutgoingRequest> | OutgoingRequest;
}

export interface HttpTransport {
  readonly provider: string;
  readonly baseUrl: string;
  readonly redactor: Redactor;
  /**
   * The one way to send: timeouts, retries, read-back, validation, hooks and redaction for one
   * described request. Never rejects; write each operation as one async function over it and wrap
   * the operation once in ResultAsync.
   */
  send<T>(spec: HttpRequestSpec<T>, options?: CallOptions): Promise<Result<HttpSuccess<T>, ClosureError>>;
}

/** What only the adapter knows; everything else comes from the common settings as the user gave them. */
export interface HttpTransportExtras {
  provider: string;
  /** Used when the settings give no `baseUrl` (after the adapter's own env fallback). */
  defaultBaseUrl: string;
  /** Every value that must never be shown (client secret, `tokenCache.secrets()`, webhook secrets). */
  secrets?: () => readonly (string | null | undefined)[];
  /** Response headers that carry the provider's trace id, first match wins. */
  requestIdHeaders?: readonly string[];
  /** Jitter source, injectable for deterministic tests. */
  random?: () => number;
}
