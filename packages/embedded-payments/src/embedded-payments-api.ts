import { z } from 'zod';

/**
 * Wire format of J.P. Morgan Embedded Payments Accounts v1 (1.0.35) and v2 (beta, 2.0.47).
 * Lenient on purpose: only the fields closekit reads are declared, extra fields pass, and
 * optional fields may be absent or null (docs/providers/embedded-payments.md; provider notes §2–§5).
 */

/** The v2 path allows at most 34 characters; ids are not strictly hex (provider notes §2). */
export const MAX_ACCOUNT_ID_LENGTH = 34;

/** The v2 `closureReason` is 1–50 characters (ClientRequestedClosureReason). */
export const MAX_CLOSURE_REASON_LENGTH = 50;

/** Only these categories can be closed through the API (seed "Error Responses"; provider notes §2). */
export const CLOSABLE_ACCOUNT_CATEGORIES: readonly string[] = ['LIMITED_DDA', 'LIMITED_DDA_PAYMENTS'];

export const accountPath = (accountId: string) => `/accounts/${encodeURIComponent(accountId)}`;
export const balancesPath = (accountId: string) => `${accountPath(accountId)}/balances`;

/**
 * A text field that may be missing: absent stays absent and null stays null, so a parsed payload
 * is still the payload (kept as `raw`); any other type reads as null. (Core's `lenientText` turns
 * absent into null, which would add keys to `raw` that J.P. Morgan never sent.)
 */
export const optionalText = z.transform((value: unknown): string | null | undefined =>
  typeof value === 'string' || value === null || value === undefined ? value : null,
);

/** v1 restriction `{restrictionId, restrictionType}`; v2 adds reason and status. Types are open strings. */
const restrictionSchema = z
  .object({
    restrictionId: optionalText,
    restrictionType: optionalText,
    restrictionReason: optionalText,
    restrictionStatus: optionalText,
  })
  .loose();

/** GET /accounts/{id}, v1 `AccountResponseWithStatus` and v2 `GetAccountResponseV2`. */
export const wireAccountSchema = z
  .object({
    id: z.string().min(1),
    // v1 is an enum, v2 an open string (≤ 32): keep it open and map it in map-embedded-payments-closure-state.ts.
    state: z.string().min(1),
    // Both versions require it and the pre-flight reads it.
    category: z.string().min(1),
    // Free text on the way back: ELECTIVE, Elective, Elective Closure, PROBATE ... (provider notes §6).
    closureReason: optionalText,
    createdAt: optionalText,
    // v2 only; v1 has no updatedAt.
    updatedAt: optionalText,
    restrictions: z.array(restrictionSchema).nullish().catch(null),
  })
  .loose();
export type WireAccount = z.infer<typeof wireAccountSchema>;

/** 202 body of v1 `ManageAccountResponse` / v2 `ManageAccountResponseV2`: only `id` is required. */
export const wireCloseResponseSchema = z
  .object({
    id: z.string().min(1),
    state: optionalText,
    closureReason: optionalText,
  })
  .loose();
export type WireCloseResponse = z.infer<typeof wireCloseResponseSchema>;

/** A decimal written as a JSON number (v1) or a string (v2), kept as text to avoid float rounding. */
const decimalSchema = z.union([
  z.number().refine(Number.isFinite, 'must be a finite number'),
  z.string().regex(/^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*$/, 'must be a decimal number'),
]);

/** One balance, normalised across versions. */
export interface AccountBalance {
  /** v1 `typeCode` (ITAV, ITBD) or v2 `type` (INTERIM_AVAILABLE, INTERIM_BOOKED, INTERIM_EXPECTED). */
  type: string;
  /** The amount as J.P. Morgan wrote it. */
  amount: string;
  currency: string | null;
  /** v1 `date` or v2 `effectiveDate`. */
  date: string | null;
}

const v1BalancesSchema = z.object({
  id: z.string().optional(),
  date: optionalText,
  currency: optionalText,
  balanceTypes: z.array(z.object({ typeCode: z.string().min(1), amount: decimalSchema }).loose()),
});

const v2BalancesSchema = z.object({
  id: z.string().optional(),
  items: z.array(
    z
      .object({
        effectiveDate: optionalText,
        currency: optionalText,
        balances: z.array(z.object({ type: z.string().min(1), amount: decimalSchema }).loose()),
      })
      .loose(),
  ),
});

/** GET /accounts/{id}/balances in either version, normalised to a flat list. */
export const wireBalancesSchema = z.union([v2BalancesSchema, v1BalancesSchema]).transform((wire) => {
  if ('items' in wire) {
    return wire.items.flatMap((item) =>
      item.balances.map(
        (balance): AccountBalance => ({
          type: balance.type,
          amount: String(balance.amount).trim(),
          currency: item.currency ?? null,
          date: item.effectiveDate ?? null,
        }),
      ),
    );
  }
  return wire.balanceTypes.map(
    (balance): AccountBalance => ({
      type: balance.typeCode,
      amount: String(balance.amount).trim(),
      currency: wire.currency ?? null,
      date: wire.date ?? null,
    }),
  );
});

/** True when a decimal amount (as text) is exactly zero. */
export function isZeroAmount(amount: string): boolean {
  return /^[-+]?(0+(\.0*)?|\.0+)$/.test(amount.trim());
}

/** v1 `ApiError` and v2 `ApiErrorV2` in one lenient shape (provider notes §5). */
export const wireErrorSchema = z
  .object({
    title: optionalText,
    // v1 lists `error` as required without defining it; its examples carry a code string.
    error: z.unknown().optional(),
    httpStatus: z.number().nullish().catch(null),
    traceId: optionalText,
    requestId: optionalText,
    context: z
      .array(
        z
          .object({
            code: optionalText,
            location: optionalText,
            field: optionalText,
            message: optionalText,
          })
          .loose(),
      )
      .nullish()
      .catch(null),
  })
  .loose();
export type WireError = z.infer<typeof wireErrorSchema>;
