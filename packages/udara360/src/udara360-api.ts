import { z } from 'zod';

/*
 * Wire schemas of the Udara360 endpoints the adapter uses. Lenient on purpose: they declare only
 * the fields read, accept extra ones, and accept the shape variants the notes list as unknown
 * (providers/udara360.md §1, §4, §9), so an unrelated provider change does not break parsing.
 */

const numberLike = z.union([z.number(), z.string()]);

// --- POST /api/auth/v1/authenticate ([AUTH], §1) ---------------------------------------------

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

const isRecordLike = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const looksLikeAccount = (value: Record<string, unknown>) =>
  'accountStatus' in value || 'accountNumber' in value;

function accountRecords(data: unknown): Udara360AccountRecord[] | null {
  const parseAll = (items: unknown[]) =>
    items.flatMap((item) => {
      const parsed = accountRecordSchema.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    });
  if (Array.isArray(data)) return parseAll(data);
  if (!isRecordLike(data)) return null;
  if (looksLikeAccount(data)) return parseAll([data]);
  for (const key of LIST_KEYS) {
    const nested = data[key];
    if (Array.isArray(nested)) return parseAll(nested);
    if (isRecordLike(nested) && looksLikeAccount(nested)) return parseAll([nested]);
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
    if (!isRecordLike(wire)) {
      context.addIssue({ code: 'custom', message: 'expected a JSON object' });
      return z.NEVER;
    }
    const status = typeof wire.status === 'boolean' ? wire.status : null;
    const message = typeof wire.message === 'string' ? wire.message : null;
    const data = 'data' in wire ? wire.data : looksLikeAccount(wire) ? wire : undefined;
    const statusCode = isRecordLike(data) ? normalizeStatusCode(data.statusCode) : null;
    return { status, message, statusCode, records: accountRecords(data) };
  });

// --- GET /api/account/v1/getbyaccountnumber?AccountNumber= ([BAL], §4) -------------------------

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
  if (!isRecordLike(wire)) {
    context.addIssue({ code: 'custom', message: 'expected a JSON object' });
    return z.NEVER;
  }
  const data = isRecordLike(wire.data) ? wire.data : undefined;
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
