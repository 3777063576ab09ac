/** `accountStatus` values of SearchAccount ([SEARCH], providers/udara360.md §3). */
export const UDARA360_ACCOUNT_STATUSES = {
  1: 'Active',
  2: 'Dormant',
  3: 'Closed',
  4: 'PND',
  5: 'PNC',
  6: 'Inactive',
  7: 'Frozen',
} as const;

export type Udara360AccountStatusCode = keyof typeof UDARA360_ACCOUNT_STATUSES;

/** Only Closed (3) is a closure; every other documented status is an open account. */
export const UDARA360_CLOSED_ACCOUNT_STATUS: Udara360AccountStatusCode = 3;

export interface MappedAccountStatus {
  /** 'unknown' when the value is missing or not one of the documented seven. */
  kind: 'closed' | 'open' | 'unknown';
  /** The documented name (Active, Closed ...), or null when unknown. */
  label: string | null;
  /** The value as Udara360 sent it, as a string ('' when missing). */
  raw: string;
}

const labelToCode = new Map<string, Udara360AccountStatusCode>(
  Object.entries(UDARA360_ACCOUNT_STATUSES).map(([code, label]) => [
    label.toLowerCase(),
    Number(code) as Udara360AccountStatusCode,
  ]),
);

/**
 * Whether responses carry `accountStatus` as the number (3) or the name ("Closed") is
 * undocumented (§4, §9), so both are accepted. Anything else is 'unknown': a read-back that
 * cannot tell must never be taken for "not closed".
 */
export function mapUdara360ClosureState(value: unknown): MappedAccountStatus {
  const raw = typeof value === 'number' || typeof value === 'string' ? String(value) : '';
  const trimmed = raw.trim();
  let code: Udara360AccountStatusCode | undefined;
  if (/^[1-7]$/.test(trimmed)) code = Number(trimmed) as Udara360AccountStatusCode;
  else code = labelToCode.get(trimmed.toLowerCase());
  if (code === undefined) return { kind: 'unknown', label: null, raw };
  return {
    kind: code === UDARA360_CLOSED_ACCOUNT_STATUS ? 'closed' : 'open',
    label: UDARA360_ACCOUNT_STATUSES[code],
    raw,
  };
}
