/**
 * Bulk closures through the SQLite engine of @closekit/bulk, against the three
 * simulators in their own process (simulators-child.ts):
 * - rate: requests each provider saw per second against the configured `--rate` limit
 *   (target at least 95%), and the 429s the limiter saw (the simulators enforce no limit of
 *   their own, so any 429 would be a fault of the run);
 * - volume: ACCOUNTS accounts (default 100,000; BULK_SQLITE_ACCOUNTS overrides) to `--until
 *   submitted`: time, peak RSS, RSS when a tenth were done against RSS at the end, store bytes
 *   per account, and every account closed exactly once;
 * - journal: the store's cost per account: the same Solaris-only run with durability 'full'
 *   (fsync per transition) and 'normal'; the difference is what the fsyncs cost.
 */
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BulkEngineSettings,
  type BulkInputRow,
  openSqliteBulkEngine,
  type SqliteBulkEngineSettings,
} from '@closekit/bulk';
import { createEmbeddedPaymentsAdapter } from '@closekit/embedded-payments';
import { createSolarisAdapter } from '@closekit/solaris';
import { createUdara360Adapter } from '@closekit/udara360';
import { type ChildMessage, startChild } from './child-process';
import type { CountersReply, SimulatorsReady } from './simulators-messages';
import { mib, round } from './stats';
import { printTable } from './table';

const NAMES = ['solaris', 'embedded-payments', 'udara360'] as const;
type Name = (typeof NAMES)[number];

export interface BulkSqliteResults {
  rate: {
    provider: string;
    limit: number;
    requests: number;
    seconds: number;
    perSecond: number;
    ofLimit: number;
    /** The most requests sent in any 1,000 ms: never above the limit. */
    peakPerSecond: number;
    rateLimited: number;
  }[];
  volume: {
    accounts: number;
    seconds: number;
    accountsPerSecond: number;
    peakRssMiB: number;
    rssAtTenthMiB: number;
    rssAtEndMiB: number;
    /** The heap still in use after a full garbage collection, when a tenth were done and at the end. */
    heapAfterGcAtTenthMiB: number;
    heapAfterGcAtEndMiB: number;
    storeBytesPerAccount: number;
    exactlyOnce: boolean;
  };
  journal: { durability: string; accounts: number; msPerAccount: number; storeBytesPerAccount: number }[];
}

const ids = (name: Name, prefix: string, count: number) =>
  Array.from({ length: count }, (_, index) =>
    name === 'udara360'
      ? String(6_000_000_000 + Number(prefix) * 1_000_000 + index)
      : `${name[0]}${prefix}x${index}`,
  );

/** Beneath the engine's limiter: when each request to a provider left, and the 429s it got. */
const rateLimitedAnswers: Record<Name, number> = { solaris: 0, 'embedded-payments': 0, udara360: 0 };
const sentAt: Record<Name, number[]> = { solaris: [], 'embedded-payments': [], udara360: [] };
/** Send times are kept during the rate run only, so that the volume run's memory is the engine's. */
let recordSendTimes = false;
const countingFetch =
  (name: Name): typeof fetch =>
  async (input, init) => {
    if (recordSendTimes) sentAt[name].push(performance.now());
    const response = await fetch(input, init);
    if (response.status === 429) rateLimitedAnswers[name] += 1;
    return response;
  };

function providers(ready: SimulatorsReady, rate: number): BulkEngineSettings['providers'] {
  return [
    {
      name: 'solaris',
      requestsPerSecond: rate,
      fetch: countingFetch('solaris'),
      createAdapter: (fetch) =>
        createSolarisAdapter({
          baseUrl: ready.solaris.url,
          authUrl: ready.solaris.tokenUrl,
          clientId: ready.solaris.clientId,
          clientSecret: ready.solaris.clientSecret,
          fetch,
        }),
    },
    {
      name: 'embedded-payments',
      requestsPerSecond: rate,
      fetch: countingFetch('embedded-payments'),
      createAdapter: (fetch) =>
        createEmbeddedPaymentsAdapter({ baseUrl: ready.embeddedPayments.v1BaseUrl, fetch }),
    },
    {
      name: 'udara360',
      requestsPerSecond: rate,
      fetch: countingFetch('udara360'),
      createAdapter: (fetch) =>
        createUdara360Adapter({
          baseUrl: ready.udara360.url,
          clientId: ready.udara360.clientId,
          clientSecret: ready.udara360.clientSecret,
          fetch,
        }),
    },
  ];
}

const rowsOf = (accounts: Record<Name, string[]>): BulkInputRow[] =>
  NAMES.flatMap((provider) =>
    accounts[provider].map((accountId, index) => ({
      line: index + 2,
      provider,
      accountId,
      reason: 'CUSTOMER_REQUEST' as const,
      idempotencyKey: null,
    })),
  );

async function open(settings: SqliteBulkEngineSettings) {
  const opened = await openSqliteBulkEngine(settings);
  if (opened.isErr()) throw opened.error;
  return opened.value;
}

const storeBytes = (path: string) =>
  [path, `${path}-wal`].reduce((sum, file) => {
    try {
      return sum + statSync(file).size;
    } catch {
      return sum;
    }
  }, 0);

/** The heap in use after a full collection (`pnpm bench` runs node with --expose-gc); 0 without it. */
function heapAfterGc(): number {
  if (!globalThis.gc) return 0;
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

const totalRequests = (counters: CountersReply): Record<Name, number> => ({
  solaris: counters.solaris.totalRequests,
  'embedded-payments': counters.embeddedPayments.totalRequests,
  udara360: counters.udara360.totalRequests,
});

export async function benchBulkSqlite(
  accounts = Number(process.env.BULK_SQLITE_ACCOUNTS ?? 100_000),
): Promise<BulkSqliteResults> {
  const directory = await mkdtemp(join(tmpdir(), 'closekit-bench-bulk-sqlite-'));
  const sims = await startChild<SimulatorsReady>('./simulators-child.ts');
  try {
    // Rate: each provider limited to RATE requests per second, enough accounts for ~10 s.
    // BULK_SQLITE_RATE overrides the limit: on a shared, CPU-starved machine a lower limit is
    // what the process can actually serve, and the limiter's accuracy is what is measured.
    const RATE = Number(process.env.BULK_SQLITE_RATE ?? 40);
    const rateAccounts: Record<Name, string[]> = {
      solaris: ids('solaris', '1', RATE * 10),
      'embedded-payments': ids('embedded-payments', '1', Math.ceil((RATE * 10) / 3)),
      udara360: ids('udara360', '1', Math.ceil((RATE * 10) / 3)),
    };
    await sims.call('seed', {
      solaris: rateAccounts.solaris,
      embeddedPayments: rateAccounts['embedded-payments'],
      udara360: rateAccounts.udara360,
    });
    const before = totalRequests(await sims.call<CountersReply & ChildMessage>('counters'));
    // Enough accounts in flight that the limit, not the latency, decides the pace.
    const rateEngine = await open({
      path: join(directory, 'rate.sqlite'),
      providers: providers(sims.ready, RATE),
      concurrency: 64,
    });
    await rateEngine.importRows(rowsOf(rateAccounts));
    for (const name of NAMES) sentAt[name].length = 0;
    recordSendTimes = true;
    const done = await rateEngine.runUntil({ until: 'submitted' });
    recordSendTimes = false;
    await rateEngine.close();
    if (done.isErr()) throw done.error;
    const after = totalRequests(await sims.call<CountersReply & ChildMessage>('counters'));
    const rate = NAMES.map((provider) => {
      // Sustained: between the requests at 20% and at 80% of the provider's total, leaving out
      // the start and the tail. Peak: the most requests that left in any 1,000 ms.
      const times = sentAt[provider];
      const requests = after[provider] - before[provider];
      const from = Math.floor(times.length * 0.2);
      const to = Math.floor(times.length * 0.8);
      const seconds = ((times[to] ?? 0) - (times[from] ?? 0)) / 1000;
      const perSecond = (to - from) / seconds;
      let peakPerSecond = 0;
      for (let first = 0, last = 0; last < times.length; last += 1) {
        while ((times[last] ?? 0) - (times[first] ?? 0) >= 1000) first += 1;
        peakPerSecond = Math.max(peakPerSecond, last - first + 1);
      }
      return {
        provider,
        limit: RATE,
        requests,
        seconds: round(seconds, 1),
        perSecond: round(perSecond, 1),
        ofLimit: round((perSecond / RATE) * 100, 1),
        peakPerSecond,
        rateLimited: rateLimitedAnswers[provider],
      };
    });

    // Volume: ACCOUNTS accounts, a third per provider, a high limit.
    const third = Math.ceil(accounts / 3);
    const volumeAccounts: Record<Name, string[]> = {
      solaris: ids('solaris', '2', third),
      'embedded-payments': ids('embedded-payments', '2', third),
      udara360: ids('udara360', '2', accounts - 2 * third),
    };
    for (let offset = 0; offset < third; offset += 5_000) {
      await sims.call('seed', {
        solaris: volumeAccounts.solaris.slice(offset, offset + 5_000),
        embeddedPayments: volumeAccounts['embedded-payments'].slice(offset, offset + 5_000),
        udara360: volumeAccounts.udara360.slice(offset, offset + 5_000),
      });
    }
    const volumePath = join(directory, 'volume.sqlite');
    const volumeEngine = await open({
      path: volumePath,
      providers: providers(sims.ready, 5_000),
      concurrency: 32,
    });
    await volumeEngine.importRows(rowsOf(volumeAccounts));
    let peakRss = process.memoryUsage.rss();
    let rssAtTenth = 0;
    let heapAtTenth = 0;
    const volumeStarted = performance.now();
    const volumeDone = await volumeEngine.runUntil({
      until: 'submitted',
      progressIntervalMs: 500,
      onProgress: (status) => {
        const rss = process.memoryUsage.rss();
        peakRss = Math.max(peakRss, rss);
        const submitted = Object.values(status.counts).reduce(
          (sum, counts) => sum + counts.SUBMITTED + counts.CLOSED,
          0,
        );
        if (rssAtTenth === 0 && submitted >= accounts / 10) {
          rssAtTenth = rss;
          heapAtTenth = heapAfterGc();
        }
      },
    });
    const volumeSeconds = (performance.now() - volumeStarted) / 1000;
    const rssAtEnd = process.memoryUsage.rss();
    const heapAtEnd = heapAfterGc();
    await volumeEngine.close();
    if (volumeDone.isErr()) throw volumeDone.error;
    const counters = await sims.call<CountersReply & ChildMessage>('counters');
    const exactlyOnce = NAMES.every((provider) => {
      const sim =
        provider === 'solaris'
          ? counters.solaris
          : provider === 'udara360'
            ? counters.udara360
            : counters.embeddedPayments;
      return (
        sim.maxClosuresPerAccount === 1 && volumeAccounts[provider].every((id) => sim.closures[id] === 1)
      );
    });

    // Journal: the same Solaris-only run with each durability; the difference is the fsyncs.
    const journal: BulkSqliteResults['journal'] = [];
    for (const [index, durability] of (['full', 'normal'] as const).entries()) {
      const count = 1_000;
      const journalIds = ids('solaris', String(3 + index), count);
      await sims.call('seed', { solaris: journalIds, embeddedPayments: [], udara360: [] });
      const path = join(directory, `journal-${durability}.sqlite`);
      const engine = await open({
        path,
        durability,
        concurrency: 16,
        providers: providers(sims.ready, 5_000).filter((provider) => provider.name === 'solaris'),
      });
      await engine.importRows(rowsOf({ solaris: journalIds, 'embedded-payments': [], udara360: [] }));
      const journalStarted = performance.now();
      const result = await engine.runUntil({ until: 'submitted' });
      const ms = performance.now() - journalStarted;
      await engine.close();
      if (result.isErr()) throw result.error;
      journal.push({
        durability,
        accounts: count,
        msPerAccount: round(ms / count, 2),
        storeBytesPerAccount: Math.round(storeBytes(path) / count),
      });
    }

    return {
      rate,
      volume: {
        accounts,
        seconds: round(volumeSeconds, 1),
        accountsPerSecond: round(accounts / volumeSeconds, 1),
        peakRssMiB: mib(peakRss),
        rssAtTenthMiB: mib(rssAtTenth),
        rssAtEndMiB: mib(rssAtEnd),
        heapAfterGcAtTenthMiB: mib(heapAtTenth),
        heapAfterGcAtEndMiB: mib(heapAtEnd),
        storeBytesPerAccount: Math.round(storeBytes(volumePath) / accounts),
        exactlyOnce,
      },
      journal,
    };
  } finally {
    await sims.close();
    await rm(directory, { recursive: true, force: true });
  }
}

export function printBulkSqlite(results: BulkSqliteResults): void {
  printTable(
    'Bulk (SQLite engine): requests per second against --rate (simulators enforce no limit)',
    [
      'provider',
      'limit/s',
      'requests',
      'seconds (20-80%)',
      'per second',
      '% of limit',
      'peak in 1 s',
      '429s',
    ],
    results.rate.map((row) => [
      row.provider,
      row.limit,
      row.requests,
      row.seconds,
      row.perSecond,
      row.ofLimit,
      row.peakPerSecond,
      row.rateLimited,
    ]),
  );
  const volume = results.volume;
  printTable(
    'Bulk (SQLite engine): accounts to --until submitted',
    [
      'accounts',
      'seconds',
      'accounts/s',
      'peak RSS MiB',
      'RSS at 1/10 MiB',
      'RSS at end MiB',
      'heap after GC at 1/10, end MiB',
      'store B/account',
      'each closed once',
    ],
    [
      [
        volume.accounts,
        volume.seconds,
        volume.accountsPerSecond,
        volume.peakRssMiB,
        volume.rssAtTenthMiB,
        volume.rssAtEndMiB,
        `${volume.heapAfterGcAtTenthMiB} / ${volume.heapAfterGcAtEndMiB}`,
        volume.storeBytesPerAccount,
        volume.exactlyOnce,
      ],
    ],
  );
  printTable(
    'Bulk (SQLite engine): store cost per account (Solaris simulator, 1,000 accounts)',
    ['durability', 'accounts', 'ms/account', 'store B/account'],
    results.journal.map((row) => [row.durability, row.accounts, row.msPerAccount, row.storeBytesPerAccount]),
  );
}
