import { ok } from 'neverthrow';
import { ClosureError, type ClosureErrorOptions } from '../domain/closure-error';
import type { ClosureErrorCode } from '../domain/closure-error-code';
import type { HttpRequestSpec, HttpSuccess } from './http-types';
import { classifyNetworkError } from './network-error';
import type { BodyReadResult } from './read-body';
import { excerpt, type Redactor } from './redact';
import { isRetryableStatus, parseRetryAfterMs } from './retry-policy';

/** What one attempt came to, and so what the retry loop may do next. */
export type AttemptOutcome<T> =
  | { kind: 'success'; value: HttpSuccess<T> }
  /** The provider certainly did not act: safe to repeat. */
  | { kind: 'not-applied'; error: ClosureError; retryAfterMs: number | null }
  /** The provider may have acted. */
  | { kind: 'unknown'; error: ClosureError; retryAfterMs: number | null }
  | { kind: 'final'; error: ClosureError }
  /** A 401: the credential was refused before anything happened. */
  | { kind: 'unauthorized'; error: ClosureError };

/** What classification needs to know about the transport. */
export interface ClassifyContext {
  provider: string;
  redactor: Redactor;
  maxResponseBytes: number;
  /** Response headers that carry the provider's trace id, first match wins. */
  requestIdHeaders: readonly string[];
}

/** A complete answer as it arrived. */
export interface ReceivedResponse {
  status: number;
  headers: Headers;
  read: BodyReadResult;
}

/** How an exchange ended without a complete answer. */
export interface Interruption {
  cause: unknown;
  /** The status, when headers arrived before the body failed. */
  status: number | null;
  callerAborted: boolean;
  timedOut: boolean;
  timeoutMs: number;
}

type Fail = (code: ClosureErrorCode, message: string, extra?: Partial<ClosureErrorOptions>) => ClosureError;

const failWith =
  ({ provider, redactor }: ClassifyContext): Fail =>
  (code, message, extra = {}) =>
    new ClosureError({ code, message: redactor.text(message), provider, ...extra });

/** The provider's trace id from the answer's headers, redacted and bounded. */
export function readRequestId(headers: Headers, context: ClassifyContext): string | null {
  for (const name of context.requestIdHeaders) {
    const value = headers.get(name);
    // Redact before cutting, so that a secret straddling the cut cannot leak its start.
    if (value) return context.redactor.text(value).slice(0, 200);
  }
  return null;
}

/**
 * Judges a complete answer: success, a refusal, or an answer we cannot trust. Pure and
 * synchronous: the same answer always classifies the same way.
 */
export function classifyResponse<T>(
  spec: HttpRequestSpec<T>,
  response: ReceivedResponse,
  context: ClassifyContext,
): AttemptOutcome<T> {
  const fail = failWith(context);
  const { status, headers, read } = response;
  const requestId = readRequestId(headers, context);
  if (!read.ok) {
    const error = fail(
      'INVALID_RESPONSE',
      `${spec.operation}: the response was larger than ${context.maxResponseBytes} bytes`,
      { httpStatus: status, requestId },
    );
    // A 2xx we could not read may still mean a mutation was applied: read back before deciding.
    return status < 300 && spec.retryMode === 'reconcile'
      ? { kind: 'unknown', error, retryAfterMs: null }
      : { kind: 'final', error };
  }
  const json = parseJson(read.text);
  // A JSON body is shown re-serialised from its redacted value, so that sensitive fields
  // (`access_token` of a token answer we could not read, an echoed `client_secret`) never reach
  // an excerpt, whatever their escaping on the wire.
  const bodyExcerpt = () =>
    excerpt(
      context.redactor,
      json.kind === 'json' && json.value !== undefined
        ? JSON.stringify(context.redactor.value(json.value))
        : read.text,
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
        looksLikeHtml(read.text, headers)
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
    const interpreted = spec.interpret ? spec.interpret(parsed.data, { status, headers }) : ok(parsed.data);
    if (interpreted.isErr()) {
      const error = interpreted.error.requestId ? interpreted.error : interpreted.error.with({ requestId });
      return error.retryable ? { kind: 'unknown', error, retryAfterMs: null } : { kind: 'final', error };
    }
    return {
      kind: 'success',
      value: { data: interpreted.value, status, headers, requestId, reconciled: false },
    };
  }

  let error: ClosureError;
  try {
    error = spec.translateError({
      status,
      headers,
      body: json.kind === 'json' ? context.redactor.value(json.value) : null,
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
  const retryAfterMs = parseRetryAfterMs(headers.get('retry-after'));
  // 429 is a refusal before processing; 408 and every 5xx (even 503) may come after the provider acted.
  return status === 429
    ? { kind: 'not-applied', error, retryAfterMs }
    : { kind: 'unknown', error, retryAfterMs };
}

/** The exchange threw: the caller aborted, the attempt's timer fired, or the network failed. */
export function classifyInterruption<T>(
  spec: HttpRequestSpec<T>,
  interruption: Interruption,
  context: ClassifyContext,
): AttemptOutcome<T> {
  const fail = failWith(context);
  const { cause, status } = interruption;
  if (interruption.callerAborted) {
    // The caller asked us to stop: report, never retry, never read back.
    const sentMutation = spec.retryMode === 'reconcile';
    return {
      kind: 'final',
      error: fail(
        sentMutation ? 'OUTCOME_UNKNOWN' : 'NETWORK_ERROR',
        sentMutation
          ? `${spec.operation} was aborted by the caller after it was sent; reconcile with getClosure`
          : `${spec.operation} was aborted by the caller`,
        { retryable: false, details: { aborted: true }, cause },
      ),
    };
  }
  if (interruption.timedOut) {
    return {
      kind: 'unknown',
      error: fail('TIMEOUT', `${spec.operation} got no complete answer within ${interruption.timeoutMs} ms`, {
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

function parseJson(text: string): { kind: 'json'; value: unknown } | { kind: 'invalid' } {
  if (text.trim() === '') return { kind: 'json', value: undefined };
  try {
    return { kind: 'json', value: JSON.parse(text) };
  } catch {
    return { kind: 'invalid' };
  }
}

function looksLikeHtml(text: string, headers: Headers): boolean {
  return /text\/html/i.test(headers.get('content-type') ?? '') || /^\s*<(!doctype|html)/i.test(text);
}
