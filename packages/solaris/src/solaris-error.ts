import { ClosureError } from '@closekit/core';
import { type ErrorRule, type HttpErrorResponse, matchErrorRule } from '@closekit/core/adapter';
import { oauthErrorSchema, type SolarisErrorEntry, solarisErrorEnvelopeSchema } from './solaris-api';
import { SOLARIS_PROVIDER } from './solaris-settings';

/** The operations the adapter sends, as named in hooks; each has its error table. */
export type SolarisOperation = 'authenticate' | 'closeAccount' | 'readBack' | 'getClosure' | 'listClosures';

const INVALID_INPUT = 'validation failure (provider doc §5, S8)';

/** Documented codes any API call may answer (provider doc §5), decided before any text. */
const DOCUMENTED_RULES: readonly ErrorRule[] = [
  {
    status: 400,
    providerCode: ['invalid_model', 'validation_error', 'type_error', 'invalid_json'],
    code: 'INVALID_REQUEST',
    source: INVALID_INPUT,
  },
  {
    status: 400,
    providerCode: ['invalid_webhook_url', 'unsafe_webhook_url'],
    code: 'INVALID_REQUEST',
    source: 'webhook URL check failed / not HTTPS (provider doc §5)',
  },
  {
    status: 400,
    providerCode: 'build_pagination_headers_failure',
    code: 'INVALID_REQUEST',
    source: 'bad paging (provider doc §5, S9b)',
  },
  // The transport has already refreshed the token once and replayed before this is final (§1).
  {
    status: 401,
    providerCode: ['invalid_token', 'token_required'],
    code: 'AUTHENTICATION_FAILED',
    source: 'token expired, malformed or missing (provider doc §5)',
  },
];

/** Documented refusal codes that the compliance-block text may refine on create (provider doc §5). */
const DOCUMENTED_REFUSAL_RULES: readonly ErrorRule[] = [
  {
    status: 403,
    providerCode: ['unauthorized_partner', 'unauthorized_action', 'authorization_required', 'invalid_tan'],
    code: 'PERMISSION_DENIED',
    source: 'partner or token policy forbids it, needs SCA, wrong OTP (provider doc §5, X1)',
  },
  // closeAccount reads back on this and returns the existing ACR when there is one (§7).
  {
    status: 409,
    providerCode: 'record_not_unique',
    code: 'DUPLICATE_REQUEST',
    source: 'unique constraint (provider doc §5, X1)',
  },
];

// The status alone decides below, whatever the code or text (or a body that is not the envelope).

/** Refusals of an API call by status. */
const REFUSAL_STATUS_RULES: readonly ErrorRule[] = [
  {
    status: 401,
    code: 'AUTHENTICATION_FAILED',
    source: 'missing, expired or invalid token (provider doc §1)',
  },
  { status: 403, code: 'PERMISSION_DENIED', source: 'every documented 403 is a policy refusal (§5, X1)' },
];

/**
 * Answers that say nothing was decided: retried by the transport. A 5xx is decided by its status
 * (codes count only on a 4xx); each documented 5xx code comes with its own status (§5, X1).
 */
const TRANSIENT_STATUS_RULES: readonly ErrorRule[] = [
  { status: 408, code: 'TIMEOUT', source: 'request timeout (HTTP)' },
  { status: 429, code: 'RATE_LIMITED', source: 'undocumented; Retry-After honoured (provider doc §5, §7)' },
  {
    status: 501,
    code: 'OPERATION_NOT_SUPPORTED',
    source: 'not_implemented_error: endpoint unavailable (§5, X1)',
  },
  { status: 504, code: 'TIMEOUT', source: 'gateway_timeout: too slow (provider doc §5, X1)' },
  {
    status: '5xx',
    code: 'PROVIDER_UNAVAILABLE',
    source: 'generic_error (500), bad_gateway (502) and any other server failure (provider doc §5, X1)',
  },
];

/** An unknown id (§5); the public mock says `not_found`. */
const NOT_FOUND_CODES = ['model_not_found', 'not_found'] as const;

/**
 * Error tables per operation, provider doc §5. Printed in docs/providers/solaris.md; walked by
 * solaris-error.test.ts. Anything that matches no row is PROVIDER_ERROR with the raw code.
 */
export const SOLARIS_ERROR_TABLE = {
  // The auth host refuses bad client credentials with 400/401 (RFC 6749 §5.2) or 403 (§1).
  authenticate: [
    { status: [400, 401, 403], code: 'AUTHENTICATION_FAILED', source: 'token request refused (§1, S6)' },
    ...TRANSIENT_STATUS_RULES,
  ],
  closeAccount: [
    ...DOCUMENTED_RULES,
    // No code is documented for it: only a refusal whose text names the guide's condition ("No ACR
    // can be created for an account under a compliance block", §3, S5) is ACCOUNT_BLOCKED, and only
    // on a 400/403/422. A generic word ("Action blocked by token policy") is not; nor does text
    // ever override a 401, 409, 429 or 5xx. It refines the documented 403 codes: naming the block
    // is more specific than "forbidden".
    {
      status: [400, 403, 422],
      text: /\bcompliance[\s_-]*block|\bblocked\s+(?:for|due\s+to|because\s+of)\s+compliance\b/i,
      code: 'ACCOUNT_BLOCKED',
      source: 'create refused under a compliance block; no code documented (provider doc §3, §5, S5)',
    },
    ...DOCUMENTED_REFUSAL_RULES,
    { status: 404, providerCode: NOT_FOUND_CODES, code: 'ACCOUNT_NOT_FOUND', source: 'unknown account (§5)' },
    ...REFUSAL_STATUS_RULES,
    ...TRANSIENT_STATUS_RULES,
  ],
  read: [
    ...DOCUMENTED_RULES,
    ...DOCUMENTED_REFUSAL_RULES,
    { status: 404, providerCode: NOT_FOUND_CODES, code: 'CLOSURE_NOT_FOUND', source: 'unknown ACR (§5)' },
    ...REFUSAL_STATUS_RULES,
    ...TRANSIENT_STATUS_RULES,
  ],
} as const satisfies Record<string, readonly ErrorRule[]>;

/** The table an operation's errors go through. */
export function solarisErrorTableFor(operation: string): readonly ErrorRule[] {
  if (operation === 'authenticate') return SOLARIS_ERROR_TABLE.authenticate;
  if (operation === 'closeAccount') return SOLARIS_ERROR_TABLE.closeAccount;
  return SOLARIS_ERROR_TABLE.read;
}

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
  const table = solarisErrorTableFor(response.operation);
  let rule: ErrorRule | null = null;
  for (const entry of candidates) {
    const found = matchErrorRule(table, {
      status: response.status,
      providerCodes: entry?.code ? [entry.code] : [],
      text: textOf(entry) ?? '',
    });
    // A row naming the code beats a row without one found on an earlier entry.
    if (found && (rule === null || (rule.providerCode === undefined && found.providerCode !== undefined))) {
      rule = found;
      chosen = entry;
    }
  }
  const neutral = rule?.code ?? 'PROVIDER_ERROR';
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
