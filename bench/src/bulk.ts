/**
 * Benchmark 3 — bulk: closures through `createClosureClient` (Solaris, Embedded Payments and
 * Udara360 adapters with their default settings, routed by account id) against the three
 * simulators (simulators-child.ts, their own process) at concurrency 64. Accounts are seeded
 * fresh per run with zero balances, one third per provider. Reports throughput, p50/p99 latency,
 * peak RSS, heap after a full GC, and at the end checks the simulators' counters: every account
 * must have received exactly one closure.
 */
import { createClosureClient } from '@closekit/core';
import { createEmbeddedPaymentsAdapter } from '@closekit/embedded-payments';
import { createSolarisAdapter } from '@closekit/solaris';
import { createUdara360Adapter } from '@closekit/udara360';
import { startChild } from './child-process';
import { collectGarbage, runCount, startRssSampler } from './load';
import type { CountersReply as SimulatorCountersReply, SimulatorsReady } from './simulators-messages';
import { mib, percentile, round } from './stats';
import { printTable } from './table';

export interface BulkSettings {
  concurrency: number;
  warmupCount: number;
  counts: number[];
  /** Wait after the last run before a last heap reading: the transport's per-attempt timeout (default 30 s). */
  settleMs: number;
}

export const DEFAULT_BULK_SETTINGS: BulkSettings = {
  concurrency: 64,
  warmupCount: 600,
  counts: [1000, 10_000],
  settleMs: 31_000,
};

interface CountersReply extends SimulatorCountersReply {
  cpu: NodeJS.CpuUsage;
  rss: number;
}

export interface BulkRun {
  label: string;
  closures: number;
  concurrency: number;
  succeeded: number;
  failures: Record<string, number>;
  elapsedMs: number;
  closuresPerSec: number;
  p50LatencyMs: number;
  p99LatencyMs: number;
  maxLatencyMs: number;
  httpRequests: number;
  peakRssMiB: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  heapBeforeGcMiB: number;
  heapAfterGcMiB: number;
  heapGrowthMiB: number;
  clientCpuPercent: number;
  simulatorCpuPercent: number;
  /** Accounts of this run with exactly one closure / with none / with more than one. */
  exactlyOnce: number;
  neverClosed: number;
  closedMoreThanOnce: number;
}

export interface BulkResults {
  settings: BulkSettings;
  runs: BulkRun[];
  memory: {
    heapGrowthSmallMiB: number;
    heapGrowthLargeMiB: number;
    rssGrowthSmallMiB: number;
    rssGrowthLargeMiB: number;
    /** Heap retained per 1,000 extra closures, from the difference between the two runs. */
    heapRetainedPerThousandKiB: number;
    /** Heap after GC once `settleMs` has passed after the last run, and its difference to before the small run. */
    heapAfterSettleMiB: number;
    heapAfterSettleVsBeforeSmallMiB: number;
  };
  verification: {
    accounts: number;
    exactlyOnce: number;
    maxClosuresPerAccount: Record<string, number>;
    allExactlyOnce: boolean;
  };
  simulatorRssMiB: number;
}

const PROVIDERS = ['solaris', 'embedded-payments', 'udara360'] as const;
const PREFIX: Record<(typeof PROVIDERS)[number], string> = {
  solaris: 's',
  'embedded-payments': 'e',
  udara360: 'u',
};

/** Ten letters and digits: valid at all three (Udara360 account numbers are at most 10). */
const accountId = (run: number, index: number) =>
  `${PREFIX[PROVIDERS[index % 3] as (typeof PROVIDERS)[number]]}${run}${String(index).padStart(8, '0')}`;

const sumRequests = (counters: CountersReply) =>
  counters.solaris.totalRequests + counters.embeddedPayments.totalRequests + counters.udara360.totalRequests;

export async function benchBulk(settings: BulkSettings = DEFAULT_BULK_SETTINGS): Promise<BulkResults> {
  const sims = await startChild<SimulatorsReady>('./simulators-child.ts');
  try {
    const { solaris, embeddedPayments, udara360 } = sims.ready;
    const client = createClosureClient({
      adapters: [
        createSolarisAdapter({
          baseUrl: solaris.url,
          authUrl: solaris.tokenUrl,
          clientId: solaris.clientId,
          clientSecret: solaris.clientSecret,
        }),
        createEmbeddedPaymentsAdapter({ baseUrl: embeddedPayments.v1BaseUrl }),
        createUdara360Adapter({
          baseUrl: udara360.url,
          clientId: udara360.clientId,
          clientSecret: udara360.clientSecret,
        }),
      ],
      route: (id) => {
        const prefix = id[0];
        return PROVIDERS.find((provider) => PREFIX[provider] === prefix);
      },
    });

    const plan = [
      { label: 'warm-up', count: settings.warmupCount },
      ...settings.counts.map((count) => ({ label: `${count.toLocaleString('en-US')} closures`, count })),
    ];
    const runs: BulkRun[] = [];
    for (const [runIndex, step] of plan.entries()) {
      const ids = Array.from({ length: step.count }, (_, index) => accountId(runIndex + 1, index));
      await sims.call('seed', {
        solaris: ids.filter((id) => id.startsWith('s')),
        embeddedPayments: ids.filter((id) => id.startsWith('e')),
        udara360: ids.filter((id) => id.startsWith('u')),
      });
      const countersBefore = await sims.call<CountersReply>('counters');
      const latenciesMs = new Float64Array(step.count);
      await collectGarbage();
      const heapBefore = process.memoryUsage().heapUsed;
      const rssBefore = process.memoryUsage.rss();
      const sampler = startRssSampler();
      const clientCpuBefore = process.cpuUsage();
      const outcome = await runCount(
        async (index) => {
          const result = await client.closeAccount({
            accountId: ids[index] as string,
            reason: 'CUSTOMER_REQUEST',
          });
          return result.isOk() ? null : `${result.error.provider ?? '?'} ${result.error.code}`;
        },
        { concurrency: settings.concurrency, count: step.count, latenciesMs },
      );
      const clientCpu = process.cpuUsage(clientCpuBefore);
      const { peakRssBytes } = sampler.stop();
      const heapBeforeGc = process.memoryUsage().heapUsed;
      // Measured before the counters arrive: their per-account map would otherwise count as ours.
      await collectGarbage();
      const heapAfter = process.memoryUsage().heapUsed;
      const rssAfter = process.memoryUsage.rss();
      const countersAfter = await sims.call<CountersReply>('counters');
      const closures = {
        ...countersAfter.solaris.closures,
        ...countersAfter.embeddedPayments.closures,
        ...countersAfter.udara360.closures,
      };
      let exactlyOnce = 0;
      let neverClosed = 0;
      let closedMoreThanOnce = 0;
      for (const id of ids) {
        const count = closures[id] ?? 0;
        if (count === 1) exactlyOnce++;
        else if (count === 0) neverClosed++;
        else closedMoreThanOnce++;
      }
      const simCpuMs =
        (countersAfter.cpu.user +
          countersAfter.cpu.system -
          countersBefore.cpu.user -
          countersBefore.cpu.system) /
        1000;
      runs.push({
        label: step.label,
        closures: step.count,
        concurrency: settings.concurrency,
        succeeded: outcome.ops - outcome.failures,
        failures: outcome.failureLabels,
        elapsedMs: round(outcome.elapsedMs),
        closuresPerSec: round(outcome.opsPerSec),
        p50LatencyMs: round(percentile(outcome.latenciesMs, 50), 2),
        p99LatencyMs: round(percentile(outcome.latenciesMs, 99), 2),
        maxLatencyMs: round(percentile(outcome.latenciesMs, 100), 2),
        httpRequests: sumRequests(countersAfter) - sumRequests(countersBefore),
        peakRssMiB: mib(peakRssBytes),
        rssBeforeMiB: mib(rssBefore),
        rssAfterMiB: mib(rssAfter),
        heapBeforeGcMiB: mib(heapBeforeGc),
        heapAfterGcMiB: mib(heapAfter),
        heapGrowthMiB: mib(heapAfter - heapBefore),
        clientCpuPercent: round(((clientCpu.user + clientCpu.system) / 1000 / outcome.elapsedMs) * 100),
        simulatorCpuPercent: round((simCpuMs / outcome.elapsedMs) * 100),
        exactlyOnce,
        neverClosed,
        closedMoreThanOnce,
      });
    }

    // Every attempt arms AbortSignal.timeout(timeoutMs) (30 s by default) and the timer keeps its
    // signal until it fires: wait that long once, then see what the heap holds without them.
    await new Promise((resolve) => setTimeout(resolve, settings.settleMs));
    await collectGarbage();
    const heapAfterSettleMiB = mib(process.memoryUsage().heapUsed);
    const final = await sims.call<CountersReply>('counters');
    const closures = {
      ...final.solaris.closures,
      ...final.embeddedPayments.closures,
      ...final.udara360.closures,
    };
    // Regenerated rather than kept, so that the heap readings above hold no list of every account.
    let accounts = 0;
    let exactlyOnce = 0;
    for (const [runIndex, step] of plan.entries()) {
      for (let index = 0; index < step.count; index++) {
        accounts++;
        if (closures[accountId(runIndex + 1, index)] === 1) exactlyOnce++;
      }
    }
    const small = runs[1];
    const large = runs[runs.length - 1];
    const growth = (run: BulkRun | undefined, pick: (run: BulkRun) => number) =>
      run ? pick(run) : Number.NaN;
    return {
      settings,
      runs,
      memory: {
        heapGrowthSmallMiB: growth(small, (run) => run.heapGrowthMiB),
        heapGrowthLargeMiB: growth(large, (run) => run.heapGrowthMiB),
        rssGrowthSmallMiB: growth(small, (run) => round(run.rssAfterMiB - run.rssBeforeMiB, 1)),
        rssGrowthLargeMiB: growth(large, (run) => round(run.rssAfterMiB - run.rssBeforeMiB, 1)),
        heapRetainedPerThousandKiB:
          small && large
            ? round(
                ((large.heapGrowthMiB - small.heapGrowthMiB) * 1024 * 1000) /
                  (large.closures - small.closures),
                1,
              )
            : Number.NaN,
        heapAfterSettleMiB,
        heapAfterSettleVsBeforeSmallMiB: small
          ? round(heapAfterSettleMiB - (small.heapAfterGcMiB - small.heapGrowthMiB), 1)
          : Number.NaN,
      },
      verification: {
        accounts,
        exactlyOnce,
        maxClosuresPerAccount: {
          solaris: final.solaris.maxClosuresPerAccount,
          'embedded-payments': final.embeddedPayments.maxClosuresPerAccount,
          udara360: final.udara360.maxClosuresPerAccount,
        },
        allExactlyOnce: exactlyOnce === accounts,
      },
      simulatorRssMiB: mib(final.rss),
    };
  } finally {
    await sims.close();
  }
}

export function printBulk(results: BulkResults): void {
  printTable(
    `3a. Bulk — closures through createClosureClient (3 adapters, defaults) against the 3 simulators (own process), concurrency ${results.settings.concurrency}`,
    [
      'run',
      'closures',
      'ok',
      'closures/s',
      'p50 ms',
      'p99 ms',
      'max ms',
      'HTTP req',
      'peak RSS MiB',
      'heap before GC MiB',
      'heap after GC MiB',
      'heap growth MiB',
      'client CPU %',
      'sim CPU %',
    ],
    results.runs.map((run) => [
      run.label,
      run.closures,
      run.succeeded,
      run.closuresPerSec,
      run.p50LatencyMs,
      run.p99LatencyMs,
      run.maxLatencyMs,
      run.httpRequests,
      run.peakRssMiB,
      run.heapBeforeGcMiB,
      run.heapAfterGcMiB,
      run.heapGrowthMiB,
      run.clientCpuPercent,
      run.simulatorCpuPercent,
    ]),
  );
  const failed = results.runs.filter((run) => Object.keys(run.failures).length > 0);
  for (const run of failed) console.log(`  failures in ${run.label}: ${JSON.stringify(run.failures)}`);
  printTable(
    '3b. Bulk — memory flatness and exactly-once verification (simulator counters)',
    ['measure', 'value'],
    [
      ['heap growth after GC, small run (MiB)', results.memory.heapGrowthSmallMiB],
      ['heap growth after GC, large run (MiB)', results.memory.heapGrowthLargeMiB],
      ['heap retained per 1,000 extra closures (KiB)', results.memory.heapRetainedPerThousandKiB],
      [
        `heap after GC ${results.settings.settleMs / 1000} s after the last run (MiB)`,
        results.memory.heapAfterSettleMiB,
      ],
      ['  … minus heap before the small run (MiB)', results.memory.heapAfterSettleVsBeforeSmallMiB],
      ['RSS growth, small run (MiB)', results.memory.rssGrowthSmallMiB],
      ['RSS growth, large run (MiB)', results.memory.rssGrowthLargeMiB],
      ['accounts seeded (all runs)', results.verification.accounts],
      ['accounts closed exactly once', results.verification.exactlyOnce],
      ['max closures per account (solaris)', results.verification.maxClosuresPerAccount.solaris ?? null],
      [
        'max closures per account (embedded-payments)',
        results.verification.maxClosuresPerAccount['embedded-payments'] ?? null,
      ],
      ['max closures per account (udara360)', results.verification.maxClosuresPerAccount.udara360 ?? null],
      ['every account closed exactly once', results.verification.allExactlyOnce],
    ],
  );
}
