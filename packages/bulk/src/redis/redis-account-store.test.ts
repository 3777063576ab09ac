import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditEntry, type BulkAccount, newBulkAccount } from '../run-model';
import { createRedisAccountStore } from './redis-account-store';
import { runKeys } from './redis-keys';
import { type RedisServer, startRedisServer } from './testing/start-redis-server';

describe('the Redis account store', () => {
  let server: RedisServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
  });

  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  const at = new Date('2026-12-02T10:00:00.000Z');
  const account = (accountId: string): BulkAccount =>
    newBulkAccount('store-test', { provider: 'solaris', accountId, reason: 'CUSTOMER_REQUEST' }, at);
  const entry = (of: BulkAccount): AuditEntry => ({
    run: of.run,
    provider: of.provider,
    accountId: of.accountId,
    at: at.toISOString(),
    step: 'INTENT',
    state: of.state,
    code: null,
    closureId: null,
    requestId: null,
    idempotencyKey: of.idempotencyKey,
    note: 'close request 1',
  });

  it('lets only the first of two writers holding the same version record the intent', async () => {
    const store = createRedisAccountStore(redis, runKeys('store-a', 'store-test'));
    expect(await store.importAccounts([account('a-1'), account('a-2')])).toEqual(['added', 'added']);
    expect(await store.importAccounts([account('a-1')])).toEqual(['existing']);

    // Two workers read the same record (a lost lock handed the job out twice).
    const first = await store.load('solaris', 'a-1');
    const second = await store.load('solaris', 'a-1');
    if (!first || !second) throw new Error('the account was not imported');
    expect(first.version).toBe(second.version);
    const intent = { ...first.account, state: 'SUBMITTING' as const, attempts: 1 };
    expect(await store.commit(first.version, 'QUEUED', intent, [entry(intent)])).toEqual({
      kind: 'written',
      version: first.version + 1,
    });
    expect(await store.commit(second.version, 'QUEUED', intent, [entry(intent)])).toEqual({
      kind: 'conflict',
    });

    expect(await store.audit('solaris', 'a-1')).toEqual([entry(intent)]);
    expect((await store.counts()).solaris).toMatchObject({ QUEUED: 1, SUBMITTING: 1 });
    expect(await store.commit(1, 'QUEUED', account('missing'), [])).toEqual({ kind: 'missing' });
  });

  it('applies a webhook event once, and says so for the second delivery', async () => {
    const store = createRedisAccountStore(redis, runKeys('store-b', 'store-test'));
    await store.importAccounts([account('w-1')]);
    const loaded = await store.load('solaris', 'w-1');
    if (!loaded) throw new Error('the account was not imported');
    const closed = { ...loaded.account, state: 'CLOSED' as const, nextCheckAt: null };
    const applied = await store.commit(loaded.version, 'QUEUED', closed, [], 'solaris:evt-1');
    expect(applied.kind).toBe('written');
    expect(await store.hasEvent('solaris:evt-1')).toBe(true);
    const again = await store.load('solaris', 'w-1');
    if (!again) throw new Error('the account is gone');
    expect(await store.commit(again.version, 'CLOSED', closed, [], 'solaris:evt-1')).toEqual({
      kind: 'duplicate',
    });
    expect((await store.counts()).solaris).toMatchObject({ QUEUED: 0, CLOSED: 1 });
    expect(await store.importAccounts([account('w-1')])).toEqual(['existing-final']);
  });
});
