import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { defineBulkEngineSuite } from '../testing/bulk-engine-suite';
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
