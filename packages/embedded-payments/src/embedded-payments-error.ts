import { ClosureError, type ClosureErrorCode, type HttpErrorResponse } from '@closekit/core';
import { EMBEDDED_PAYMENTS_PROVIDER, type WireError, wireErrorSchema } from './embedded-payments-api';

/**
 * One row of the translation table. A row matches when its `providerCode` (if any) is among the
 * codes the error carries and its `status` (if any) matches the HTTP status; the first match wins.
 */
export interface EmbeddedPaymentsErrorRule {
  /** HTTP status, '4xx'/'5xx' class, or null for any status. */
  status: number | '4xx' | '5xx' | null;
  /** Matched against `title`, `error`, every `context[].code` and the text of `context[].message`. */
  providerCode: string | null;
  code: ClosureErrorCode;
  /** Where the row comes from, for docs/providers/embedded-payments.md. */
  meaning: string;
}

/**
 * v1 `ApiError` and v2 `ApiErrorV2` -> neutral code (provider notes §5). The three closure codes
 * come first because their HTTP status is undocumented and their position in the body too:
 * they are matched wherever they appear.
 */
export const EMBEDDED_PAYMENTS_ERROR_TABLE: readonly EmbeddedPaymentsErrorRule[] = [
  {
    status: null,
    providerCode: 'ACCOUNT_HAS_NON_ZERO_BALANCE',
    code: 'NON_ZERO_BALANCE',
    meaning: 'balance must be zero; the account may still have moved to PENDING_CLOSE (re-read attached)',
  },
  {
    status: null,
    providerCode: 'ACCOUNT_ALREADY_CLOSED',
    code: 'ALREADY_CLOSED',
    meaning: 'the account is already CLOSED (re-read attached)',
  },
  {
    status: null,
    providerCode: 'OPERATION_NOT_SUPPORTED',
    code: 'OPERATION_NOT_SUPPORTED',
    meaning: 'only LIMITED_DDA and LIMITED_DDA_PAYMENTS accounts can be closed',
  },
  { status: 400, providerCode: null, code: 'INVALID_REQUEST', meaning: 'malformed body or invalid field' },
  {
    status: 401,
    providerCode: null,
    code: 'AUTHENTICATION_FAILED',
    meaning: 'client certificate invalid, not uploaded, or for another environment (mTLS)',
  },
  { status: 403, providerCode: null, code: 'PERMISSION_DENIED', meaning: 'not permitted' },
  { status: 404, providerCode: null, code: 'ACCOUNT_NOT_FOUND', meaning: 'unknown account id' },
  { status: 408, providerCode: null, code: 'TIMEOUT', meaning: 'request timeout (not declared)' },
  { status: 409, providerCode: null, code: 'PROVIDER_ERROR', meaning: 'conflict (not declared)' },
  { status: 422, providerCode: null, code: 'INVALID_REQUEST', meaning: 'unprocessable (not declared)' },
  { status: 429, providerCode: null, code: 'RATE_LIMITED', meaning: 'rate limited (not declared)' },
  {
    status: 500,
    providerCode: null,
    code: 'PROVIDER_ERROR',
    meaning: 'internal server error; a close is read back before any retry',
  },
  {
    status: 503,
    providerCode: null,
    code: 'PROVIDER_UNAVAILABLE',
    meaning: 'service unavailable; a close is read back before any retry',
  },
  {
    status: '5xx',
    providerCode: null,
    code: 'PROVIDER_UNAVAILABLE',
    meaning: 'gateway errors (502, 504 ...)',
  },
  { status: '4xx', providerCode: null, code: 'INVALID_REQUEST', meaning: 'any other client error' },
  { status: null, providerCode: null, code: 'PROVIDER_ERROR', meaning: 'anything else' },
];

/** Every code-like string the error body carries: title, error, context codes, and codes named in messages. */
export function embeddedPaymentsErrorCodes(body: WireError | null): string[] {
  if (!body) return [];
  const codes: string[] = [];
  const push = (value: unknown) => {
    if (typeof value === 'string' && value.trim() !== '') codes.push(value.trim());
  };
  push(body.title);
  push(body.error);
  for (const reason of body.context ?? []) push(reason.code);
  return codes;
}

function messages(body: WireError | null): string[] {
  return (body?.context ?? [])
    .map((reason) => reason.message)
    .filter((message): message is string => typeof message === 'string' && message.trim() !== '');
}

function statusMatches(rule: EmbeddedPaymentsErrorRule, status: number): boolean {
  if (rule.status === null) return true;
  if (rule.status === '4xx') return status >= 400 && status < 500;
  if (rule.status === '5xx') return status >= 500 && status < 600;
  return rule.status === status;
}

/** The first row of the table that matches, and the provider code it matched on. */
export function findEmbeddedPaymentsErrorRule(
  status: number,
  body: WireError | null,
): { rule: EmbeddedPaymentsErrorRule; matchedCode: string | null } {
  const codes = embeddedPaymentsErrorCodes(body).map((code) => code.toUpperCase());
  const texts = [...messages(body), body?.title ?? ''].map((text) => text.toUpperCase());
  for (const rule of EMBEDDED_PAYMENTS_ERROR_TABLE) {
    if (!statusMatches(rule, status)) continue;
    if (rule.providerCode === null) return { rule, matchedCode: null };
    // Where these codes appear is undocumented (provider notes §5): a code field, or inside a message.
    if (codes.includes(rule.providerCode) || texts.some((text) => text.includes(rule.providerCode ?? ''))) {
      return { rule, matchedCode: rule.providerCode };
    }
  }
  // The table ends with a catch-all row, so this is unreachable; keep the compiler and readers calm.
  return { rule: EMBEDDED_PAYMENTS_ERROR_TABLE.at(-1) as EmbeddedPaymentsErrorRule, matchedCode: null };
}

/** A non-2xx answer -> ClosureError, through EMBEDDED_PAYMENTS_ERROR_TABLE. */
export function translateEmbeddedPaymentsError(response: HttpErrorResponse): ClosureError {
  const parsed = wireErrorSchema.safeParse(response.body);
  const body = parsed.success ? parsed.data : null;
  const { rule, matchedCode } = findEmbeddedPaymentsErrorRule(response.status, body);
  const providerCode =
    matchedCode ??
    embeddedPaymentsErrorCodes(body).find((code) => code !== body?.title) ??
    body?.title ??
    null;
  const said = [body?.title, ...messages(body)].filter(Boolean).join(': ');
  return new ClosureError({
    code: rule.code,
    provider: EMBEDDED_PAYMENTS_PROVIDER,
    message: `${response.operation}: J.P. Morgan answered HTTP ${response.status}${said ? ` (${said})` : ''}`,
    httpStatus: response.status,
    providerCode,
    // J.P. Morgan's traceId is what their support asks for; the echoed request-id is ours.
    requestId: body?.traceId ?? response.requestId,
    details: body
      ? {
          title: body.title,
          traceId: body.traceId,
          requestId: body.requestId,
          context: body.context ?? [],
        }
      : { excerpt: response.excerpt },
  });
}
