import { describe, expect, it } from 'vitest';
import accountV1Open from './__fixtures__/account-v1-open.json';
import balancesV1 from './__fixtures__/balances-v1.json';
import balancesV2 from './__fixtures__/balances-v2.json';
import { balanceBlockers } from './convert-embedded-payments-to-closure';
import { wireAccountSchema, wireBalancesSchema } from './embedded-payments-api';
import { decideFromAccount, decideFromBalances } from './embedded-payments-preflight';

const account = (overrides: Record<string, unknown>) =>
  wireAccountSchema.parse({ ...accountV1Open, ...overrides });

describe('pre-flight decisions', () => {
  it('closes only LIMITED_DDA and LIMITED_DDA_PAYMENTS accounts that are OPEN', () => {
    expect(decideFromAccount(account({}))).toEqual({ kind: 'check-balances' });
    expect(decideFromAccount(account({ category: 'LIMITED_DDA_PAYMENTS' }))).toEqual({
      kind: 'check-balances',
    });
    for (const category of ['DDA', 'EMBEDDED_DDA', 'TRANSACTION_ACCOUNT', 'SUMMARY_ACCOUNT', 'MANAGEMENT']) {
      expect(decideFromAccount(account({ category }))).toMatchObject({
        kind: 'refuse',
        code: 'OPERATION_NOT_SUPPORTED',
      });
    }
  });

  it('returns CLOSED and PENDING_CLOSE as existing (whatever the category), refuses other states', () => {
    // Already closed: a CLOSED account is Ok (created false), no longer ALREADY_CLOSED.
    expect(decideFromAccount(account({ state: 'CLOSED' }))).toEqual({ kind: 'existing' });
    expect(decideFromAccount(account({ state: 'CLOSED', category: 'DDA' }))).toEqual({ kind: 'existing' });
    expect(decideFromAccount(account({ state: 'PENDING_CLOSE' }))).toEqual({ kind: 'existing' });
    expect(decideFromAccount(account({ state: 'PENDING_OPEN' }))).toMatchObject({
      kind: 'refuse',
      code: 'OPERATION_NOT_SUPPORTED',
    });
  });

  it('lists every non-zero balance of either version as a blocker, and none when all are zero', () => {
    expect(balanceBlockers(wireBalancesSchema.parse(balancesV1))).toHaveLength(2);
    expect(balanceBlockers(wireBalancesSchema.parse(balancesV2))).toHaveLength(3);
    const zero = {
      id: 'a',
      items: [
        {
          effectiveDate: '2026-01-01',
          currency: 'USD',
          balances: [
            { type: 'INTERIM_BOOKED', amount: '-0.00' },
            { type: 'INTERIM_AVAILABLE', amount: '0' },
          ],
        },
      ],
    };
    expect(balanceBlockers(wireBalancesSchema.parse(zero))).toEqual([]);
    const tiny = { id: 'a', date: null, currency: null, balanceTypes: [{ typeCode: 'ITAV', amount: 0.01 }] };
    expect(balanceBlockers(wireBalancesSchema.parse(tiny))).toEqual([
      {
        code: 'NON_ZERO_BALANCE',
        message:
          'balance ITAV is 0.01; J.P. Morgan closes the account only at zero: move the funds out (or bring the balance to zero)',
      },
    ]);
  });

  it('blocks on booked, available and unknown balance types, but not on an expected-only balance', () => {
    const v2 = (balances: { type: string; amount: string }[]) =>
      wireBalancesSchema.parse({
        id: 'a',
        items: [{ effectiveDate: '2026-01-01', currency: 'USD', balances }],
      });
    // Pending credits only: INTERIM_EXPECTED = ledger + pending credits (Accounts 2.0.47).
    const pendingOnly = decideFromBalances(
      v2([
        { type: 'INTERIM_AVAILABLE', amount: '0.00' },
        { type: 'INTERIM_BOOKED', amount: '0.00' },
        { type: 'INTERIM_EXPECTED', amount: '75.10' },
      ]),
    );
    expect(pendingOnly).toEqual({
      kind: 'send',
      pendingCredits: [
        {
          code: 'NON_ZERO_BALANCE',
          message: expect.stringContaining(
            'balance INTERIM_EXPECTED is 75.10 USD on 2026-01-01: pending credits only',
          ),
        },
      ],
    });
    expect(decideFromBalances(v2([{ type: 'INTERIM_AVAILABLE', amount: '0' }]))).toEqual({
      kind: 'send',
      pendingCredits: [],
    });
    for (const type of ['INTERIM_AVAILABLE', 'INTERIM_BOOKED', 'SOMETHING_NEW']) {
      const decision = decideFromBalances(
        v2([
          { type, amount: '-3.00' },
          { type: 'INTERIM_EXPECTED', amount: '9.00' },
        ]),
      );
      expect(decision.kind).toBe('refuse');
      // Refusals list every non-zero balance, the expected one included.
      expect(decision.kind === 'refuse' && decision.blockers).toHaveLength(2);
    }
    expect(decideFromBalances(wireBalancesSchema.parse(balancesV1)).kind).toBe('refuse');
  });
});
