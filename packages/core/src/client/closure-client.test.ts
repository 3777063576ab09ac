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
    const unknown = await client.closeAccount({ provider: 'nope', accountId: 'DE-1', reason: 'OTHER' });
    expect(unknown._unsafeUnwrapErr()).toMatchObject({ code: 'INVALID_REQUEST', provider: 'nope' });
    expect(unknown._unsafeUnwrapErr().message).toMatch(/bank-a, bank-b/);
    const unrouted = await client.closeAccount({ accountId: 'US-1', reason: 'OTHER' });
    expect(unrouted._unsafeUnwrapErr().code).toBe('INVALID_REQUEST');
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
});
