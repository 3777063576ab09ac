import { type InputIssue, isRecord } from '@closekit/core/adapter';
import { z } from 'zod';

/*
 * Wire schemas of the Udara360 endpoints the adapter uses. Lenient on purpose: they declare only
 * the fields read, accept extra ones, and accept the shape variants the notes list as unknown
 * (providers/udara360.md §1, §4, §9), so an unrelated provider change does not break parsing.
 */

const numberLike = z.union([z.number(), z.string()]);

// --- POST /api/auth/v1/authenticate ([AUTH], §1) ---------------------------------------------

export const AUTHENTICATE_PATH = '/api/auth/v1/authenticate';

const tokenFieldsSchema = z.looseObject({
  accessToken: z.string().min(1),
  tokenType: z.string().nullish(),
  /** "epoch time", unit not stated. */
  expirationTime: numberLike.nullish(),
  tokenValiditySec: numberLike.nullish(),
});
export type Udara360TokenFields = z.infer<typeof tokenFieldsSchema>;

export type Udara360TokenAnswer =
  | { ok: true; token: Udara360TokenFields }
  | { ok: false; message: string | null; statusCode: string | null };

/** The token may sit at top level or inside the `{status, message, data}` envelope: both are accepted. */
export const tokenResponseSchema = z
  .union([
    tokenFieldsSchema,
    z.looseObject({ data: tokenFieldsSchema }),
    z.looseObject({
      status: z.literal(false),
      message: z.string().nullish(),
      data: z.looseObject({ statusCode: numberLike.nullish() }).nullish(),
    }),
  ])
  .transform((wire): Udara360TokenAnswer => {
    const top = tokenFieldsSchema.safeParse(wire);
    if (top.success) return { ok: true, token: top.data };
    const nested = tokenFieldsSchema.safeParse((wire as { data?: unknown }).data);
    if (nested.success) return { ok: true, token: nested.data };
    const failure = wire as {
      message?: string | null;
      data?: { statusCode?: string | number | null } | null;
    };
    return {
      ok: false,
      message: failure.message ?? null,
      statusCode: normalizeStatusCode(failure.data?.statusCode),
    };
  });

// --- POST /api/postings/v1/closeaccount ([CA], §2) --------------------------------------------

export const CLOSE_ACCOUNT_PATH = '/api/postings/v1/closeaccount';

export const postingResponseSchema = z.looseObject({
  status: z.boolean(),
  message: z.string().nullish(),
  data: z
    .looseObject({
      statusCode: numberLike.nullish(),
      referenceNumber: z.string().nullish(),
      instrumentNumber: z.string().nullish(),
      duration: z.unknown().optional(),
    })
    .nullish(),
});
export type Udara360PostingResponse = z.infer<typeof postingResponseSchema>;

export interface Udara360CloseAccountBody {
  accountNumber: string;
  closureReason: string;
  instrumentNumber: string;
}

// --- GET /api/account/v1/SearchAccount ([SEARCH], [code O3C], §4) -----------------------------

/**
 * The account read used for the pre-check, getClosure and every read-back. The docs show
 * `PUT /api/account/v1/api/account/v1/SearchAccount` (path doubled); public client code uses
 * `GET /api/account/v1/SearchAccount` with PageNumber/PageSize ([SEARCH], [code O3C], §4, §9).
 * The code-verified GET is used.
 */
export const ACCOUNT_SEARCH_PATH = '/api/account/v1/SearchAccount';

export const accountRecordSchema = z.looseObject({
  accountNumber: numberLike.nullish(),
  accountStatus: numberLike.nullish(),
});
export type Udara360AccountRecord = z.infer<typeof accountRecordSchema>;

export interface Udara360AccountSearchAnswer {
  /** The envelope's `status`, or null when the body has no envelope. */
  status: boolean | null;
  message: string | null;
  /** `data.statusCode` of a failure envelope, normalised to two digits. */
  statusCode: string | null;
  /** The account records found, or null when the body carries no recognisable list or record. */
  records: Udara360AccountRecord[] | null;
}

// Paged searches wrap their list under one of these names in the public code and docs we know.
const LIST_KEYS = ['items', 'data', 'records', 'result', 'results', 'content', 'accounts'] as const;

const looksLikeAccount = (value: Record<string, unknown>) =>
  'accountStatus' in value || 'accountNumber' in value;

function accountRecords(data: unknown): Udara360AccountRecord[] | null {
  const parseAll = (items: unknown[]) =>
    items.flatMap((item) => {
      const parsed = accountRecordSchema.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    });
  if (Array.isArray(data)) return parseAll(data);
  if (!isRecord(data)) return null;
  if (looksLikeAccount(data)) return parseAll([data]);
  for (const key of LIST_KEYS) {
    const nested = data[key];
    if (Array.isArray(nested)) return parseAll(nested);
    if (isRecord(nested) && looksLikeAccount(nested)) return parseAll([nested]);
  }
  return null;
}

/**
 * SearchAccount's answer. The response shape is not published: the list may be `data` itself,
 * or nested under a paging object, or the body may be the bare record ([code ZIK] reads
 * getbyaccountnumber that way). All are accepted; anything else yields `records: null`.
 */
export const accountSearchResponseSchema = z
  .unknown()
  .transform((wire, context): Udara360AccountSearchAnswer => {
    if (!isRecord(wire)) {
      context.addIssue({ code: 'custom', message: 'expected a JSON object' });
      return z.NEVER;
    }
    const status = typeof wire.status === 'boolean' ? wire.status : null;
    const message = typeof wire.message === 'string' ? wire.message : null;
    const data = 'data' in wire ? wire.data : looksLikeAccount(wire) ? wire : undefined;
    const statusCode = isRecord(data) ? normalizeStatusCode(data.statusCode) : null;
    return { status, message, statusCode, records: accountRecords(data) };
  });

// --- GET /api/account/v1/getbyaccountnumber?AccountNumber= ([BAL], §4) -------------------------

export const ACCOUNT_BALANCE_PATH = '/api/account/v1/getbyaccountnumber';

/** The balance fields the pre-flight reads; amounts in kobo ([PM]), numbers or numeric strings. */
const balanceFieldsSchema = z.looseObject({
  accountNumber: numberLike.nullish(),
  ledgerBalance: numberLike.nullish(),
  availableBalance: numberLike.nullish(),
  withdrawableBalance: numberLike.nullish(),
  lienAmount: numberLike.nullish(),
});
export type Udara360BalanceFields = z.infer<typeof balanceFieldsSchema>;

export type Udara360BalanceAnswer =
  | { ok: true; balances: Udara360BalanceFields }
  | { ok: false; message: string | null; statusCode: string | null };

/**
 * The balance answer: the fields inside the `{status, message, data}` envelope, or at top level
 * (the envelope is not shown on [BAL]); a `status: false` envelope is a failure answer.
 */
export const balanceResponseSchema = z.unknown().transform((wire, context): Udara360BalanceAnswer => {
  if (!isRecord(wire)) {
    context.addIssue({ code: 'custom', message: 'expected a JSON object' });
    return z.NEVER;
  }
  const data = isRecord(wire.data) ? wire.data : undefined;
  if (wire.status === false) {
    return {
      ok: false,
      message: typeof wire.message === 'string' ? wire.message : null,
      statusCode: normalizeStatusCode(data?.statusCode),
    };
  }
  const fields = balanceFieldsSchema.safeParse(data ?? wire);
  if (!fields.success) {
    context.addIssue({ code: 'custom', message: 'the balance fields are neither numbers nor strings' });
    return z.NEVER;
  }
  return { ok: true, balances: fields.data };
});

// --- 4xx / 5xx error bodies ([RESP], §5) ------------------------------------------------------

const errorItemSchema = z.looseObject({
  statusCode: numberLike.nullish(),
  errorCode: numberLike.nullish(),
  errorMessage: z.string().nullish(),
});

/**
 * The documented `{errors: [{statusCode, errorCode, errorMessage}]}` envelope, plus the two
 * shapes an ASP.NET host also produces: model-validation `errors: {field: [messages]}` and the
 * postings envelope `{status: false, message, data: {statusCode}}`.
 */
export const errorResponseSchema = z.looseObject({
  errors: z
    .union([z.array(errorItemSchema), z.record(z.string(), z.union([z.array(z.string()), z.string()]))])
    .nullish(),
  message: z.string().nullish(),
  title: z.string().nullish(),
  data: z.looseObject({ statusCode: numberLike.nullish() }).nullish(),
});
export type Udara360ErrorResponse = z.infer<typeof errorResponseSchema>;

/** Udara360 status codes are two-digit strings ("00", "51"); numbers are padded to match. */
export function normalizeStatusCode(value: unknown): string | null {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0)
    return String(value).padStart(2, '0');
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return null;
}

// --- Account numbers ----------------------------------------------------------------------------

/**
 * closeaccount accepts 150 characters of accountNumber ([CA]), but the account endpoints the
 * adapter reads back with cap it at 10 (§2): a closure is only safe to send when its outcome
 * can be read back, so the stricter limit applies. Udara360 account numbers are NUBANs.
 */
export const ACCOUNT_NUMBER_MAX_LENGTH = 10;
const ACCOUNT_NUMBER_PATTERN = /^[A-Za-z0-9]+$/;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Udara-specific problems of an account number (the core schemas check emptiness and whitespace). */
export function accountNumberIssues(value: unknown, path: string): InputIssue[] {
  if (typeof value !== 'string') return [];
  const issues: InputIssue[] = [];
  if (value.length > ACCOUNT_NUMBER_MAX_LENGTH) {
    issues.push({
      path,
      message: `must be at most ${ACCOUNT_NUMBER_MAX_LENGTH} characters (Udara360 account number)`,
    });
  }
  if (
    value.length > 0 &&
    !ACCOUNT_NUMBER_PATTERN.test(value) &&
    !CONTROL_CHARACTERS.test(value) &&
    value.trim() === value
  ) {
    issues.push({ path, message: 'must contain only letters and digits (Udara360 account number)' });
  }
  return issues;
}

/** Udara360's account-number rules on top of the core input schemas. */
export const accountIssues = (input: unknown): InputIssue[] =>
  isRecord(input) ? accountNumberIssues(input.accountId, 'accountId') : [];

export function closeIssues(input: unknown): InputIssue[] {
  const issues = accountIssues(input);
  // Udara360's closeaccount has nothing a caller could choose; silently ignoring options is worse.
  const options =
    isRecord(input) && isRecord(input.providerOptions) ? Object.keys(input.providerOptions) : [];
  if (options.length > 0) {
    issues.push({
      path: 'providerOptions',
      message: `udara360 takes no provider options (got ${options.slice(0, 10).join(', ')})`,
    });
  }
  return issues;
}

/** A Udara360 closureId is the account number: the same rules, and it must name the same account. */
export function refIssues(input: unknown): InputIssue[] {
  const issues = accountIssues(input);
  if (!isRecord(input) || typeof input.closureId !== 'string') return issues;
  issues.push(...accountNumberIssues(input.closureId, 'closureId'));
  if (typeof input.accountId === 'string' && input.accountId !== input.closureId) {
    issues.push({
      path: 'closureId',
      message: 'names another account than accountId (a Udara360 closureId is the account number)',
    });
  }
  return issues;
}
