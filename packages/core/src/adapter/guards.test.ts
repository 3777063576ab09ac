import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asRecord, isRecord, lenientNumber, lenientText, numberOrNull, textOrNull } from './guards';

describe('guards and lenient fields', () => {
  it('tells plain objects from null, arrays and primitives', () => {
    expect([{}, { a: 1 }].map(isRecord)).toEqual([true, true]);
    expect([null, undefined, [], 'x', 1].map(isRecord)).toEqual([false, false, false, false, false]);
    expect(asRecord([1])).toEqual({});
    expect(asRecord({ a: 1 })).toEqual({ a: 1 });
  });

  it('reads text and numbers leniently', () => {
    expect([textOrNull('a'), textOrNull(1), textOrNull(null)]).toEqual(['a', null, null]);
    expect([numberOrNull(3), numberOrNull('3.5'), numberOrNull(' '), numberOrNull('x')]).toEqual([
      3,
      3.5,
      null,
      null,
    ]);
    expect([numberOrNull(Number.NaN), numberOrNull(Infinity), numberOrNull(true)]).toEqual([
      null,
      null,
      null,
    ]);
  });

  it('never fails a response schema over a field of the wrong type', () => {
    const schema = z.object({ name: lenientText, amount: lenientNumber });
    expect(schema.parse({ name: 7, amount: '12' })).toEqual({ name: null, amount: 12 });
    expect(schema.parse({})).toEqual({ name: null, amount: null });
  });
});
