import { SUBMITTED_GOAL_STATES } from '@closekit/bulk';
import { createRedisBulkEngine } from '@closekit/bulk/redis';
import { type SolarisSimulator, startSolarisSimulator } from '@closekit/simulator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
// Test support of @closekit/bulk (not published): a throw-away redis-server.
import { type RedisServer, startRedisServer } from '../../../../bulk/src/redis/testing/start-redis-server';
import { captureIo } from '../io';
import { bulkProviderFromEnv, runBulkWorker } from './worker';

const ACCOUNTS = ['w-1cacc', 'w-2cacc', 'w-3cacc', 'w-4cacc'];

describe('closekit bulk worker --redis', { timeout: 60_000 }, () => {
  let redis: RedisServer;
  let solaris: SolarisSimulator;
  let env: Record<string, string>;

  beforeAll(async () => {
    redis = await startRedisServer();
    solaris = await startSolarisSimulator({ accounts: ACCOUNTS.map((id) => ({ id })) });
    env = {
      SOLARIS_BASE_URL: solaris.adapterSettings.baseUrl,
      SOLARIS_AUTH_URL: solaris.adapterSettings.authUrl,
      SOLARIS_CLIENT_ID: solaris.adapterSettings.clientId,
      SOLARIS_CLIENT_SECRET: solaris.adapterSettings.clientSecret,
    };
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await solaris?.close();
    await redis?.stop();
  });

  it('works the run another process imported until it is stopped, each account closed once', async () => {
    const url = `${redis.url}/1`;
    const importer = createRedisBulkEngine({
      redis: url,
      providers: [bulkProviderFromEnv('solaris', env, 50)],
    });
    const imported = await importer.importRows(
      ACCOUNTS.map((accountId, index) => ({
        line: index + 2,
        provider: 'solaris',
        accountId,
        reason: 'CUSTOMER_REQUEST',
        idempotencyKey: null,
      })),
    );
    expect(imported.isOk()).toBe(true);

    const io = captureIo();
    const stop = new AbortController();
    const exit = runBulkWorker({ redis: url, concurrency: 2 }, io, env, stop.signal);
    await vi.waitFor(
      async () => {
        const report = (await importer.report())._unsafeUnwrap();
        expect(report.map((row) => SUBMITTED_GOAL_STATES.has(row.state))).toEqual(ACCOUNTS.map(() => true));
      },
      { timeout: 30_000, interval: 100 },
    );
    stop.abort();
    expect(await exit).toBe(0);
    await importer.close();
    expect(io.stdout[0]).toBe(`worker: working solaris on ${url}; stop with Ctrl-C or SIGTERM`);
    expect(io.stdout.at(-1)).toMatch(/^worker stopped\. run default: 4 accounts; solaris /);
    for (const accountId of ACCOUNTS) expect(solaris.control.counters().closures[accountId]).toBe(1);
  });

  it('exits 2 naming --redis when it is missing, not a Redis URL, or the run is empty', async () => {
    const missing = captureIo();
    expect(await runBulkWorker({}, missing, env)).toBe(2);
    expect(missing.stderr[0]).toMatch(/needs --redis URL/);

    const wrong = captureIo();
    expect(await runBulkWorker({ redis: 'http://127.0.0.1:1' }, wrong, env)).toBe(2);
    expect(wrong.stderr[0]).toMatch(/^--redis http:\/\/127\.0\.0\.1:1\/: .*not redis: or rediss:/s);

    const empty = captureIo();
    expect(await runBulkWorker({ redis: `${redis.url}/2` }, empty, env)).toBe(2);
    expect(empty.stderr[0]).toMatch(/the run has no accounts yet/);
  });
});
