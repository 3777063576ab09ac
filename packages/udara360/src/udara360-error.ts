import { ClosureError, type ClosureErrorCode, type HttpErrorResponse } from '@closekit/core';
import { errorResponseSchema, normalizeStatusCode } from './udara360-api';

/**
 * What a posting status code says about the closure:
 * - `success`: closed now.
 * - `refused`: a definite business refusal; nothing changed, never retried (§7.5).
 * - `confirm`: a failure that could hide an applied closure (a duplicate, a general error):
 *   the account is read back once; Closed -> success, otherwise the error. Never replayed.
 * - `uncertain`: the outcome is not known yet (cut-off, fatal error): the transport reads the
 *   account back and replays the same request only if it is verifiably not closed.
 */
export type Udara360Disposition = 'success' | 'refused' | 'confirm' | 'uncertain';

export interface Udara360StatusCodeEntry {
  /** Udara360's own name for the code ([CODES]). */
  meaning: string;
  /** The neutral code, or null for success. */
  code: ClosureErrorCode | null;
  disposition: Udara360Disposition;
}

/**
 * `data.statusCode` of a posting answered with HTTP 200 -> neutral meaning ([CODES], [PM],
 * providers/udara360.md §5b). Every code not listed (and a missing or contradictory one) is
 * PROVIDER_ERROR with disposition `confirm`: see UDARA360_UNLISTED_STATUS_CODE.
 */
export const UDARA360_STATUS_CODE_TABLE: Readonly<Record<string, Udara360StatusCodeEntry>> = {
  '00': { meaning: 'Successful', code: null, disposition: 'success' },
  '06': { meaning: 'General Error', code: 'PROVIDER_ERROR', disposition: 'confirm' },
  '09': { meaning: 'Model Validation Error', code: 'INVALID_REQUEST', disposition: 'refused' },
  // Unexpected for a closure, which moves no amount the caller chose.
  '13': { meaning: 'Invalid Amount', code: 'PROVIDER_ERROR', disposition: 'refused' },
  '25': { meaning: 'No Record Found', code: 'ACCOUNT_NOT_FOUND', disposition: 'refused' },
  // Udara may be rejecting a reused Request-Reference / instrumentNumber: an earlier attempt may have closed it.
  '26': { meaning: 'Duplicate Record', code: 'DUPLICATE_REQUEST', disposition: 'confirm' },
  // Approximate: the account's restrictions stop the posting.
  '28': { meaning: 'Force Debit Not Allowed', code: 'ACCOUNT_BLOCKED', disposition: 'refused' },
  '29': { meaning: 'Database Update Not Executed', code: 'PROVIDER_UNAVAILABLE', disposition: 'uncertain' },
  '30': { meaning: 'Format Error', code: 'INVALID_REQUEST', disposition: 'refused' },
  // [CODES] says "Insufficient Balance", which is not "the account still holds funds" (NON_ZERO_BALANCE
  // is the pre-flight's refusal, made before sending). What it means for a closure is undocumented:
  // a definite refusal, reported as the provider's own answer.
  '51': { meaning: 'Insufficient Balance', code: 'PROVIDER_ERROR', disposition: 'refused' },
  '52': { meaning: 'No Check Account', code: 'ACCOUNT_NOT_FOUND', disposition: 'refused' },
  '57': { meaning: 'Transaction Permission', code: 'PERMISSION_DENIED', disposition: 'refused' },
  '63': { meaning: 'Security Violation', code: 'PERMISSION_DENIED', disposition: 'refused' },
  '90': { meaning: 'Cut Off In Progress', code: 'PROVIDER_UNAVAILABLE', disposition: 'uncertain' },
  '93': { meaning: 'Exceeds Cash Limit', code: 'PROVIDER_ERROR', disposition: 'refused' },
  '96': { meaning: 'Fatal Error', code: 'PROVIDER_UNAVAILABLE', disposition: 'uncertain' },
};

/** How a status code outside the table, a missing one, or a contradictory body is treated. */
export const UDARA360_UNLISTED_STATUS_CODE: Udara360StatusCodeEntry = {
  meaning: 'Unlisted, missing or contradictory status code',
  code: 'PROVIDER_ERROR',
  disposition: 'confirm',
};

export interface Udara360HttpErrorEntry {
  code: ClosureErrorCode;
  /** Overrides per operation: a 404 on an account read means the account, on a post an unknown route. */
  byOperation?: Partial<Record<Udara360Operation, ClosureErrorCode>>;
}

export type Udara360Operation = 'authenticate' | 'closeAccount' | 'readAccount';

/**
 * HTTP status of a 4xx/5xx answer -> neutral code. Only the classes are documented (2XX, 4XX,
 * 5XX [CODES]); the rest follows the notes' suggestions (§5a). Statuses not listed fall back to
 * PROVIDER_ERROR. Whether and how often to retry is the transport's decision (408, 429, 5xx),
 * always after a read-back for a close.
 */
export const UDARA360_HTTP_ERROR_TABLE: Readonly<Record<number, Udara360HttpErrorEntry>> = {
  400: { code: 'INVALID_REQUEST', byOperation: { authenticate: 'AUTHENTICATION_FAILED' } },
  401: { code: 'AUTHENTICATION_FAILED' },
  403: { code: 'PERMISSION_DENIED', byOperation: { authenticate: 'AUTHENTICATION_FAILED' } },
  404: { code: 'INVALID_REQUEST', byOperation: { readAccount: 'ACCOUNT_NOT_FOUND' } },
  405: { code: 'INVALID_REQUEST' },
  408: { code: 'TIMEOUT' },
  409: { code: 'DUPLICATE_REQUEST' },
  413: { code: 'INVALID_REQUEST' },
  415: { code: 'INVALID_REQUEST' },
  422: { code: 'INVALID_REQUEST' },
  429: { code: 'RATE_LIMITED' },
  500: { code: 'PROVIDER_ERROR' },
  502: { code: 'PROVIDER_UNAVAILABLE' },
  503: { code: 'PROVIDER_UNAVAILABLE' },
  504: { code: 'PROVIDER_UNAVAILABLE' },
};

const MAX_PROVIDER_TEXT = 200;
const clip = (text: string) =>
  text.length > MAX_PROVIDER_TEXT ? `${text.slice(0, MAX_PROVIDER_TEXT)}…` : text;

/** The table entry of a status code, or the unlisted fallback. */
export function lookupUdara360StatusCode(statusCode: string | null): Udara360StatusCodeEntry {
  // Own keys only: a code like "constructor" or "__proto__" must not find Object.prototype's members.
  return statusCode !== null && Object.hasOwn(UDARA360_STATUS_CODE_TABLE, statusCode)
    ? (UDARA360_STATUS_CODE_TABLE[statusCode] as Udara360StatusCodeEntry)
    : UDARA360_UNLISTED_STATUS_CODE;
}

export interface StatusCodeContext {
  provider: string;
  operation: string;
  statusCode: string | null;
  /** Udara360's `message`, already redacted. */
  message: string | null;
  httpStatus: number;
}

/**
 * Translates a posting answered with HTTP 2xx that is not a success. The error carries the raw
 * status code in `providerCode` and the disposition in `details`; `uncertain` errors are
 * retryable so that the transport reads back before any replay.
 */
export function translateUdara360StatusCode(context: StatusCodeContext): ClosureError {
  const listed = lookupUdara360StatusCode(context.statusCode);
  // "00" on a body that is not a success (status false) contradicts itself.
  const contradictory = listed.disposition === 'success';
  const entry = contradictory ? UDARA360_UNLISTED_STATUS_CODE : listed;
  const code = entry.code ?? 'PROVIDER_ERROR';
  const said = context.message ? `: ${clip(context.message)}` : '';
  const label =
    context.statusCode === null
      ? 'no status code'
      : contradictory
        ? `status code ${context.statusCode} without status true (contradictory)`
        : `status code ${context.statusCode} (${entry.meaning})`;
  return new ClosureError({
    code,
    provider: context.provider,
    message: `${context.operation}: Udara360 answered ${label}${said}`,
    retryable: entry.disposition === 'uncertain',
    httpStatus: context.httpStatus,
    providerCode: context.statusCode,
    details: { statusCode: context.statusCode, meaning: entry.meaning, disposition: entry.disposition },
  });
}

function describeErrorBody(body: unknown): {
  providerCode: string | null;
  texts: string[];
  statusCode: string | null;
} {
  const parsed = errorResponseSchema.safeParse(body);
  if (!parsed.success) return { providerCode: null, texts: [], statusCode: null };
  const { errors, message, title, data } = parsed.data;
  const texts: string[] = [];
  let providerCode: string | null = null;
  if (Array.isArray(errors)) {
    for (const item of errors) {
      if (providerCode === null && item.errorCode !== null && item.errorCode !== undefined) {
        providerCode = String(item.errorCode);
      }
      if (item.errorMessage) texts.push(item.errorMessage);
    }
  } else if (errors) {
    for (const [field, messages] of Object.entries(errors)) {
      texts.push(`${field}: ${[messages].flat().join(', ')}`);
    }
  }
  if (texts.length === 0 && message) texts.push(message);
  if (texts.length === 0 && title) texts.push(title);
  const statusCode = normalizeStatusCode(data?.statusCode);
  return { providerCode: providerCode ?? statusCode, texts, statusCode };
}

/**
 * Translates a 4xx/5xx answer, reading the `errors[]` envelope ([RESP]) for the message and
 * `errorCode`. A 4xx whose body carries a listed posting status code (e.g. 25) is translated by
 * that code, which is more precise than the HTTP class; 401, 408 and 429 keep their meaning.
 */
export function translateUdara360HttpError(provider: string, response: HttpErrorResponse): ClosureError {
  const operation = response.operation as Udara360Operation;
  const entry = UDARA360_HTTP_ERROR_TABLE[response.status];
  let code: ClosureErrorCode = entry?.byOperation?.[operation] ?? entry?.code ?? 'PROVIDER_ERROR';
  const described = describeErrorBody(response.body);
  const listed =
    described.statusCode !== null && Object.hasOwn(UDARA360_STATUS_CODE_TABLE, described.statusCode)
      ? UDARA360_STATUS_CODE_TABLE[described.statusCode]
      : undefined;
  if (
    listed?.code &&
    response.status >= 400 &&
    response.status < 500 &&
    ![401, 408, 429].includes(response.status) &&
    operation !== 'authenticate'
  ) {
    code = listed.code;
  }
  const said = described.texts.length > 0 ? `: ${described.texts.map(clip).slice(0, 5).join('; ')}` : '';
  return new ClosureError({
    code,
    provider,
    message: `${response.operation}: Udara360 answered HTTP ${response.status}${said}`,
    // 5xx reach the caller only after the transport's read-back and retries: a later retry with the
    // same idempotency key is safe, so they are marked retryable whatever their code.
    retryable: response.status >= 500 ? true : undefined,
    httpStatus: response.status,
    providerCode: described.providerCode,
    requestId: response.requestId,
    details:
      described.texts.length > 0 || described.providerCode !== null
        ? { errors: described.texts.map(clip), errorCode: described.providerCode }
        : { excerpt: response.excerpt },
  });
}
