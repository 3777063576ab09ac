/**
 * Bulk closures through the BullMQ/Redis engine with two worker processes. A throw-away
 * redis-server (AOF on, noeviction), the three simulators in their own process, the accounts
 * imported by this process, then two `closekit bulk worker`-equivalent processes work the run
 * until every account has its closure requested (`--until submitted`). Reports the time, the
 * rate each provider saw against its configured limit, Redis memory per account, and checks the
 * simulators' counters: every account closed exactly once. (The simulators enforce no limit of
 * their own: the rate they see is the one the workers keep to.)
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRedisBulkEngine } from '@closekit/bulk/redis';
import type { SimulatorCounters } from '@closekit/simulator';
import {
  simulatorProviders,
  type WorkerChildConfig,
} from '../../packages/bulk/src/redis/testing/simulator-providers';
import { spawnRedisWorker } from '../../packages/bulk/src/redis/testing/spawn-redis-worker';
import { startRedisServer } from '../../packages/bulk/src/redis/testing/start-redis-server';
import { startChild } from './child-process';
import type { CountersReply, SimulatorsReady } from './simulators-messages';
import { round } from './stats';
import { printTable } from './table';

export interface BulkRedisSettings {
  /** Accounts per provider. */
  accountsPerProvider: number;
  /** The limit configured for each provider (`--rate P=N`). */
  requestsPerSecond: number;
  workers: number;
  /** Jobs at once per provider in each worker. */
  concurrency: number;
}

/**
 * A limit a loaded 2-core machine can hold: the figure is how close the workers keep to it. (At
 * 100 requests/s per provider the same machine ran out of CPU first, at load 20+.)
 */
export const DEFAULT_BULK_REDIS_SETTINGS: BulkRedisSettings = {
  accountsPerProvider: 500,
  requestsPerSecond: 20,
  workers: 2,
  concurrency: 16,
};

/**
 * Volume: many accounts at a limit the machine cannot reach, so that the figure is the engine's
 * own pace and the workers' memory over the run. BULK_REDIS_ACCOUNTS (per provider) overrides.
 */
export const VOLUME_BULK_REDIS_SETTINGS: BulkRedisSettings = {
  accountsPerProvider: Number(process.env.BULK_REDIS_ACCOUNTS ?? 5_000),
  requestsPerSecond: 2_000,
  workers: 2,
  concurrency: 32,
};

export interface BulkRedisProviderFigures {
  provider: string;
  accounts: number;
  requests: number;
  /** The same requests by route (`"POST /v1/account_closure_requests"`), as the simulator counted them. */
  requestsByRoute: Record<string, number>;
  /** Requests per second from the moment all workers were up until the provider's last account was submitted. */
  requestsPerSecond: number;
  shareOfLimit: number;
  maxClosuresPerAccount: number;
}

export interface BulkRedisResults {
  settings: BulkRedisSettings;
  accounts: number;
  importMs: number;
  /** From starting the worker processes until every account was submitted. */
  elapsedMs: number;
  accountsPerSecond: number;
  providers: BulkRedisProviderFigures[];
  redisUsedMemoryBytesPerAccount: number;
  allExactlyOnce: boolean;
  /** Each worker process's RSS when a tenth of the accounts were submitted, and at the end (MiB; null where /proc is missing). */
  workerRssAtTenthMiB: (number | null)[];
  workerRssAtEndMiB: (number | null)[];
}

/** A process's resident memory from /proc (Linux), in MiB; null elsewhere. */
function rssOf(pid: number): number | null {
  try {
    const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? null : round(Number(kib) / 1024, 1);
  } catch {
    return null;
  }
}

const ids = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, index) => `${prefix}${String(index).padStart(8, '0')}`);

export async function benchBulkRedis(
  settings: BulkRedisSettings = DEFAULT_BULK_REDIS_SETTINGS,
): Promise<BulkRedisResults> {
  const redis = await startRedisServer();
  const sims = await startChild<SimulatorsReady>('./simulators-child.ts');
  const workers: ReturnType<typeof spawnRedisWorker>[] = [];
  try {
    const accountIds = {
      solaris: ids('s', settings.accountsPerProvider),
      'embedded-payments': ids('e', settings.accountsPerProvider),
      udara360: ids('u', settings.accountsPerProvider),
    };
    await sims.call('seed', {
      solaris: accountIds.solaris,
      embeddedPayments: accountIds['embedded-payments'],
      udara360: accountIds.udara360,
    });
    const { solaris, embeddedPayments, udara360 } = sims.ready;
    const config: WorkerChildConfig = {
      redis: redis.url,
      prefix: `bench-${randomUUID().slice(0, 8)}`,
      run: 'bench',
      concurrency: settings.concurrency,
      requestsPerSecond: settings.requestsPerSecond,
      lockDurationMs: 30_000,
      stalledIntervalMs: 30_000,
      solaris: {
        baseUrl: solaris.url,
        authUrl: solaris.tokenUrl,
        clientId: solaris.clientId,
        clientSecret: solaris.clientSecret,
      },
      embeddedPayments: { baseUrl: embeddedPayments.v1BaseUrl },
      udara360: { baseUrl: udara360.url, clientId: udara360.clientId, clientSecret: udara360.clientSecret },
    };
    const engine = createRedisBulkEngine({ ...config, providers: simulatorProviders(config) });
    const rows = Object.entries(accountIds).flatMap(([provider, list]) =>
      list.map((accountId) => ({
        provider,
        accountId,
        reason: 'CUSTOMER_REQUEST' as const,
        idempotencyKey: null,
      })),
    );
    const importStarted = performance.now();
    const imported = await engine.importRows(rows.map((row, index) => ({ ...row, line: index + 2 })));
    if (imported.isErr()) throw imported.error;
    const importMs = performance.now() - importStarted;

    const started = performance.now();
    for (let index = 0; index < settings.workers; index += 1) workers.push(spawnRedisWorker(config));
    await Promise.all(workers.map((worker) => worker.ready));
    // The sustained rate is measured from the moment every worker is up (a worker process takes
    // seconds to start on a busy machine) to the moment the provider has no account left to submit.
    const counted = (reply: CountersReply): Record<string, number> => ({
      solaris: reply.solaris.totalRequests,
      'embedded-payments': reply.embeddedPayments.totalRequests,
      udara360: reply.udara360.totalRequests,
    });
    const allUp = { at: performance.now(), requests: counted(await sims.call<CountersReply>('counters')) };
    const finished = new Map<string, { at: number; requests: number }>();
    let workerRssAtTenthMiB: (number | null)[] = [];
    while (finished.size < Object.keys(accountIds).length) {
      const status = await engine.status();
      if (status.isErr()) throw status.error;
      const submitted = Object.values(status.value.counts).reduce(
        (sum, counts) => sum + counts.SUBMITTED + counts.CLOSED + counts.NEEDS_ACTION,
        0,
      );
      if (workerRssAtTenthMiB.length === 0 && submitted >= rows.length / 10) {
        workerRssAtTenthMiB = workers.map((worker) => rssOf(worker.pid));
      }
      for (const [provider, counts] of Object.entries(status.value.counts)) {
        if (finished.has(provider) || counts.QUEUED + counts.SUBMITTING + counts.UNKNOWN > 0) continue;
        const requests = counted(await sims.call<CountersReply>('counters'))[provider] ?? 0;
        finished.set(provider, { at: performance.now(), requests });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const elapsedMs = performance.now() - started;
    const workerRssAtEndMiB = workers.map((worker) => rssOf(worker.pid));
    for (const worker of workers) process.kill(worker.pid, 'SIGTERM');
    await Promise.all(workers.map((worker) => worker.exited));

    const counters = await sims.call<CountersReply>('counters');
    const byProvider: [string, SimulatorCounters][] = [
      ['solaris', counters.solaris],
      ['embedded-payments', counters.embeddedPayments],
      ['udara360', counters.udara360],
    ];
    const providers = byProvider.map(([provider, counter]) => {
      const end = finished.get(provider) ?? { at: performance.now(), requests: counter.totalRequests };
      const requestsPerSecond =
        (end.requests - (allUp.requests[provider] ?? 0)) / ((end.at - allUp.at) / 1000);
      return {
        provider,
        accounts: settings.accountsPerProvider,
        requests: counter.totalRequests,
        requestsByRoute: counter.requests,
        requestsPerSecond: round(requestsPerSecond, 1),
        shareOfLimit: round(requestsPerSecond / settings.requestsPerSecond, 3),
        maxClosuresPerAccount: counter.maxClosuresPerAccount,
      };
    });
    const allExactlyOnce = byProvider.every(([provider, counter]) =>
      accountIds[provider as keyof typeof accountIds].every((accountId) => counter.closures[accountId] === 1),
    );
    // redis-cli comes with Debian's redis-server (redis-tools).
    const info = execFileSync('redis-cli', ['-p', String(redis.port), 'info', 'memory'], {
      encoding: 'utf8',
    });
    const memory = /used_memory:(\d+)/.exec(info)?.[1];
    await engine.close();
    const accounts = rows.length;
    return {
      settings,
      accounts,
      importMs: Math.round(importMs),
      elapsedMs: Math.round(elapsedMs),
      accountsPerSecond: round(accounts / (elapsedMs / 1000), 1),
      providers,
      redisUsedMemoryBytesPerAccount: Math.round(Number(memory ?? 0) / accounts),
      allExactlyOnce,
      workerRssAtTenthMiB,
      workerRssAtEndMiB,
    };
  } finally {
    for (const worker of workers) {
      if (worker.child.exitCode === null && worker.child.signalCode === null)
        process.kill(worker.pid, 'SIGKILL');
    }
    await sims.close();
    await redis.stop();
  }
}

export function printBulkRedis(results: BulkRedisResults): void {
  const { settings } = results;
  printTable(
    `Bulk through BullMQ on Redis: ${results.accounts.toLocaleString('en-US')} accounts, ${settings.workers} worker processes, limit ${settings.requestsPerSecond} requests/s per provider, until submitted (${results.elapsedMs.toLocaleString('en-US')} ms; import ${results.importMs.toLocaleString('en-US')} ms; ${results.accountsPerSecond} accounts/s; Redis ${results.redisUsedMemoryBytesPerAccount} bytes/account; workers' RSS MiB at 1/10 ${results.workerRssAtTenthMiB.join(', ')}, at the end ${results.workerRssAtEndMiB.join(', ')}; exactly once: ${results.allExactlyOnce ? 'yes' : 'NO'})`,
    ['provider', 'accounts', 'requests', 'req/s', 'share of limit', 'max closures/account'],
    results.providers.map((row) => [
      row.provider,
      row.accounts,
      row.requests,
      row.requestsPerSecond,
      row.shareOfLimit,
      row.maxClosuresPerAccount,
    ]),
  );
}
