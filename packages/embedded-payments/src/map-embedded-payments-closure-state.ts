import type { ClosureState } from '@closekit/core';

/**
 * Account state -> neutral closure state (provider notes §3). EP has no closure resource: the
 * account's own state is the closure's state. OPEN (and PENDING_OPEN) mean "no closure".
 */
export const EMBEDDED_PAYMENTS_STATE_TABLE: Readonly<Record<string, ClosureState>> = {
  PENDING_CLOSE: 'PENDING',
  CLOSED: 'CLOSED',
};

/** States in which the account has no closure at all. */
export const EMBEDDED_PAYMENTS_NO_CLOSURE_STATES: readonly string[] = ['OPEN', 'PENDING_OPEN'];

/**
 * The closure state an account reports, or null when it has none. `raw` is kept as sent.
 *
 * An OPEN account that carries a `closureReason` was asked to close and is open again: the
 * reversal PENDING_CLOSE -> OPEN is undocumented (provider notes §9), so it is reported as
 * CANCELLED with raw OPEN rather than hidden. Unknown states (v2 `state` is an open string) have
 * no closure: closekit never guesses that an unknown state is a closure in progress.
 */
export function mapEmbeddedPaymentsClosureState(
  rawState: string,
  closureReason: string | null,
): { unified: ClosureState; raw: string } | null {
  const normalised = rawState.trim().toUpperCase();
  const unified = EMBEDDED_PAYMENTS_STATE_TABLE[normalised];
  if (unified) return { unified, raw: rawState };
  if (normalised === 'OPEN' && closureReason !== null && closureReason.trim() !== '') {
    return { unified: 'CANCELLED', raw: rawState };
  }
  return null;
}

/** True when the account state says a close took effect (used to read back after an unknown outcome). */
export function isClosingOrClosed(rawState: string): boolean {
  return EMBEDDED_PAYMENTS_STATE_TABLE[rawState.trim().toUpperCase()] !== undefined;
}
