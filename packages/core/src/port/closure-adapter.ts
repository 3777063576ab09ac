import type { ResultAsync } from 'neverthrow';
import { z } from 'zod';
import type { Closure } from '../domain/closure';
import type { ClosureError } from '../domain/closure-error';
import type { ClosureEvent } from '../domain/closure-event';
import { type ClosureReason, closureReasonSchema } from '../domain/closure-reason';
import { type ClosureState, closureStateSchema } from '../domain/closure-state';

/** What an adapter can do, known before any call. */
export interface ClosureAdapterCapabilities {
  getClosure: boolean;
  listClosures: boolean;
  webhooks: boolean;
  /** True when CLOSED arrives later than the closeAccount call. */
  asyncClosure: boolean;
  /** The neutral reasons closeAccount accepts with the adapter's current reason map. */
  reasons: readonly ClosureReason[];
}

/** Per-call overrides of the adapter's settings. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Per attempt. */
  timeoutMs?: number;
  maxRetries?: number;
}

const noControlCharacters = (value: string) => !/[\u0000-\u001f\u007f]/.test(value);
const identifierSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((value) => value.trim() === value, 'must not start or end with whitespace')
  .refine(noControlCharacters, 'must not contain control characters');

export const closeAccountRequestSchema = z.strictObject({
  accountId: identifierSchema,
  reason: closureReasonSchema,
  /** Reused on every attempt of this call; generated when absent. */
  idempotencyKey: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional(),
  providerOptions: z.record(z.string(), z.unknown()).optional(),
});
export type CloseAccountRequest = z.infer<typeof closeAccountRequestSchema>;

export const closureRefSchema = z
  .strictObject({
    closureId: identifierSchema.optional(),
    accountId: identifierSchema.optional(),
  })
  .refine((ref) => ref.closureId !== undefined || ref.accountId !== undefined, {
    message: 'give closureId or accountId',
  });
export type ClosureRef = z.infer<typeof closureRefSchema>;

export const listClosuresQuerySchema = z.strictObject({
  accountId: identifierSchema.optional(),
  state: closureStateSchema.optional(),
  /** Pages are numbered from 1. */
  page: z.number().int().min(1).optional(),
  pageSize: z.number().int().min(1).max(1000).optional(),
});
export type ListClosuresQuery = {
  accountId?: string;
  state?: ClosureState;
  page?: number;
  pageSize?: number;
};

export interface ClosurePage {
  items: Closure[];
  /** The page to ask for next, or null on the last page. */
  nextPage: number | null;
}

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface WebhookInput {
  /** The body exactly as received: verify before any parsing. */
  rawBody: string | Uint8Array;
  headers: WebhookHeaders;
}

/**
 * The port every provider adapter implements. No method throws or rejects. `P` is the provider's
 * name as a literal type (`ClosureAdapter<'solaris'>`), so that a client over several adapters
 * knows their names; a plain `ClosureAdapter` accepts any name.
 */
export interface ClosureAdapter<P extends string = string> {
  readonly provider: P;
  readonly capabilities: ClosureAdapterCapabilities;
  closeAccount(request: CloseAccountRequest, options?: CallOptions): ResultAsync<Closure, ClosureError>;
  getClosure(ref: ClosureRef, options?: CallOptions): ResultAsync<Closure, ClosureError>;
  listClosures(query: ListClosuresQuery, options?: CallOptions): ResultAsync<ClosurePage, ClosureError>;
  parseWebhook(input: WebhookInput): ResultAsync<ClosureEvent, ClosureError>;
}
