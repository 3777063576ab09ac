import { describe, expect, it } from 'vitest';
import { mapUdara360AccountStatus, UDARA360_ACCOUNT_STATUSES } from './map-udara360-account-status';

describe('mapUdara360AccountStatus', () => {
  it('maps only Closed (3) to closed, by number, numeric string or name', () => {
    for (const [code, label] of Object.entries(UDARA360_ACCOUNT_STATUSES)) {
      const kind = code === '3' ? 'closed' : 'open';
      expect(mapUdara360AccountStatus(Number(code))).toEqual({ kind, label, raw: code });
      expect(mapUdara360AccountStatus(code)).toEqual({ kind, label, raw: code });
      expect(mapUdara360AccountStatus(label)).toEqual({ kind, label, raw: label });
      expect(mapUdara360AccountStatus(label.toUpperCase()).kind).toBe(kind);
    }
  });

  it('calls anything else unknown, never open', () => {
    for (const value of [0, 8, '33', 'Suspended', '', null, undefined, true, { status: 3 }]) {
      expect(mapUdara360AccountStatus(value).kind).toBe('unknown');
      expect(mapUdara360AccountStatus(value).label).toBeNull();
    }
    expect(mapUdara360AccountStatus('Suspended').raw).toBe('Suspended');
    expect(mapUdara360AccountStatus(null).raw).toBe('');
  });
});
