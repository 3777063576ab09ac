import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineBulkEngineSuite } from '../testing/bulk-engine-suite';
import { createFakeBulkWorld, FAST_POLICY } from '../testing/fake-world';
import { createRedisBulkEngine } from './redis-bulk-engine';
import { type RedisServer, startRedisServer } from './testing/start-redis-server';

let server: RedisServer;

beforeAll(async () => {
  server = await startRedisServer();
}, 30_000);

afterAll(async () => {
  await server?.stop();
});

defineBulkEngineSuite('BullMQ on Redis', {
  // Every test has its own key prefix on one throw-away redis-server.
  newStore: () => `suite-${randomUUID().slice(0, 8)}`,
  open: async (store, settings) =>
    createRedisBulkEngine({
      ...settings,
      redis: server.url,
      prefix: store,
      // A "crashed" engine's jobs come back to the next one within a few seconds.
      lockDurationMs: 1_500,
      stalledIntervalMs: 500,
    }),
});

describe('BullMQ on Redis: a run started without one of its providers', () => {
  it('works the providers it has and returns, not waiting for the others', async () => {
    const world = createFakeBulkWorld();
    world.autoAdvance(true);
    for (const name of ['alpha', 'beta'] as const) world.backends[name].seedAccount('n-1', { balance: 0 });
    const store = `partial-${randomUUID().slice(0, 8)}`;
    const both = createRedisBulkEngine({
      run: 'partial',
      redis: server.url,
      prefix: store,
      providers: world.providers(),
    });
    const rows = (['alpha', 'beta'] as const).map((provider, index) => ({
      line: index + 2,
      provider,
      accountId: 'n-1',
      reason: 'CUSTOMER_REQUEST' as const,
      idempotencyKey: null,
    }));
    expect((await both.importRows(rows)).isOk()).toBe(true);
    await both.close();

    const alphaOnly = createRedisBulkEngine({
      run: 'partial',
      redis: server.url,
      prefix: store,
      providers: world.providers().filter((provider) => provider.name === 'alpha'),
      policy: FAST_POLICY,
    });
    const summary = (await alphaOnly.runUntil({ until: 'final' }))._unsafeUnwrap();
    await alphaOnly.close();
    expect(summary.reached).toBe(false);
    expect(summary.counts.alpha?.CLOSED).toBe(1);
    expect(summary.counts.beta?.QUEUED).toBe(1);
    expect(world.backends.beta.closeCount('n-1')).toBe(0);
  });
});
