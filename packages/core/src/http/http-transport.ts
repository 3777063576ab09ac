import { err, ok, type Result, ResultAsync } from 'neverthrow';
import type { z } from 'zod';
import { ClosureError } from '../domain/closure-error';
import type { ClosureErrorCode } from '../domain/closure-error-code';
import type { CommonAdapterSettings } from '../port/adapter-settings';
import type { CallOptions } from '../port/closure-adapter';
import { classifyNetworkError } from './network-error';
import { type BodyReadResult, readBodyCapped } from './read-body';
import { createRedactor, excerpt, type Redactor } from './redact';
import {
  type BackoffSettings,
  backoffDelayMs,
  DEFAULT_BACKOFF,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
  isRetryableStatus,
  parseRetryAfterMs,
  sleep,
} from './retry-policy';
import { credentialUrlProblem } from './secure-url';

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
  reconcile?: () => ResultAsync<ReconcileOutcome<T>, ClosureError>;
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

type AttemptOutcome<T> =
  | { kind: 'success'; value: HttpSuccess<T> }
  /** The provider certainly did not act: safe to repeat. */
  | { kind: 'not-applied'; error: ClosureError; retryAfterMs: number | null }
  /** The provider may have acted. */
  | { kind: 'unknown'; error: ClosureError; retryAfterMs: number | null }
  | { kind: 'final'; error: ClosureError }
  | { kind: 'unauthorized'; error: ClosureError };

/** What one attempt is about: for hooks, messages, and telling a caller's abort from a failure. */
interface AttemptContext<T> {
  spec: HttpRequestSpec<T>;
  url: string;
  attemptNumber: number;
  sentRequestId: string | null;
  callerSignal: AbortSignal | undefined;
  timeoutMs: number;
  /** performance.now() when the request left. */
  started: number;
}

export interface HttpTransport {
  readonly provider: string;
  readonly baseUrl: string;
  readonly redactor: Redactor;
  request<T>(spec: HttpRequestSpec<T>, options?: CallOptions): ResultAsync<HttpSuccess<T>, ClosureError>;
  /**
   * `request` as a plain promise of a Result, for adapters written as async functions: awaiting
   * it costs one promise step where awaiting a ResultAsync costs several. Never rejects.
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

function transportSettings(
  common: CommonAdapterSettings,
  extras: HttpTransportExtras,
): HttpTransportSettings {
  return {
    provider: extras.provider,
    baseUrl: common.baseUrl ?? extras.defaultBaseUrl,
    fetch: common.fetch,
    timeoutMs: common.timeoutMs,
    maxRetries: common.maxRetries,
    backoff: common.backoff,
    maxResponseBytes: common.maxResponseBytes,
    hooks: common.hooks,
    secrets: extras.secrets,
    requestIdHeaders: extras.requestIdHeaders,
    random: extras.random,
  };
}

const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
const DEFAULT_REQUEST_ID_HEADERS = ['x-request-id', 'x-jpmc-traceid', 'traceid', 'request-id'];

/**
 * The one HTTP loop every adapter uses: timeouts, retries with backoff and Retry-After,
 * read-back before repeating a mutation, size caps, validation, hooks and redaction.
 * Adapters describe requests; they never loop.
 */
export function createHttpTransport(
  settings: CommonAdapterSettings,
  extras: HttpTransportExtras,
): HttpTransport;
/** The one-object form: every setting spelled out. Prefer `(commonSettings, extras)`. */
export function createHttpTransport(settings: HttpTransportSettings): HttpTransport;
export function createHttpTransport(
  given: HttpTransportSettings | CommonAdapterSettings,
  extras?: HttpTransportExtras,
): HttpTransport {
  const settings = extras ? transportSettings(given, extras) : (given as HttpTransportSettings);
  const provider = settings.provider;
  const fetchImpl = settings.fetch ?? globalThis.fetch;
  const backoff = { ...DEFAULT_BACKOFF, ...settings.backoff };
  const maxResponseBytes = settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const requestIdHeaders = settings.requestIdHeaders ?? DEFAULT_REQUEST_ID_HEADERS;
  const random = settings.random ?? Math.random;
  const redactor = createRedactor(settings.secrets);
  const baseUrl = settings.baseUrl.replace(/\/+$/, '');

  const fail = (
    code: ClosureErrorCode,
    message: string,
    extra: Partial<ConstructorParameters<typeof ClosureError>[0]> = {},
  ) => new ClosureError({ code, message: redactor.text(message), provider, ...extra });

  const callHook = <E>(hook: ((event: E) => void) | undefined, event: () => E) => {
    if (!hook) return;
    try {
      hook(redactor.value(event()));
    } catch {
      // A failing observer must never change the outcome of a call.
    }
  };

  const readRequestId = (headers: Headers): string | null => {
    for (const name of requestIdHeaders) {
      const value = headers.get(name);
      // Redact before cutting, so that a secret straddling the cut cannot leak its start.
      if (value) return redactor.text(value).slice(0, 200);
    }
    return null;
  };

  const buildUrl = (spec: HttpRequestSpec<unknown>): string => {
    const base = spec.url ?? `${baseUrl}${spec.path ?? ''}`;
    if (spec.query === undefined) return base;
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(spec.query)) {
      if (value !== undefined) query.set(key, String(value));
    }
    const encoded = query.toString();
    if (encoded === '') return base;
    // A URL that already has a query is merged by the URL parser (a repeated key is replaced);
    // the common case, a path without one, only needs the parameters appended.
    if (base.includes('?') || base.includes('#')) {
      const url = new URL(base);
      for (const [key, value] of query) url.searchParams.set(key, value);
      return url.toString();
    }
    return `${base}?${encoded}`;
  };

  // Whether credentials may go to a URL depends only on its scheme, userinfo and host.
  const credentialProblems = new Map<string, string | null>();
  const baseUrlPrefix = `${baseUrl}/`;
  const baseUrlProblem = credentialUrlProblem(baseUrlPrefix);
  const credentialProblemFor = (url: string): string | null => {
    if (url.startsWith(baseUrlPrefix) || url === baseUrl) return baseUrlProblem;
    const origin = /^[^:/?#]+:\/\/[^/?#]*/.exec(url)?.[0] ?? url;
    let problem = credentialProblems.get(origin);
    if (problem === undefined) {
      problem = credentialUrlProblem(url);
      if (credentialProblems.size < 64) credentialProblems.set(origin, problem);
    }
    return problem;
  };

  /**
   * One attempt under its own timer. The timer is cleared as soon as the attempt ends (unlike
   * AbortSignal.timeout, which would hold its memory for the whole timeout at high request rates).
   * Only the exchange itself is awaited here; judging the answer is synchronous (`classify`), and
   * nothing for failures is built before one happens: this is the path every closure takes.
   */
  async function attempt<T>(
    context: AttemptContext<T>,
    headers: Record<string, string>,
  ): Promise<AttemptOutcome<T>> {
    const { spec, timeoutMs, callerSignal } = context;
    // Built and signed before the timer starts: the timeout covers the exchange, and a request that
    // cannot be built or signed ends here, reported as such: nothing was sent.
    const unsigned = buildRequest(spec, context.url, headers);
    const outgoing = spec.prepare && unsigned.isOk() ? await sign(spec.prepare, unsigned.value) : unsigned;
    if (outgoing.isErr()) return { kind: 'final', error: outgoing.error };
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')),
      timeoutMs,
    );
    let status: number | null = null;
    let answer: { response: Response; read: BodyReadResult };
    try {
      context.started = performance.now();
      callHook(settings.hooks?.onRequest, () => requestEvent(context));
      const response = await fetchImpl(outgoing.value.url, {
        method: outgoing.value.method,
        headers: outgoing.value.headers,
        body: outgoing.value.body,
        signal: callerSignal ? AbortSignal.any([callerSignal, timeout.signal]) : timeout.signal,
        redirect: 'manual',
      });
      status = response.status;
      answer = { response, read: await readBodyCapped(response, maxResponseBytes) };
    } catch (cause) {
      return settle(context, interrupted(context, cause, status, timeout.signal.aborted), status);
    } finally {
      clearTimeout(timer);
    }
    return settle(context, classify(spec, answer.response, answer.read), status);
  }

  /** Reports the attempt to the onResponse hook. */
  function settle<T>(
    context: AttemptContext<T>,
    outcome: AttemptOutcome<T>,
    status: number | null,
  ): AttemptOutcome<T> {
    const hook = settings.hooks?.onResponse;
    if (hook) {
      const errorCode = outcome.kind === 'success' ? null : outcome.error.code;
      callHook(hook, () => ({
        ...requestEvent(context),
        status,
        durationMs: Math.round(performance.now() - context.started),
        errorCode,
      }));
    }
    return outcome;
  }

  /** Headers and body: the request as the adapter described it. */
  function buildRequest<T>(
    spec: HttpRequestSpec<T>,
    url: string,
    headers: Record<string, string>,
  ): Result<OutgoingRequest, ClosureError> {
    let body: string | undefined;
    if (spec.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(spec.form).toString();
    } else if (spec.json !== undefined) {
      headers['content-type'] = 'application/json';
      try {
        body = JSON.stringify(spec.json);
      } catch (cause) {
        // A BigInt or a cycle: an adapter bug, and certainly nothing was sent.
        return err(
          fail('INVALID_REQUEST', `${spec.operation}: the request body cannot be serialised as JSON`, {
            retryable: false,
            cause,
          }),
        );
      }
    }
    return ok({ method: spec.method, url, headers, body });
  }

  /** The adapter's last step before sending (a body signer); a signer that throws sends nothing. */
  async function sign(
    prepare: NonNullable<HttpRequestSpec<unknown>['prepare']>,
    request: OutgoingRequest,
  ): Promise<Result<OutgoingRequest, ClosureError>> {
    try {
      return ok(await prepare(request));
    } catch (cause) {
      return err(fail('INVALID_REQUEST', 'the request signer failed', { cause }));
    }
  }

  const requestEvent = <T>(context: AttemptContext<T>): HttpRequestEvent => ({
    provider,
    operation: context.spec.operation,
    method: context.spec.method,
    url: context.url,
    attempt: context.attemptNumber,
    idempotencyKey: context.spec.idempotencyKey ?? null,
    requestId: context.sentRequestId,
  });

  /** The exchange threw: the caller aborted, our timer fired, or the network failed. */
  function interrupted<T>(
    context: AttemptContext<T>,
    cause: unknown,
    status: number | null,
    timedOut: boolean,
  ): AttemptOutcome<T> {
    const { spec } = context;
    if (context.callerSignal?.aborted) {
      // The caller asked us to stop: report, never retry, never read back.
      return {
        kind: 'final',
        error: fail(
          spec.retryMode === 'reconcile' ? 'OUTCOME_UNKNOWN' : 'NETWORK_ERROR',
          spec.retryMode === 'reconcile'
            ? `${spec.operation} was aborted by the caller after it was sent; reconcile with getClosure`
            : `${spec.operation} was aborted by the caller`,
          { retryable: false, details: { aborted: true }, cause },
        ),
      };
    }
    if (timedOut) {
      return {
        kind: 'unknown',
        error: fail('TIMEOUT', `${spec.operation} got no complete answer within ${context.timeoutMs} ms`, {
          httpStatus: status,
          cause,
        }),
        retryAfterMs: null,
      };
    }
    const network = classifyNetworkError(cause);
    const error = fail(
      'NETWORK_ERROR',
      `${spec.operation} failed on the network${network.systemCode ? ` (${network.systemCode})` : ''}`,
      { httpStatus: status, details: { systemCode: network.systemCode }, cause },
    );
    return network.notSent && status === null
      ? { kind: 'not-applied', error, retryAfterMs: null }
      : { kind: 'unknown', error, retryAfterMs: null };
  }

  /** A complete answer arrived: success, a refusal, or an answer we cannot trust. */
  function classify<T>(
    spec: HttpRequestSpec<T>,
    response: Response,
    read: BodyReadResult,
  ): AttemptOutcome<T> {
    const status = response.status;
    const requestId = readRequestId(response.headers);
    if (!read.ok) {
      const error = fail(
        'INVALID_RESPONSE',
        `${spec.operation}: the response was larger than ${maxResponseBytes} bytes`,
        { httpStatus: status, requestId },
      );
      // A 2xx we could not read may still mean a mutation was applied: read back before deciding.
      return status < 300 && spec.retryMode === 'reconcile'
        ? { kind: 'unknown', error, retryAfterMs: null }
        : { kind: 'final', error };
    }
    const text = read.text;
    const json = parseJson(text);
    // A JSON body is shown re-serialised from its redacted value, so that sensitive fields
    // (`access_token` of a token answer we could not read, an echoed `client_secret`) never
    // reach an excerpt, whatever their escaping on the wire. Built only when a failure needs it.
    const bodyExcerpt = () =>
      excerpt(
        redactor,
        json.kind === 'json' && json.value !== undefined ? JSON.stringify(redactor.value(json.value)) : text,
      );

    if (status >= 200 && status < 300) {
      const unreadable = (why: string, details: Record<string, unknown> = {}): AttemptOutcome<T> => {
        const error = fail('INVALID_RESPONSE', `${spec.operation}: ${why}`, {
          httpStatus: status,
          requestId,
          details: { excerpt: bodyExcerpt(), ...details },
        });
        return spec.retryMode === 'reconcile'
          ? { kind: 'unknown', error, retryAfterMs: null }
          : { kind: 'final', error };
      };
      if (json.kind === 'invalid') {
        return unreadable(
          looksLikeHtml(text, response.headers)
            ? 'the response is an HTML page, not JSON'
            : 'the response is not valid JSON',
        );
      }
      const parsed = spec.responseSchema.safeParse(json.value);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) => ({
          path: issue.path.join('.'),
          message: issue.message,
        }));
        return unreadable('the response does not have the expected shape', { issues });
      }
      if (!spec.interpret) {
        return {
          kind: 'success',
          value: { data: parsed.data, status, headers: response.headers, requestId, reconciled: false },
        };
      }
      const interpreted = spec.interpret(parsed.data, { status, headers: response.headers });
      if (interpreted.isOk()) {
        return {
          kind: 'success',
          value: { data: interpreted.value, status, headers: response.headers, requestId, reconciled: false },
        };
      }
      const error = interpreted.error.requestId ? interpreted.error : interpreted.error.with({ requestId });
      return error.retryable ? { kind: 'unknown', error, retryAfterMs: null } : { kind: 'final', error };
    }

    let error: ClosureError;
    try {
      error = spec.translateError({
        status,
        headers: response.headers,
        body: json.kind === 'json' ? redactor.value(json.value) : null,
        excerpt: bodyExcerpt(),
        requestId,
        operation: spec.operation,
      });
    } catch (cause) {
      error = fail('PROVIDER_ERROR', `${spec.operation}: the provider answered HTTP ${status}`, {
        httpStatus: status,
        requestId,
        cause,
      });
    }
    if (status === 401) return { kind: 'unauthorized', error };
    if (!isRetryableStatus(status)) return { kind: 'final', error };
    const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'));
    // 429 is a refusal before processing; 408 and every 5xx (even 503) may come after the provider acted.
    return status === 429
      ? { kind: 'not-applied', error, retryAfterMs }
      : { kind: 'unknown', error, retryAfterMs };
  }

  function send<T>(
    spec: HttpRequestSpec<T>,
    options: CallOptions = {},
  ): Promise<Result<HttpSuccess<T>, ClosureError>> {
    return runUnsafe(spec, options).catch((cause: unknown) =>
      // Defensive: nothing below should throw, but a bug must still end as a value.
      err(
        fail(
          spec.retryMode === 'reconcile' ? 'OUTCOME_UNKNOWN' : 'PROVIDER_ERROR',
          `${spec.operation} failed unexpectedly`,
          { cause, retryable: false },
        ),
      ),
    );
  }

  function request<T>(
    spec: HttpRequestSpec<T>,
    options?: CallOptions,
  ): ResultAsync<HttpSuccess<T>, ClosureError> {
    return new ResultAsync(send(spec, options));
  }

  async function runUnsafe<T>(
    spec: HttpRequestSpec<T>,
    options: CallOptions,
  ): Promise<Result<HttpSuccess<T>, ClosureError>> {
    const timeoutMs = options.timeoutMs ?? settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxRetries = options.maxRetries ?? settings.maxRetries ?? DEFAULT_MAX_RETRIES;
    const signal = options.signal;
    const url = buildUrl(spec as HttpRequestSpec<unknown>);
    if (signal?.aborted) {
      return err(
        fail('NETWORK_ERROR', `${spec.operation} was aborted before anything was sent`, {
          retryable: false,
          details: { aborted: true },
        }),
      );
    }

    // Credentials go only where they may: checked each time the adapter hands some over.
    const sendable = (headers: Result<Record<string, string>, ClosureError>) => {
      const problem = headers.isOk() ? credentialProblemFor(url) : null;
      return problem
        ? err(
            fail('INVALID_REQUEST', `refusing to send credentials: the URL ${problem}`, { retryable: false }),
          )
        : headers;
    };
    let authHeaders: Record<string, string> = {};
    let reauthenticated = false;
    if (spec.authorize) {
      const authorized = sendable(await spec.authorize(false, signal));
      if (authorized.isErr()) return err(authorized.error);
      authHeaders = authorized.value;
    }

    for (let attemptIndex = 0; ; attemptIndex++) {
      // Correlation headers are new on every attempt; the first one's value identifies the attempt.
      const fresh = spec.perAttemptHeaders?.();
      const context: AttemptContext<T> = {
        spec,
        url,
        attemptNumber: attemptIndex + 1,
        sentRequestId: fresh ? (Object.values(fresh)[0] ?? null) : null,
        callerSignal: signal,
        timeoutMs,
        started: 0,
      };
      const outcome = await attempt(context, {
        accept: 'application/json',
        ...spec.headers,
        ...fresh,
        ...authHeaders,
      });
      if (outcome.kind === 'success') return ok(outcome.value);
      if (outcome.kind === 'final') return err(outcome.error);
      if (outcome.kind === 'unauthorized') {
        // A 401 means the credential was refused before anything happened: refresh once and replay.
        if (reauthenticated || !spec.authorize) return err(outcome.error);
        reauthenticated = true;
        const refreshed = sendable(await spec.authorize(true, signal));
        if (refreshed.isErr()) return err(refreshed.error);
        authHeaders = refreshed.value;
        attemptIndex--;
        continue;
      }

      let error = outcome.error;
      if (outcome.kind === 'unknown' && spec.retryMode === 'reconcile') {
        const reconciled = await reconcile(spec, error, signal);
        if (reconciled.isErr()) return err(reconciled.error);
        if (reconciled.value !== null) return ok(reconciled.value);
        // Verified: the mutation was not applied, so repeating it is safe.
      }

      const retriesLeft = attemptIndex < maxRetries;
      const retryAfterMs = outcome.retryAfterMs;
      if (retryAfterMs !== null) {
        error = error.with({ details: { ...asRecord(error.details), retryAfterMs } });
      }
      if (!retriesLeft) return err(error);
      if (retryAfterMs !== null && retryAfterMs > backoff.maxRetryAfterMs) return err(error);
      const delayMs = Math.max(retryAfterMs ?? 0, backoffDelayMs(attemptIndex, backoff, random));
      callHook(settings.hooks?.onRetry, () => ({
        provider,
        operation: spec.operation,
        method: spec.method,
        url,
        attempt: attemptIndex + 1,
        idempotencyKey: spec.idempotencyKey ?? null,
        requestId: context.sentRequestId,
        providerRequestId: error.requestId,
        status: error.httpStatus,
        errorCode: error.code,
        delayMs,
      }));
      const waited = await sleep(delayMs, signal);
      if (!waited) {
        return err(
          fail('NETWORK_ERROR', `${spec.operation} was aborted by the caller while waiting to retry`, {
            retryable: false,
            details: { aborted: true, lastError: error.toJSON() },
          }),
        );
      }
    }
  }

  /** ok(value): applied; ok(null): verifiably not applied; err: could not tell. */
  async function reconcile<T>(
    spec: HttpRequestSpec<T>,
    error: ClosureError,
    signal: AbortSignal | undefined,
  ): Promise<Result<HttpSuccess<T> | null, ClosureError>> {
    const unknown = (cause: unknown) =>
      err(
        fail(
          'OUTCOME_UNKNOWN',
          `${spec.operation} may or may not have been applied (${error.code}) and reading back could not tell; reconcile with getClosure before trying again`,
          {
            retryable: false,
            httpStatus: error.httpStatus,
            requestId: error.requestId,
            providerCode: error.providerCode,
            cause: cause ?? error,
          },
        ),
      );
    if (!spec.reconcile || signal?.aborted) return unknown(error);
    const readBack = await spec.reconcile();
    if (readBack.isErr()) return unknown(readBack.error);
    if (!readBack.value.applied) return ok(null);
    return ok({
      data: readBack.value.value,
      status: null,
      headers: null,
      requestId: error.requestId,
      reconciled: true,
    });
  }

  return { provider, baseUrl, redactor, request, send };
}

const BLANK = /^\s*$/;

function parseJson(text: string): { kind: 'json'; value: unknown } | { kind: 'invalid' } {
  if (BLANK.test(text)) return { kind: 'json', value: undefined };
  try {
    return { kind: 'json', value: JSON.parse(text) };
  } catch {
    return { kind: 'invalid' };
  }
}

function looksLikeHtml(text: string, headers: Headers): boolean {
  return /text\/html/i.test(headers.get('content-type') ?? '') || /^\s*<(!doctype|html)/i.test(text);
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
