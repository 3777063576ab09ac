import { ClosureError } from '@closekit/core';
import {
  type ErrorRule,
  type HttpErrorResponse,
  matchErrorRule,
  type Redactor,
} from '@closekit/core/adapter';
import { err, ok, type Result } from 'neverthrow';
import { errorResponseSchema, normalizeStatusCode, type Udara360PostingResponse } from './udara360-api';

/**
 * What a posting status code says about the closure:
 * - `refused`: a definite business refusal; nothing changed, never retried (§7.5).
 * - `confirm`: a failure that could hide an applied closure: one read-back; Closed -> success,
 *   otherwise the error. Never resent (udara360-read-back.ts).
 * - `uncertain`: the outcome is not known yet: the transport reads the account back and resends
 *   only if it is verifiably not closed.
 */
export type Udara360Disposition = 'refused' | 'confirm' | 'uncertain';

export interface Udara360PostingCodeRule extends ErrorRule {
  providerCode: string;
  /** Udara360's own name for the code ([CODES]). */
  meaning: string;
  disposition: Udara360Disposition;
}

/**
 * `data.statusCode` of a posting that is not `"00"` -> neutral code ([CODES], [PM],
 * providers/udara360.md §5b). These arrive with HTTP 200: the code field of the posting envelope
 * is Udara360's documented business answer. `"00"` is the success rule (§2), not an error.
 */
export const UDARA360_POSTING_CODE_RULES: readonly Udara360PostingCodeRule[] = [
  {
    providerCode: '06',
    meaning: 'General Error',
    code: 'PROVIDER_ERROR',
    disposition: 'confirm',
    source: '[CODES]; may hide an applied posting',
  },
  {
    providerCode: '09',
    meaning: 'Model Validation Error',
    code: 'INVALID_REQUEST',
    disposition: 'refused',
    source: '[CODES]',
  },
  {
    providerCode: '13',
    meaning: 'Invalid Amount',
    code: 'PROVIDER_ERROR',
    disposition: 'refused',
    source: '[CODES]; unexpected for a closure',
  },
  {
    providerCode: '25',
    meaning: 'No Record Found',
    code: 'ACCOUNT_NOT_FOUND',
    disposition: 'refused',
    source: '[CODES]',
  },
  {
    providerCode: '26',
    meaning: 'Duplicate Record',
    code: 'DUPLICATE_REQUEST',
    disposition: 'confirm',
    source: '[CODES]; an earlier posting may have closed it (§7)',
  },
  {
    providerCode: '28',
    meaning: 'Force Debit Not Allowed',
    code: 'ACCOUNT_BLOCKED',
    disposition: 'refused',
    source: '[CODES]; approximate: restrictions stop the posting',
  },
  {
    providerCode: '29',
    meaning: 'Database Update Not Executed',
    code: 'PROVIDER_UNAVAILABLE',
    disposition: 'uncertain',
    source: '[CODES]; retryable after a read-back',
  },
  {
    providerCode: '30',
    meaning: 'Format Error',
    code: 'INVALID_REQUEST',
    disposition: 'refused',
    source: '[CODES]',
  },
  // "Insufficient Balance" is not "the account still holds funds": NON_ZERO_BALANCE comes from the
  // pre-flight only. What 51 means for a closure is undocumented: the provider's own refusal.
  {
    providerCode: '51',
    meaning: 'Insufficient Balance',
    code: 'PROVIDER_ERROR',
    disposition: 'refused',
    source: '[CODES]: Insufficient Balance, nothing more',
  },
  {
    providerCode: '52',
    meaning: 'No Check Account',
    code: 'ACCOUNT_NOT_FOUND',
    disposition: 'refused',
    source: '[CODES]; approximate',
  },
  {
    providerCode: '57',
    meaning: 'Transaction Permission',
    code: 'PERMISSION_DENIED',
    disposition: 'refused',
    source: '[CODES]; also a frozen/PND account',
  },
  {
    providerCode: '63',
    meaning: 'Security Violation',
    code: 'PERMISSION_DENIED',
    disposition: 'refused',
    source: '[CODES]',
  },
  {
    providerCode: '90',
    meaning: 'Cut Off In Progress',
    code: 'PROVIDER_UNAVAILABLE',
    disposition: 'uncertain',
    source: '[CODES]; retry later, after a read-back',
  },
  {
    providerCode: '93',
    meaning: 'Exceeds Cash Limit',
    code: 'PROVIDER_ERROR',
    disposition: 'refused',
    source: '[CODES]; unexpected for a closure',
  },
  {
    providerCode: '96',
    meaning: 'Fatal Error',
    code: 'PROVIDER_UNAVAILABLE',
    disposition: 'uncertain',
    source: '[CODES]; outcome unknown: read back (§5b)',
  },
];

/** How a status code outside the table, a missing one, or a contradictory body is treated. */
export const UDARA360_UNLISTED_STATUS_CODE: Omit<Udara360PostingCodeRule, 'providerCode'> = {
  meaning: 'Unlisted, missing or contradictory status code',
  code: 'PROVIDER_ERROR',
  disposition: 'confirm',
  source: '§5b: read back; still not closed -> PROVIDER_ERROR',
};

export type Udara360Operation = 'authenticate' | 'closeAccount' | 'readAccount' | 'readBalance';

/**
 * HTTP status of a 4xx/5xx answer -> neutral code, in the order they are tried. Only the classes
 * are documented (2XX, 4XX, 5XX [CODES]); the rest follows providers/udara360.md §5a. Whether and
 * how often to retry is the transport's decision (408, 429, 5xx), always after a read-back for a
 * close. See udara360ErrorRulesFor for where posting codes and per-operation rules go.
 */
export const UDARA360_HTTP_ERROR_RULES: readonly ErrorRule[] = [
  {
    status: 401,
    code: 'AUTHENTICATION_FAILED',
    source: '§5a: expired or invalid token (inference), after one re-authentication',
  },
  { status: 408, code: 'TIMEOUT', source: 'HTTP 408: read back before a resend' },
  { status: 429, code: 'RATE_LIMITED', source: '§5a; Retry-After honoured' },
  { status: [400, 405, 413, 415, 422], code: 'INVALID_REQUEST', source: '[CODES]: 4XX client error' },
  { status: 403, code: 'PERMISSION_DENIED', source: '§5a: not documented' },
  { status: 404, code: 'INVALID_REQUEST', source: '§5a: an unknown path (account reads: ACCOUNT_NOT_FOUND)' },
  { status: 409, code: 'DUPLICATE_REQUEST', source: '§5a: confirmed by a read-back' },
  { status: [502, 503, 504], code: 'PROVIDER_UNAVAILABLE', source: '[CODES]: 5XX system error' },
  { status: '5xx', code: 'PROVIDER_ERROR', source: '[CODES]: 5XX system error' },
];

/** Rules that hold for one operation only. */
export const UDARA360_OPERATION_ERROR_RULES: Readonly<Record<Udara360Operation, readonly ErrorRule[]>> = {
  authenticate: [
    { status: [400, 403], code: 'AUTHENTICATION_FAILED', source: '[AUTH]: the token request was refused' },
  ],
  closeAccount: [],
  readAccount: [{ status: 404, code: 'ACCOUNT_NOT_FOUND', source: '§5a: 404 on an account read' }],
  readBalance: [{ status: 404, code: 'ACCOUNT_NOT_FOUND', source: '§5a: 404 on an account read' }],
};

/** A listed posting code in the body of a business 4xx is more precise than the HTTP class (§5). */
const POSTING_CODES_IN_4XX: readonly ErrorRule[] = UDARA360_POSTING_CODE_RULES.map((rule) => ({
  status: '4xx',
  providerCode: rule.providerCode,
  code: rule.code,
  source: rule.source,
}));

const STATUS_FIRST = 3;

/**
 * The rules one operation's 4xx/5xx answers go through: 401/408/429 first (their status is
 * never overridden), then posting codes in a 4xx body (not for the token request, which answers
 * none), then the operation's own rules, then the HTTP classes.
 */
export function udara360ErrorRulesFor(operation: Udara360Operation): readonly ErrorRule[] {
  return [
    ...UDARA360_HTTP_ERROR_RULES.slice(0, STATUS_FIRST),
    ...(operation === 'authenticate' ? [] : POSTING_CODES_IN_4XX),
    ...(UDARA360_OPERATION_ERROR_RULES[operation] ?? []),
    ...UDARA360_HTTP_ERROR_RULES.slice(STATUS_FIRST),
  ];
}

const MAX_PROVIDER_TEXT = 200;
const clip = (text: string) =>
  text.length > MAX_PROVIDER_TEXT ? `${text.slice(0, MAX_PROVIDER_TEXT)}…` : text;

/** The rule of a posting status code, or the unlisted fallback. */
export function lookupUdara360StatusCode(
  statusCode: string | null,
): Omit<Udara360PostingCodeRule, 'providerCode'> {
  return (
    UDARA360_POSTING_CODE_RULES.find((rule) => rule.providerCode === statusCode) ??
    UDARA360_UNLISTED_STATUS_CODE
  );
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
 * retryable so that the transport reads back before any resend.
 */
export function translateUdara360StatusCode(context: StatusCodeContext): ClosureError {
  // "00" on a body that is not a success (status false) contradicts itself: not in the table.
  const contradictory = context.statusCode === '00';
  const entry = lookupUdara360StatusCode(context.statusCode);
  const said = context.message ? `: ${clip(context.message)}` : '';
  const label =
    context.statusCode === null
      ? 'no status code'
      : contradictory
        ? `status code ${context.statusCode} without status true (contradictory)`
        : `status code ${context.statusCode} (${entry.meaning})`;
  return new ClosureError({
    code: entry.code,
    provider: context.provider,
    message: `${context.operation}: Udara360 answered ${label}${said}`,
    retryable: entry.disposition === 'uncertain',
    httpStatus: context.httpStatus,
    providerCode: context.statusCode,
    details: { statusCode: context.statusCode, meaning: entry.meaning, disposition: entry.disposition },
  });
}

function describeErrorBody(body: unknown): { providerCodes: string[]; texts: string[] } {
  const parsed = errorResponseSchema.safeParse(body);
  if (!parsed.success) return { providerCodes: [], texts: [] };
  const { errors, message, title, data } = parsed.data;
  const texts: string[] = [];
  const providerCodes: string[] = [];
  if (Array.isArray(errors)) {
    for (const item of errors) {
      if (item.errorCode !== null && item.errorCode !== undefined) providerCodes.push(String(item.errorCode));
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
  if (statusCode !== null) providerCodes.push(statusCode);
  return { providerCodes, texts };
}

/**
 * Translates a 4xx/5xx answer through udara360ErrorRulesFor(operation),
 * reading the `errors[]` envelope ([RESP]) for the message and `errorCode`.
 */
export function translateUdara360HttpError(provider: string, response: HttpErrorResponse): ClosureError {
  const operation = response.operation as Udara360Operation;
  const described = describeErrorBody(response.body);
  const rule = matchErrorRule(udara360ErrorRulesFor(operation), {
    status: response.status,
    providerCodes: described.providerCodes,
    text: described.texts.join('\n'),
  });
  const providerCode = described.providerCodes[0] ?? null;
  const said = described.texts.length > 0 ? `: ${described.texts.map(clip).slice(0, 5).join('; ')}` : '';
  return new ClosureError({
    code: rule?.code ?? 'PROVIDER_ERROR',
    provider,
    message: `${response.operation}: Udara360 answered HTTP ${response.status}${said}`,
    // 5xx reach the caller only after the transport's read-back and retries: a later retry with the
    // same idempotency key is safe, so they are marked retryable whatever their code.
    retryable: response.status >= 500 ? true : undefined,
    httpStatus: response.status,
    providerCode,
    requestId: response.requestId,
    details:
      described.texts.length > 0 || providerCode !== null
        ? { errors: described.texts.map(clip), errorCode: providerCode }
        : { excerpt: response.excerpt },
  });
}

/** §2: a posting succeeded only with HTTP 2xx, `status === true` AND `data.statusCode === "00"`. */
export function postingSuccess(
  posting: Udara360PostingResponse,
  httpStatus: number,
  provider: string,
  redactor: Redactor,
): Result<Udara360PostingResponse, ClosureError> {
  const { status, message, data } = posting;
  if (status === true && data?.statusCode === '00') return ok(posting);
  return err(
    translateUdara360StatusCode({
      provider,
      operation: 'closeAccount',
      statusCode: normalizeStatusCode(data?.statusCode),
      message: message ? redactor.text(message) : null,
      httpStatus,
    }),
  );
}
