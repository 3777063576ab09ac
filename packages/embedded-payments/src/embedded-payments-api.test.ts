import { describe, expect, it } from 'vitest';
import balancesV1 from './__fixtures__/balances-v1.json';
import balancesV2 from './__fixtures__/balances-v2.json';
import { convertToEmbeddedPaymentsCloseRequest } from './convert-to-embedded-payments-close-request';
import { isZeroAmount, wireAccountSchema, wireBalancesSchema } from './embedded-payments-api';

describe('wire schemas', () => {
  it('normalises v1 and v2 balances to one list, amounts as text', () => {
    expect(wireBalancesSchema.parse(balancesV1)).toEqual([
      { type: 'ITAV', amount: '245645.65', currency: 'USD', date: '2023-10-28' },
      { type: 'ITBD', amount: '552145.33', currency: 'USD', date: '2023-10-28' },
    ]);
    expect(
      wireBalancesSchema.parse(balancesV2).map((balance) => `${balance.type}=${balance.amount}`),
    ).toEqual(['INTERIM_AVAILABLE=1590.23', 'INTERIM_BOOKED=208.8', 'INTERIM_EXPECTED=353.79']);
  });

  it('refuses amounts that are not decimals rather than guessing', () => {
    expect(
      wireBalancesSchema.safeParse({ items: [{ balances: [{ type: 'X', amount: 'lots' }] }] }).success,
    ).toBe(false);
  });

  it('keeps an account as sent: absent text stays absent, null stays null, a wrong type reads as null', () => {
    const sent = {
      id: 'acc1',
      state: 'OPEN',
      category: 'LIMITED_DDA',
      closureReason: null,
      updatedAt: 7,
      extra: 'kept',
    };
    const account = wireAccountSchema.parse(sent);
    expect(account).toEqual({ ...sent, updatedAt: null });
    expect('createdAt' in account).toBe(false);
    expect(wireAccountSchema.safeParse({ id: 'acc1', state: 'OPEN' }).success).toBe(false);
  });

  it('recognises zero in every spelling and nothing else', () => {
    expect(['0', '0.00', '-0', '+0.0', '.0', '000'].every(isZeroAmount)).toBe(true);
    expect(['0.01', '-0.001', '1', '10'].some(isZeroAmount)).toBe(false);
  });
});

describe('convertToEmbeddedPaymentsCloseRequest', () => {
  it('is POST for v1 and PATCH for v2, with only state and closureReason', () => {
    expect(convertToEmbeddedPaymentsCloseRequest('v1', 'ELECTIVE')).toEqual({
      method: 'POST',
      body: { state: 'CLOSED', closureReason: 'ELECTIVE' },
    });
    expect(convertToEmbeddedPaymentsCloseRequest('v2', 'OTHER')).toEqual({
      method: 'PATCH',
      body: { state: 'CLOSED', closureReason: 'OTHER' },
    });
  });
});
