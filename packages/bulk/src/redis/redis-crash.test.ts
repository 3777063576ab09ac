import { randomUUID } from 'node:crypto';
import { type Simulators, startSimulators } from '@closekit/simulator';
import type { ResultAsync } from 'neverthrow';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BulkInputRow } from '../bulk-input';
import { SUBMITTED_GOAL_STATES } from '../run-model';
import { createRedisBulkEngine, type RedisBulkEngine } from './redis-bulk-engine';
import { simulatorProviders, type WorkerChildConfig } from './testing/simulator-providers';
import { type RedisWorkerProcess, spawnRedisWorker } from './testing/spawn-redis-worker';
import { type RedisServer, startRedisServer } from './testing/start-redis-server';

const PER_PROVIDER = 20;
const ids = (prefix: string) => Array.from({ length: PER_PROVIDER }, (_, index) => `${prefix}${index}`);
const SOLARIS_IDS = ids('crash-sol-');
const EP_IDS = ids('crash-ep-');
const UDARA_IDS = ids('10000000');

async function unwrap<T, E>(result: ResultAsync<T, E>): Promise<T> {
  const settled = await result;
  if (settled.isErr()) throw settled.error;
  return settled.value;
}

describe('BullMQ engine: a worker process killed mid-batch', { timeout: 120_000 }, () => {
  let redis: RedisServer | undefined;
  let simulators: Simulators | undefined;
  let engine: RedisBulkEngine | undefined;
  const workers: RedisWorkerProcess[] = [];

  afterEach(async () => {
    for (const worker of workers.splice(0)) {
      if (worker.child.exitCode === null && worker.child.signalCode === null)
        process.kill(worker.pid, 'SIGKILL');
      await worker.exited;
    }
    await engine?.close();
    await simulators?.close();
    await redis?.stop();
  });

  it('hands its jobs to the next worker, which reads back: every account is closed exactly once', async () => {
    redis = await startRedisServer();
    simulators = await startSimulators({
      solaris: { accounts: SOLARIS_IDS.map((id) => ({ id })) },
      embeddedPayments: { accounts: EP_IDS.map((id) => ({ id })) },
      udara360: { accounts: UDARA_IDS.map((accountNumber) => ({ accountNumber })) },
    });
    const config: WorkerChildConfig = {
      redis: redis.url,
      prefix: `crash-${randomUUID().slice(0, 8)}`,
      run: 'crash',
      concurrency: 4,
      // Slow enough that the kill lands mid-batch, fast enough for a short test.
      requestsPerSecond: 25,
      lockDurationMs: 2_000,
      stalledIntervalMs: 500,
      solaris: simulators.solaris.adapterSettings,
      embeddedPayments: simulators.embeddedPayments.adapterSettings,
      udara360: simulators.udara360.adapterSettings,
    };
    engine = createRedisBulkEngine({ ...config, providers: simulatorProviders(config) });
    const rows: BulkInputRow[] = [
      ...SOLARIS_IDS.map((accountId) => ({ provider: 'solaris', accountId })),
      ...EP_IDS.map((accountId) => ({ provider: 'embedded-payments', accountId })),
      ...UDARA_IDS.map((accountId) => ({ provider: 'udara360', accountId })),
    ].map((row, index) => ({ ...row, line: index + 2, reason: 'CUSTOMER_REQUEST', idempotencyKey: null }));
    expect(await unwrap(engine.importRows(rows))).toEqual({ added: 3 * PER_PROVIDER, existing: 0 });

    const applied = () =>
      [simulators?.solaris, simulators?.embeddedPayments, simulators?.udara360].reduce(
        (sum, simulator) => sum + Object.keys(simulator?.control.counters().closures ?? {}).length,
        0,
      );
    const first = spawnRedisWorker(config);
    workers.push(first);
    await first.ready;
    await vi.waitFor(() => expect(applied()).toBeGreaterThanOrEqual(10), { timeout: 30_000, interval: 10 });
    process.kill(first.pid, 'SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const closedBeforeTheKill = applied();
    expect(closedBeforeTheKill).toBeLessThan(3 * PER_PROVIDER);

    const second = spawnRedisWorker(config);
    workers.push(second);
    await second.ready;
    await vi.waitFor(
      async () => {
        const report = await unwrap(engine!.report());
        expect(report.filter((row) => !SUBMITTED_GOAL_STATES.has(row.state))).toEqual([]);
      },
      { timeout: 60_000, interval: 200 },
    );
    process.kill(second.pid, 'SIGTERM');
    expect(await second.exited, second.output()).toBe(0);

    const report = await unwrap(engine.report());
    expect(report).toHaveLength(3 * PER_PROVIDER);
    expect(report.filter((row) => row.state !== 'SUBMITTED' && row.state !== 'CLOSED')).toEqual([]);
    const attempts = new Map(report.map((row) => [`${row.provider}:${row.accountId}`, row.attempts]));
    for (const [provider, simulator, accountIds] of [
      ['solaris', simulators.solaris, SOLARIS_IDS],
      ['embedded-payments', simulators.embeddedPayments, EP_IDS],
      ['udara360', simulators.udara360, UDARA_IDS],
    ] as const) {
      const { closures, maxClosuresPerAccount, closeRequests } = simulator.control.counters();
      expect(maxClosuresPerAccount).toBe(1);
      for (const accountId of accountIds) {
        expect(closures[accountId], accountId).toBe(1);
        // Asked at most once per logical attempt (each attempt recorded as an intent first).
        const asked = closeRequests[accountId] ?? 0;
        expect(asked, accountId).toBeGreaterThanOrEqual(1);
        expect(asked, accountId).toBeLessThanOrEqual(attempts.get(`${provider}:${accountId}`) ?? 0);
      }
    }
    // An intent recorded by the killed worker whose request never reached the provider is read
    // back (nothing found) and sent again with the same key: a second attempt, never a second
    // closure. Only the killed worker's jobs in flight (3 queues x concurrency 4) can need one.
    const retried = report.filter((row) => row.attempts > 1);
    expect(retried.length).toBeLessThanOrEqual(12);
    expect(retried.every((row) => row.attempts === 2)).toBe(true);
  });
});
