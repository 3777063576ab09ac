import { ClosureError } from '@closekit/core';
import { type ErrorRule, type HttpErrorResponse, matchErrorRule } from '@closekit/core/adapter';
import { type WireError, wireErrorSchema } from './embedded-payments-api';
import { EMBEDDED_PAYMENTS_PROVIDER } from './embedded-payments-settings';

/** The shared error-rule shape of `@closekit/core/adapter`, under the name this package exported. */
export type EmbeddedPaymentsErrorRule = ErrorRule;

const BUSINESS_CODE_SOURCE =
  'provider notes §5 / [CLOSE] "Error Responses": HTTP status undocumented, counted only from the code fields of a 4xx';

/**
 * v1 `ApiError` and v2 `ApiErrorV2` -> neutral code (provider notes §5). Status before text: 401,
 * 408 and 429 say what they say whatever the body carries; the three closure codes count only when
 * a code field (`title`, `error`, `context[].code`) of a 4xx carries them — a 5xx mentioning one is
 * still a 5xx. Free-text messages never decide.
 */
export const EMBEDDED_PAYMENTS_ERROR_TABLE: readonly ErrorRule[] = [
  {
    status: 401,
    code: 'AUTHENTICATION_FAILED',
    source: 'provider notes §1 [QA]: client certificate invalid, not uploaded, or for another environment',
  },
  { status: 408, code: 'TIMEOUT', source: 'not declared for Accounts: generic request timeout' },
  { status: 429, code: 'RATE_LIMITED', source: 'not declared for Accounts: generic 429 handling (notes §9)' },
  {
    status: '4xx',
    providerCode: 'ACCOUNT_HAS_NON_ZERO_BALANCE',
    code: 'NON_ZERO_BALANCE',
    source: `${BUSINESS_CODE_SOURCE}; the account may still have moved to PENDING_CLOSE (read back)`,
  },
  {
    status: '4xx',
    providerCode: 'ACCOUNT_ALREADY_CLOSED',
    code: 'ALREADY_CLOSED',
    source: `${BUSINESS_CODE_SOURCE}; a close answers Ok, CLOSED, created false`,
  },
  {
    status: '4xx',
    providerCode: 'OPERATION_NOT_SUPPORTED',
    code: 'OPERATION_NOT_SUPPORTED',
    source: `${BUSINESS_CODE_SOURCE}; only LIMITED_DDA and LIMITED_DDA_PAYMENTS accounts close`,
  },
  { status: 400, code: 'INVALID_REQUEST', source: 'notes §5: BAD_REQUEST, malformed body or invalid field' },
  { status: 403, code: 'PERMISSION_DENIED', source: 'notes §5: FORBIDDEN' },
  { status: 404, code: 'ACCOUNT_NOT_FOUND', source: 'notes §5: NOT_FOUND, unknown account id' },
  { status: 409, code: 'PROVIDER_ERROR', source: 'not declared: a conflict says nothing about the account' },
  { status: 422, code: 'INVALID_REQUEST', source: 'not declared: unprocessable request' },
  {
    status: 500,
    code: 'PROVIDER_ERROR',
    source: 'notes §5: INTERNAL_SERVER_ERROR; a close is read back before any retry',
  },
  {
    status: 503,
    code: 'PROVIDER_UNAVAILABLE',
    source: 'notes §5: SERVICE_UNAVAILABLE; a close is read back before any retry',
  },
  { status: '5xx', code: 'PROVIDER_UNAVAILABLE', source: 'gateway errors (502, 504 ...)' },
  { status: '4xx', code: 'INVALID_REQUEST', source: 'any other client error' },
  { code: 'PROVIDER_ERROR', source: 'anything else' },
];

/** The error's code fields: `title`, `error` and every `context[].code` (never the messages). */
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

/** The first row of the EP table that matches, and the provider code it matched on. */
export function findEmbeddedPaymentsErrorRule(
  status: number,
  body: WireError | null,
): { rule: ErrorRule; matchedCode: string | null } {
  // EP writes its codes in upper case; compare them so, whatever case a gateway used.
  const providerCodes = embeddedPaymentsErrorCodes(body).map((code) => code.toUpperCase());
  const rule =
    matchErrorRule(EMBEDDED_PAYMENTS_ERROR_TABLE, {
      status,
      providerCodes,
      text: messages(body).join('\n'),
    }) ??
    // The table ends with a catch-all row, so this is unreachable; keep the compiler and readers calm.
    (EMBEDDED_PAYMENTS_ERROR_TABLE.at(-1) as ErrorRule);
  const wanted = rule.providerCode === undefined ? [] : [rule.providerCode].flat();
  return { rule, matchedCode: providerCodes.find((code) => wanted.includes(code)) ?? null };
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
