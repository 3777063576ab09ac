import { z } from 'zod';
import { closureSchema } from './closure';

export const CLOSURE_EVENT_TYPES = ['CLOSURE_REQUESTED', 'CLOSURE_UPDATED', 'ACCOUNT_CLOSED'] as const;
export const closureEventTypeSchema = z.enum(CLOSURE_EVENT_TYPES);
export type ClosureEventType = z.infer<typeof closureEventTypeSchema>;

/** A verified, normalised webhook. De-duplicate on `eventId`. */
export const closureEventSchema = z.object({
  provider: z.string().min(1),
  eventId: z.string().min(1),
  type: closureEventTypeSchema,
  accountId: z.string().min(1),
  closure: closureSchema.nullable(),
  occurredAt: z.string().nullable(),
  raw: z.unknown(),
});

export type ClosureEvent = z.infer<typeof closureEventSchema>;
