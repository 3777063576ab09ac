import { ClosureError, type ClosureErrorCode, type HttpErrorResponse } from '@closekit/core';
import {
  oauthErrorSchema,
  SOLARIS_PROVIDER,
  type SolarisErrorEntry,
  solarisErrorEnvelopeSchema,
} from './solaris-api';

/** The operations the adapter sends, as named in hooks and in the error table. */
export type SolarisOperation = 'authenticate' | 'closeAccount' | 'readBack' | 'getClosure' | 'listClosures';

/** One row of the error table: first match wins. */
export interface SolarisErrorRule {
  /** The HTTP status, or a class. */
  status: number | '4xx' | '5xx';
  /** The Solaris `code`: exact, `prefix_*`, or `*` for any code (also none). */
  code: string;
  /** Only for these operations; all when absent. */
  operations?: readonly SolarisOperation[];
  /** Only when the error's title or detail matches (for undocumented refusals). */
  detailPattern?: RegExp;
  neutral: ClosureErrorCode;
  /** Why, with the provider doc section. */
  note: string;
}

const INVALID_INPUT = 'Solaris validation failure (provider doc §5)';

/**
 * (HTTP status, Solaris code) -> neutral code, provider doc §5. Printed in docs/providers/solaris.md;
 * walked by solaris-error.test.ts. Anything that matches no row is PROVIDER_ERROR with the raw code.
 */
export const SOLARIS_ERROR_TABLE: readonly SolarisErrorRule[] = [
  // The auth host refuses bad client credentials with 400/401 (RFC 6749 §5.2) or 403.
  {
    status: 400,
    code: '*',
    operations: ['authenticate'],
    neutral: 'AUTHENTICATION_FAILED',
    note: 'token request refused (§1)',
  },
  {
    status: 401,
    code: '*',
    operations: ['authenticate'],
    neutral: 'AUTHENTICATION_FAILED',
    note: 'token request refused (§1)',
  },
  {
    status: 403,
    code: '*',
    operations: ['authenticate'],
    neutral: 'AUTHENTICATION_FAILED',
    note: 'token request refused (§1)',
  },
  { status: 400, code: 'invalid_model', neutral: 'INVALID_REQUEST', note: INVALID_INPUT },
  { status: 400, code: 'validation_error', neutral: 'INVALID_REQUEST', note: INVALID_INPUT },
  { status: 400, code: 'type_error', neutral: 'INVALID_REQUEST', note: INVALID_INPUT },
  { status: 400, code: 'invalid_json', neutral: 'INVALID_REQUEST', note: INVALID_INPUT },
  { status: 400, code: 'invalid_webhook_url', neutral: 'INVALID_REQUEST', note: 'webhook URL check (§5)' },
  { status: 400, code: 'unsafe_webhook_url', neutral: 'INVALID_REQUEST', note: 'webhook URL not HTTPS (§5)' },
  {
    status: 400,
    code: 'build_pagination_headers_failure',
    neutral: 'INVALID_REQUEST',
    note: 'bad paging (§5, S9b)',
  },
  // The transport has already refreshed the token once and replayed before this is final (§1).
  {
    status: 401,
    code: 'invalid_token',
    neutral: 'AUTHENTICATION_FAILED',
    note: 'token expired or malformed (§5)',
  },
  { status: 401, code: 'token_required', neutral: 'AUTHENTICATION_FAILED', note: 'token missing (§5)' },
  // No code is documented for a compliance block; only a detail that says so earns ACCOUNT_BLOCKED (§5).
  // It comes before the 403 rules: a refusal that names the block is more specific than its status.
  {
    status: '4xx',
    code: '*',
    operations: ['closeAccount'],
    detailPattern: /compliance[\s_-]*block|\bblocked\b/i,
    neutral: 'ACCOUNT_BLOCKED',
    note: 'create refused under a compliance block; undocumented, matched on the detail (§3, §5)',
  },
  {
    status: 403,
    code: 'unauthorized_*',
    neutral: 'PERMISSION_DENIED',
    note: 'partner or token policy forbids it (§5, X1)',
  },
  {
    status: 403,
    code: 'authorization_required',
    neutral: 'PERMISSION_DENIED',
    note: 'needs a change request or SCA (§5, X1)',
  },
  { status: 403, code: 'invalid_tan', neutral: 'PERMISSION_DENIED', note: 'wrong OTP (§5, X1)' },
  // An unknown id: the account on create, the ACR on a read (§5). The mock says `not_found`.
  {
    status: 404,
    code: 'model_not_found',
    operations: ['closeAccount'],
    neutral: 'ACCOUNT_NOT_FOUND',
    note: 'unknown account (§5)',
  },
  {
    status: 404,
    code: 'not_found',
    operations: ['closeAccount'],
    neutral: 'ACCOUNT_NOT_FOUND',
    note: 'unknown account, mock spelling (§5)',
  },
  { status: 404, code: 'model_not_found', neutral: 'CLOSURE_NOT_FOUND', note: 'unknown ACR (§5)' },
  { status: 404, code: 'not_found', neutral: 'CLOSURE_NOT_FOUND', note: 'unknown ACR, mock spelling (§5)' },
  // closeAccount reads back on this and returns the existing ACR when there is one (§7).
  {
    status: 409,
    code: 'record_not_unique',
    neutral: 'DUPLICATE_REQUEST',
    note: 'unique constraint (§5, X1)',
  },
  { status: 500, code: 'generic_error', neutral: 'PROVIDER_UNAVAILABLE', note: 'internal error (§5, X1)' },
  {
    status: 501,
    code: 'not_implemented_error',
    neutral: 'OPERATION_NOT_SUPPORTED',
    note: 'endpoint unavailable (§5, X1)',
  },
  { status: 502, code: 'bad_gateway', neutral: 'PROVIDER_UNAVAILABLE', note: 'upstream failure (§5, X1)' },
  { status: 504, code: 'gateway_timeout', neutral: 'TIMEOUT', note: 'too slow (§5, X1)' },
  // The status alone is decisive here, whatever the code (or a body that is not the envelope).
  {
    status: 401,
    code: '*',
    neutral: 'AUTHENTICATION_FAILED',
    note: 'missing, expired or invalid token (§1)',
  },
  { status: 408, code: '*', neutral: 'TIMEOUT', note: 'request timeout' },
  { status: 429, code: '*', neutral: 'RATE_LIMITED', note: 'undocumented; Retry-After honoured (§5, §7)' },
  { status: '5xx', code: '*', neutral: 'PROVIDER_UNAVAILABLE', note: 'server-side failure (§5)' },
];

export interface SolarisErrorEntryView {
  id: string | null;
  status: number | null;
  code: string | null;
  title: string | null;
  detail: string | null;
  field: string | null;
}

const MAX_TEXT = 300;
const clip = (value: string | null | undefined): string | null =>
  value === null || value === undefined
    ? null
    : value.length > MAX_TEXT
      ? `${value.slice(0, MAX_TEXT)}…`
      : value;

function toView(entry: SolarisErrorEntry): SolarisErrorEntryView {
  const status = typeof entry.status === 'string' ? Number.parseInt(entry.status, 10) : entry.status;
  return {
    id: clip(entry.id),
    status: status === null || status === undefined || Number.isNaN(status) ? null : status,
    code: clip(entry.code),
    title: clip(entry.title),
    detail: clip(entry.detail),
    field: clip(entry.source?.field ?? null),
  };
}

/** Reads the `errors[]` envelope, or an OAuth `{error}` body; [] when the body is neither. */
export function readSolarisErrors(body: unknown): SolarisErrorEntryView[] {
  const envelope = solarisErrorEnvelopeSchema.safeParse(body);
  if (envelope.success) return envelope.data.errors.map(toView);
  const oauth = oauthErrorSchema.safeParse(body);
  if (oauth.success) {
    return [
      {
        id: null,
        status: null,
        code: clip(oauth.data.error),
        title: null,
        detail: clip(oauth.data.error_description),
        field: null,
      },
    ];
  }
  return [];
}

function statusMatches(rule: SolarisErrorRule, status: number): boolean {
  if (rule.status === '4xx') return status >= 400 && status < 500;
  if (rule.status === '5xx') return status >= 500 && status < 600;
  return rule.status === status;
}

function codeMatches(rule: SolarisErrorRule, code: string | null): boolean {
  if (rule.code === '*') return true;
  if (code === null) return false;
  if (rule.code.endsWith('*')) return code.startsWith(rule.code.slice(0, -1));
  return rule.code === code;
}

/** The first table row that matches, or undefined. */
export function findSolarisErrorRule(input: {
  status: number;
  code: string | null;
  operation: string;
  text?: string | null;
}): SolarisErrorRule | undefined {
  return SOLARIS_ERROR_TABLE.find(
    (rule) =>
      statusMatches(rule, input.status) &&
      codeMatches(rule, input.code) &&
      (rule.operations === undefined || rule.operations.includes(input.operation as SolarisOperation)) &&
      (rule.detailPattern === undefined || rule.detailPattern.test(input.text ?? '')),
  );
}

/**
 * Translates a non-2xx Solaris response through SOLARIS_ERROR_TABLE. With several errors the first
 * one the table knows decides; all are kept in `details.errors`. `requestId` is the Solaris error
 * id (what Solaris Support asks for), else the response's request id header.
 */
export function translateSolarisError(response: HttpErrorResponse): ClosureError {
  const errors = readSolarisErrors(response.body);
  const textOf = (entry: SolarisErrorEntryView | undefined) =>
    entry ? [entry.title, entry.detail].filter(Boolean).join(' ') : null;
  const candidates = errors.length > 0 ? errors : [undefined];
  let chosen: SolarisErrorEntryView | undefined = errors[0];
  let rule: SolarisErrorRule | undefined;
  for (const entry of candidates) {
    const found = findSolarisErrorRule({
      status: response.status,
      code: entry?.code ?? null,
      operation: response.operation,
      text: textOf(entry),
    });
    // A row naming the code beats a status-only row found on an earlier entry.
    if (found && (rule === undefined || (rule.code === '*' && found.code !== '*'))) {
      rule = found;
      chosen = entry;
    }
  }
  const neutral = rule?.neutral ?? 'PROVIDER_ERROR';
  const providerCode = chosen?.code ?? null;
  const said = chosen ? [chosen.title, chosen.detail].filter(Boolean).join(': ') : '';
  const more = errors.length > 1 ? ` (+${errors.length - 1} more)` : '';
  const message = `Solaris answered ${response.operation} with HTTP ${response.status}${
    providerCode ? ` ${providerCode}` : ''
  }${said ? `: ${said}` : ''}${more}`;
  return new ClosureError({
    code: neutral,
    provider: SOLARIS_PROVIDER,
    message,
    httpStatus: response.status,
    providerCode,
    requestId: chosen?.id ?? errors.find((entry) => entry.id)?.id ?? response.requestId,
    details: errors.length > 0 ? { errors } : { excerpt: response.excerpt },
  });
}
