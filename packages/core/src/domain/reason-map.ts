import { err, ok, type Result } from 'neverthrow';
import { ClosureError } from './closure-error';
import { CLOSURE_REASONS, type ClosureReason } from './closure-reason';

/** Neutral reason -> provider value; null (or absent) refuses the reason. */
export type ReasonTable = Partial<Record<ClosureReason, string | null>>;

export interface ReasonMap {
  /** The merged table, for docs and capabilities. */
  readonly table: Readonly<Record<ClosureReason, string | null>>;
  /** Neutral reasons that have a provider value. */
  readonly supported: readonly ClosureReason[];
  toProvider(reason: ClosureReason): Result<string, ClosureError>;
  /** Provider value -> neutral reason, or null when nothing maps to it. */
  fromProvider(raw: string | null | undefined): ClosureReason | null;
}

/**
 * Merges the adapter's published table with the user's overrides. Inbound values also
 * accept `inbound` entries, for provider values that no outgoing reason produces.
 */
export function createReasonMap(
  provider: string,
  defaults: ReasonTable,
  overrides: ReasonTable = {},
  inbound: Readonly<Record<string, ClosureReason>> = {},
): ReasonMap {
  const table = Object.fromEntries(
    CLOSURE_REASONS.map((reason) => [
      reason,
      reason in overrides ? (overrides[reason] ?? null) : (defaults[reason] ?? null),
    ]),
  ) as Record<ClosureReason, string | null>;
  const supported = CLOSURE_REASONS.filter((reason) => table[reason] !== null);
  const reverse = new Map<string, ClosureReason>();
  for (const reason of CLOSURE_REASONS) {
    const value = defaults[reason];
    if (value && !reverse.has(value)) reverse.set(value, reason);
  }
  for (const [value, reason] of Object.entries(inbound)) reverse.set(value, reason);
  for (const reason of supported) {
    const value = table[reason];
    if (value && !reverse.has(value)) reverse.set(value, reason);
  }

  return {
    table,
    supported,
    toProvider(reason) {
      const value = table[reason];
      if (value) return ok(value);
      return err(
        new ClosureError({
          code: 'REASON_NOT_SUPPORTED',
          provider,
          message: `${provider} has no equivalent for the closure reason ${reason}; supported: ${supported.join(', ')}. Map it with the reasonMap setting if your contract with ${provider} allows it.`,
          details: { reason, supported },
        }),
      );
    },
    fromProvider(raw) {
      if (raw === null || raw === undefined) return null;
      return reverse.get(raw) ?? null;
    },
  };
}
