import { describe, expect, it } from 'vitest';
import { createFakeClosureAdapter } from '../testing/fake-adapter';
import { createFakeProvider } from '../testing/fake-provider';
import { createClosureClient } from './closure-client';

function setup() {
  const solarisLike = createFakeProvider();
  const udaraLike = createFakeProvider();
  solarisLike.seedAccount('DE-1', { balance: 0 });
  udaraLike.seedAccount('NG-1', { balance: 0 });
  const client = createClosureClient({
    adapters: [
      createFakeClosureAdapter({ provider: 'bank-a', backend: solarisLike }),
      createFakeClosureAdapter({ provider: 'bank-b', backend: udaraLike }),
    ],
    route: (accountId) =>
      accountId.startsWith('DE') ? 'bank-a' : accountId.startsWith('NG') ? 'bank-b' : undefined,
  });
  return { client, solarisLike, udaraLike };
}

describe('createClosureClient', () => {
  it('sends each call to the named or routed provider', async () => {
    const { client, solarisLike, udaraLike } = setup();
    const a = await client.closeAccount({ accountId: 'DE-1', reason: 'CUSTOMER_REQUEST' });
    const b = await client.closeAccount({
      provider: 'bank-b',
      accountId: 'NG-1',
      reason: 'CUSTOMER_REQUEST',
    });
    expect(a._unsafeUnwrap().provider).toBe('bank-a');
    expect(b._unsafeUnwrap().provider).toBe('bank-b');
    expect(solarisLike.closeCount('DE-1')).toBe(1);
    expect(udaraLike.closeCount('NG-1')).toBe(1);
    expect(client.providers).toEqual(['bank-a', 'bank-b']);
    expect(client.adapter('bank-a')?.provider).toBe('bank-a');
    const status = await client.getClosure({ accountId: 'NG-1' });
    expect(status._unsafeUnwrap()).toMatchObject({ provider: 'bank-b', accountId: 'NG-1' });
  });

  it('answers INVALID_REQUEST when no adapter matches', async () => {
    const { client } = setup();
    // @ts-expect-error 'nope' is not one of the client's provider names (closure-client.types.test.ts)
    const unknown = await client.closeAccount({ provider: 'nope', accountId: 'DE-1', reason: 'OTHER' });
    expect(unknown._unsafeUnwrapErr()).toMatchObject({ code: 'INVALID_REQUEST', provider: 'nope' });
    expect(unknown._unsafeUnwrapErr().message).toMatch(/bank-a, bank-b/);
    const unrouted = await client.closeAccount({ accountId: 'US-1', reason: 'OTHER' });
    expect(unrouted._unsafeUnwrapErr().code).toBe('INVALID_REQUEST');
    // @ts-expect-error as above: from JavaScript, an unknown name is still answered as a value
    const webhook = await client.parseWebhook({ provider: 'nope', rawBody: '{}', headers: {} });
    expect(webhook._unsafeUnwrapErr().code).toBe('INVALID_REQUEST');
  });

  it('answers INVALID_REQUEST for input that is not an object, and when route throws', async () => {
    const { client } = setup();
    expect((await client.closeAccount(null as never))._unsafeUnwrapErr().code).toBe('INVALID_REQUEST');
    const throwing = createClosureClient({
      adapters: [createFakeClosureAdapter()],
      route: () => {
        throw new Error('db down');
      },
    });
    expect((await throwing.getClosure({ accountId: 'x' }))._unsafeUnwrapErr().code).toBe('INVALID_REQUEST');
  });

  it('refuses two adapters with the same provider name at construction', () => {
    expect(() =>
      createClosureClient({ adapters: [createFakeClosureAdapter(), createFakeClosureAdapter()] }),
    ).toThrowError(/two adapters/);
  });

  it('awaits an async route, and answers INVALID_REQUEST when it rejects', async () => {
    const bank = createFakeProvider();
    bank.seedAccount('DE-9', { balance: 0 });
    const records = new Map([['DE-9', 'bank-a' as const]]);
    const client = createClosureClient({
      adapters: [createFakeClosureAdapter({ provider: 'bank-a', backend: bank })],
      route: async (accountId) => {
        await new Promise((resolve) => setImmediate(resolve));
        return records.get(accountId);
      },
    });
    const closed = await client.closeAccount({ accountId: 'DE-9', reason: 'CUSTOMER_REQUEST' });
    expect(closed._unsafeUnwrap()).toMatchObject({ provider: 'bank-a', accountId: 'DE-9' });
    const unrouted = await client.getClosure({ accountId: 'XX-1' });
    expect(unrouted._unsafeUnwrapErr().code).toBe('INVALID_REQUEST');
    const rejecting = createClosureClient({
      adapters: [createFakeClosureAdapter()],
      route: () => Promise.reject(new Error('db down')),
    });
    const failed = await rejecting.getClosure({ accountId: 'x' });
    expect(failed._unsafeUnwrapErr()).toMatchObject({
      code: 'INVALID_REQUEST',
      message: 'the route function failed',
    });
  });
});
