import { z } from 'zod';

/** Where a closure stands, in provider-neutral terms. See docs/domain.md. */
export const CLOSURE_STATES = ['REQUESTED', 'PENDING', 'CLOSED', 'FAILED', 'CANCELLED'] as const;

export const closureStateSchema = z.enum(CLOSURE_STATES);
export type ClosureState = z.infer<typeof closureStateSchema>;

/** States after which a closure never changes again. */
export const TERMINAL_CLOSURE_STATES: readonly ClosureState[] = ['CLOSED', 'FAILED', 'CANCELLED'];
