import { z } from 'zod';
import { closureErrorCodeSchema } from './closure-error-code';
import { closureReasonSchema } from './closure-reason';
import { closureStateSchema } from './closure-state';

export const closureBlockerSchema = z.object({
  code: closureErrorCodeSchema,
  message: z.string(),
});

export const closureFailureSchema = z.object({
  code: closureErrorCodeSchema,
  providerCode: z.string().nullable(),
  message: z.string(),
});

/** One account closure at one provider, normalised; `raw` keeps what the provider said. */
export const closureSchema = z.object({
  provider: z.string().min(1),
  closureId: z.string().min(1),
  accountId: z.string().min(1),
  state: z.object({ unified: closureStateSchema, raw: z.string() }),
  reason: z.object({ unified: closureReasonSchema.nullable(), raw: z.string().nullable() }),
  initiatedBy: z.enum(['partner', 'provider', 'unknown']),
  created: z.boolean().nullable(),
  blockers: z.array(closureBlockerSchema),
  failure: closureFailureSchema.nullable(),
  legalClosureDate: z.string().nullable(),
  technicalClosureDate: z.string().nullable(),
  payoutAllowed: z.boolean().nullable(),
  updatedAt: z.string().nullable(),
  raw: z.unknown(),
});

export type Closure = z.infer<typeof closureSchema>;
export type ClosureBlocker = z.infer<typeof closureBlockerSchema>;
export type ClosureFailure = z.infer<typeof closureFailureSchema>;

/** Fields every adapter must know; the rest default to "unknown" (null / empty). */
export type ClosureInit = Pick<Closure, 'provider' | 'closureId' | 'accountId' | 'state'> & Partial<Closure>;

/** Builds a Closure with explicit nulls for whatever the provider did not say (or said as undefined). */
export function createClosure(init: ClosureInit): Closure {
  // Field by field rather than spread over defaults: one object shape for every closure, and an
  // `undefined` in `init` still becomes the documented null.
  return {
    provider: init.provider,
    closureId: init.closureId,
    accountId: init.accountId,
    state: init.state,
    reason: init.reason ?? { unified: null, raw: null },
    initiatedBy: init.initiatedBy ?? 'unknown',
    created: init.created ?? null,
    blockers: init.blockers ?? [],
    failure: init.failure ?? null,
    legalClosureDate: init.legalClosureDate ?? null,
    technicalClosureDate: init.technicalClosureDate ?? null,
    payoutAllowed: init.payoutAllowed ?? null,
    updatedAt: init.updatedAt ?? null,
    raw: init.raw ?? null,
  };
}
