import { err, ok, type Result } from 'neverthrow';
import { ClosureError } from '../domain/closure-error';
import type { CommonAdapterSettings } from '../port/adapter-settings';
import type { CallOptions } from '../port/closure-adapter';
import { buildRequest, buildUrl, checkCredentialUrl } from './build-request';
import {
  type AttemptOutcome,
  type ClassifyContext,
  classifyInterruption,
  classifyResponse,
} from './classify-response';
import type {
  HttpRequestEvent,
  HttpRequestSpec,
  HttpSuccess,
  HttpTransport,
  HttpTransportExtras,
  HttpTransportSettings,
} from './http-types';
import { readBodyCapped } from './read-body';
import { createRedactor } from './redact';
import {
  backoffDelayMs,
  DEFAULT_BACKOFF,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
  sleep,
} from './retry-policy';

export type {
  HttpErrorResponse,
  HttpHooks,
  HttpMethod,
  HttpRequestEvent,
  HttpRequestSpec,
  HttpResponseEvent,
  HttpRetryEvent,
  HttpSuccess,
  HttpTransport,
  HttpTransportExtras,
  HttpTransportSettings,
  OutgoingRequest,
  ReconcileOutcome,
} from './http-types';

const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
const DEFAULT_REQUEST_ID_HEADERS = ['x-request-id', 'x-jpmc-traceid', 'traceid', 'request-id'];

/** One attempt as the hooks see it. */
interface AttemptInfo {
  url: string;
  /** 1 for the first attempt; a replay after a 401 is a new attempt, not a retry. */
  attempt: number;
  /** The correlation id this attempt sent, where the provider takes one. */
  requestId: string | null;
}

/**
 * The one HTTP loop every adapter uses: timeouts, retries with backoff and Retry-After, read-back
 * before repeating a mutation, size caps, validation, hooks and redaction. Adapters describe
 * requests; they never loop. Takes the common adapter settings as the user gave them, plus what
 * only the adapter knows.
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
  const { provider, hooks } = settings;
  const fetchImpl = settings.fetch ?? globalThis.fetch;
  const backoff = { ...DEFAULT_BACKOFF, ...settings.backoff };
  const random = settings.random ?? Math.random;
  const redactor = createRedactor(settings.secrets);
  const baseUrl = settings.baseUrl.replace(/\/+$/, '');
  const classifyContext: ClassifyContext = {
    provider,
    redactor,
    maxResponseBytes: settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    requestIdHeaders: settings.requestIdHeaders ?? DEFAULT_REQUEST_ID_HEADERS,
  };

  const fail = (code: ClosureError['code'], message: string, extra: Partial<ClosureError> = {}) =>
    new ClosureError({ ...extra, code, message: redactor.text(message), provider });

  const callHook = <E>(hook: ((event: E) => void) | undefined, event: () => E) => {
    if (!hook) return;
    try {
      hook(redactor.value(event()));
    } catch {
      // A failing observer must never change the outcome of a call.
    }
  };

  const requestEvent = (
    spec: Pick<HttpRequestSpec<unknown>, 'operation' | 'method' | 'idempotencyKey'>,
    info: AttemptInfo,
  ): HttpRequestEvent => ({
    provider,
    operation: spec.operation,
    method: spec.method,
    url: info.url,
    attempt: info.attempt,
    idempotencyKey: spec.idempotencyKey ?? null,
    requestId: info.requestId,
  });

  /** Auth headers, refused when the URL may not receive credentials. */
  async function authorize<T>(
    spec: HttpRequestSpec<T>,
    url: string,
    forceRefresh: boolean,
    signal: AbortSignal | undefined,
  ): Promise<Result<Record<string, string>, ClosureError>> {
    if (!spec.authorize) return ok({});
    const headers = await spec.authorize(forceRefresh, signal);
    if (headers.isErr()) return headers;
    const allowed = checkCredentialUrl(provider, url);
    return allowed.isErr() ? err(allowed.error) : headers;
  }

  /** One exchange under its own timer, judged by `classifyResponse` once the body is read. */
  async function attempt<T>(
    spec: HttpRequestSpec<T>,
    info: AttemptInfo,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<AttemptOutcome<T>> {
    // Built and signed before the timer starts: the timeout covers the exchange only.
    const outgoing = await buildRequest(provider, spec, info.url, headers);
    if (outgoing.isErr()) return { kind: 'final', error: outgoing.error };
    // One signal per attempt, aborted by its timer or by the caller. Cleared as soon as the attempt
    // ends: AbortSignal.timeout would live for the whole timeout, and AbortSignal.any would leave
    // each attempt's signal attached to a long-lived caller signal (Node 20 never drops them:
    // nodejs/node#55351), so a bulk run's memory would grow with every request.
    const exchange = new AbortController();
    const timer = setTimeout(
      () => exchange.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')),
      timeoutMs,
    );
    const onCallerAbort = () => exchange.abort(signal?.reason);
    if (signal?.aborted) onCallerAbort();
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    const started = performance.now();
    let status: number | null = null;
    let outcome: AttemptOutcome<T>;
    callHook(hooks?.onRequest, () => requestEvent(spec, info));
    try {
      const response = await fetchImpl(outgoing.value.url, {
        method: outgoing.value.method,
        headers: outgoing.value.headers,
        body: outgoing.value.body,
        signal: exchange.signal,
        redirect: 'manual',
      });
      status = response.status;
      const read = await readBodyCapped(response, classifyContext.maxResponseBytes);
      outcome = classifyResponse(spec, { status, headers: response.headers, read }, classifyContext);
    } catch (cause) {
      const interruption = {
        cause,
        status,
        callerAborted: signal?.aborted === true,
        timedOut: exchange.signal.aborted && signal?.aborted !== true,
        timeoutMs,
      };
      outcome = classifyInterruption(spec, interruption, classifyContext);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
    }
    callHook(hooks?.onResponse, () => ({
      ...requestEvent(spec, info),
      status,
      durationMs: Math.round(performance.now() - started),
      errorCode: outcome.kind === 'success' ? null : outcome.error.code,
    }));
    return outcome;
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
            cause,
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

  /** The attempts of one call: replay once after a 401, read back after unknown outcomes, retry. */
  async function run<T>(
    spec: HttpRequestSpec<T>,
    options: CallOptions,
  ): Promise<Result<HttpSuccess<T>, ClosureError>> {
    const timeoutMs = options.timeoutMs ?? settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxRetries = options.maxRetries ?? settings.maxRetries ?? DEFAULT_MAX_RETRIES;
    const signal = options.signal;
    const url = buildUrl(provider, baseUrl, spec);
    if (url.isErr()) return err(url.error);
    if (signal?.aborted) {
      return err(
        fail('NETWORK_ERROR', `${spec.operation} was aborted before anything was sent`, {
          retryable: false,
          details: { aborted: true },
        }),
      );
    }
    let auth = await authorize(spec, url.value, false, signal);
    if (auth.isErr()) return err(auth.error);

    let attemptNumber = 0;
    let retries = 0;
    let reauthenticated = false;
    for (;;) {
      attemptNumber++;
      // Correlation headers are new on every attempt; the first one's value identifies the attempt.
      const fresh = spec.perAttemptHeaders?.();
      const info: AttemptInfo = {
        url: url.value,
        attempt: attemptNumber,
        requestId: fresh ? (Object.values(fresh)[0] ?? null) : null,
      };
      const headers = { accept: 'application/json', ...spec.headers, ...fresh, ...auth.value };
      const outcome = await attempt(spec, info, headers, signal, timeoutMs);
      if (outcome.kind === 'success') return ok(outcome.value);
      if (outcome.kind === 'final') return err(outcome.error);
      if (outcome.kind === 'unauthorized') {
        // The credential was refused before anything happened: refresh it once and send again.
        if (reauthenticated || !spec.authorize) return err(outcome.error);
        reauthenticated = true;
        auth = await authorize(spec, url.value, true, signal);
        if (auth.isErr()) return err(auth.error);
        continue;
      }

      let error = outcome.error;
      if (outcome.kind === 'unknown' && spec.retryMode === 'reconcile') {
        const reconciled = await reconcile(spec, error, signal);
        if (reconciled.isErr()) return err(reconciled.error);
        if (reconciled.value !== null) return ok(reconciled.value);
        // Verified: the mutation was not applied, so repeating it is safe.
      }
      const { retryAfterMs } = outcome;
      if (retryAfterMs !== null) {
        error = error.with({ details: { ...asRecord(error.details), retryAfterMs } });
      }
      if (retries >= maxRetries) return err(error);
      if (retryAfterMs !== null && retryAfterMs > backoff.maxRetryAfterMs) return err(error);
      const delayMs = Math.max(retryAfterMs ?? 0, backoffDelayMs(retries, backoff, random));
      retries++;
      callHook(hooks?.onRetry, () => ({
        ...requestEvent(spec, info),
        providerRequestId: error.requestId,
        status: error.httpStatus,
        errorCode: error.code,
        delayMs,
      }));
      if (!(await sleep(delayMs, signal))) {
        return err(
          fail('NETWORK_ERROR', `${spec.operation} was aborted by the caller while waiting to retry`, {
            retryable: false,
            details: { aborted: true, lastError: error.toJSON() },
          }),
        );
      }
    }
  }

  async function send<T>(
    spec: HttpRequestSpec<T>,
    options: CallOptions = {},
  ): Promise<Result<HttpSuccess<T>, ClosureError>> {
    try {
      return await run(spec, options);
    } catch (cause) {
      // Defensive: nothing in `run` should throw, but a bug must still end as a value.
      return err(
        fail(
          spec.retryMode === 'reconcile' ? 'OUTCOME_UNKNOWN' : 'PROVIDER_ERROR',
          `${spec.operation} failed unexpectedly`,
          { cause, retryable: false },
        ),
      );
    }
  }

  return {
    provider,
    baseUrl,
    redactor,
    send,
  };
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

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
