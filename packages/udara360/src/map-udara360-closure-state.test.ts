import { describe, expect, it } from 'vitest';
import { mapUdara360ClosureState, UDARA360_ACCOUNT_STATUSES } from './map-udara360-closure-state';

describe('mapUdara360ClosureState', () => {
  it('maps only Closed (3) to closed, by number, numeric string or name', () => {
    for (const [code, label] of Object.entries(UDARA360_ACCOUNT_STATUSES)) {
      const kind = code === '3' ? 'closed' : 'open';
      expect(mapUdara360ClosureState(Number(code))).toEqual({ kind, label, raw: code });
      expect(mapUdara360ClosureState(code)).toEqual({ kind, label, raw: code });
      expect(mapUdara360ClosureState(label)).toEqual({ kind, label, raw: label });
      expect(mapUdara360ClosureState(label.toUpperCase()).kind).toBe(kind);
    }
  });

  it('calls anything else unknown, never open', () => {
    for (const value of [0, 8, '33', 'Suspended', '', null, undefined, true, { status: 3 }]) {
      expect(mapUdara360ClosureState(value).kind).toBe('unknown');
      expect(mapUdara360ClosureState(value).label).toBeNull();
    }
    expect(mapUdara360ClosureState('Suspended').raw).toBe('Suspended');
    expect(mapUdara360ClosureState(null).raw).toBe('');
  });
});
