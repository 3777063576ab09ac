import { z } from 'zod';

/** Why an account is being closed, in provider-neutral terms. See docs/domain.md. */
export const CLOSURE_REASONS = [
  'CUSTOMER_REQUEST',
  'REVOCATION',
  'FRAUD',
  'REGULATORY',
  'COURT_ORDER',
  'DORMANCY',
  'OVERDRAFT',
  'DUPLICATE_ACCOUNT',
  'RELATIONSHIP_TERMINATION',
  'PARTNER_OFFBOARDING',
  'OTHER',
] as const;

export const closureReasonSchema = z.enum(CLOSURE_REASONS);
export type ClosureReason = z.infer<typeof closureReasonSchema>;
