import { describe, expect, it } from 'vitest';
import { fakeContractKit } from './__fixtures__/fake-contract-kit';
import { defineClosureAdapterContract } from './closure-adapter-contract';
import { createFakeClosureAdapter } from './fake-adapter';
import { createFakeProvider } from './fake-provider';

defineClosureAdapterContract(fakeContractKit);

describe('fake adapter on its in-memory provider', () => {
  it('walks a closure to CLOSED and never closes an account twice', async () => {
    const backend = createFakeProvider();
    backend.seedAccount('acc_1', { balance: 0 });
    const adapter = createFakeClosureAdapter({ backend });
    const first = (
      await adapter.closeAccount({ accountId: 'acc_1', reason: 'CUSTOMER_REQUEST', idempotencyKey: 'k1' })
    )._unsafeUnwrap();
    expect(first).toMatchObject({ created: true, state: { unified: 'REQUESTED', raw: 'requested' } });
    const again = (
      await adapter.closeAccount({ accountId: 'acc_1', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrap();
    expect(again).toMatchObject({ created: false, closureId: first.closureId });
    backend.advance(first.closureId);
    backend.advance(first.closureId);
    const closed = (await adapter.getClosure({ closureId: first.closureId }))._unsafeUnwrap();
    expect(closed.state).toEqual({ unified: 'CLOSED', raw: 'closed' });
    expect(backend.closeCount('acc_1')).toBe(1);
    const webhook = backend.webhookFor(first.closureId)!;
    const event = (await adapter.parseWebhook(webhook))._unsafeUnwrap();
    expect(event).toMatchObject({ type: 'ACCOUNT_CLOSED', accountId: 'acc_1' });
  });

  it('refuses a non-zero balance with NON_ZERO_BALANCE', async () => {
    const backend = createFakeProvider();
    backend.seedAccount('acc_2', { balance: 12 });
    const result = await createFakeClosureAdapter({ backend }).closeAccount({
      accountId: 'acc_2',
      reason: 'CUSTOMER_REQUEST',
    });
    expect(result._unsafeUnwrapErr()).toMatchObject({
      code: 'NON_ZERO_BALANCE',
      httpStatus: 409,
      providerCode: 'balance_not_zero',
    });
  });

  it('throws one error listing every invalid setting', () => {
    expect(() =>
      createFakeClosureAdapter({ baseUrl: 'http://bank.example.com', timeoutMs: -1 } as never),
    ).toThrowError(/baseUrl must use https.*timeoutMs/);
  });
});
