/**
 * `pnpm bench`: runs the four closekit benchmarks against the BUILT packages, prints a table per
 * benchmark and writes every figure to bench/results/latest.json with the machine it ran on.
 * `--only=overhead,webhooks,bulk,bulk-sqlite,bulk-redis,cold-start` runs a subset (the JSON then holds only those).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  benchAdapterOverhead,
  DEFAULT_OVERHEAD_SETTINGS,
  printAdapterOverhead,
  QUICK_OVERHEAD_SETTINGS,
} from './adapter-overhead';
import { benchBulk, printBulk } from './bulk';
import { benchBulkRedis, printBulkRedis, VOLUME_BULK_REDIS_SETTINGS } from './bulk-redis';
import { benchBulkSqlite, printBulkSqlite } from './bulk-sqlite';
import { benchColdStart, printColdStart } from './cold-start';
import { machineInfo } from './machine';
import { writeResults } from './results';
import { mib } from './stats';
import { benchWebhooks, printWebhooks } from './webhooks';

const BENCHMARKS = ['overhead', 'webhooks', 'bulk', 'bulk-sqlite', 'bulk-redis', 'cold-start'] as const;
type BenchmarkName = (typeof BENCHMARKS)[number];

/**
 * `--only` takes `--only x,y` as well as `--only=x,y`. `--quick` (or CLOSEKIT_BENCH_QUICK=1) runs
 * the adapter overhead in shorter rounds and without the context client: under two minutes.
 */
const OPTIONS = {
  only: { type: 'string' },
  quick: { type: 'boolean', default: false },
} as const;

// `pnpm bench -- --only overhead` hands the script a literal `--` first; drop it.
const argv = process.argv.slice(2);
const { values } = parseArgs({ args: argv[0] === '--' ? argv.slice(1) : argv, options: OPTIONS });

const isBenchmark = (name: string): name is BenchmarkName => (BENCHMARKS as readonly string[]).includes(name);

function selected(only: string | undefined): Set<BenchmarkName> {
  if (only === undefined) return new Set(BENCHMARKS);
  const names = only.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !isBenchmark(name));
  if (unknown.length > 0)
    throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}`);
  return new Set(names.filter(isBenchmark));
}

const quick = values.quick || process.env.CLOSEKIT_BENCH_QUICK === '1';
const run = selected(values.only);
const machine = machineInfo();
const started = new Date();
console.log(
  `closekit benchmarks — ${started.toISOString()} — ${machine.cpuModel}, ${machine.cores} cores, ${mib(machine.totalMemoryBytes)} MiB, ${machine.os}, node ${machine.node}`,
);

// Other processes on the machine skew throughput: the load average says how busy it was.
const results: Record<string, unknown> = {
  startedAt: started.toISOString(),
  quick,
  machine,
  loadAverageAtStart: loadavg(),
};
const timings: Record<string, number> = {};
/** Printed last, where a reader of the run finds them: the `overhead:` lines. */
const summary: string[] = [];
const time = async <T>(name: BenchmarkName, body: () => Promise<T> | T): Promise<T> => {
  const t0 = performance.now();
  const value = await body();
  timings[name] = Math.round(performance.now() - t0);
  return value;
};

if (run.has('overhead')) {
  const settings = quick ? QUICK_OVERHEAD_SETTINGS : DEFAULT_OVERHEAD_SETTINGS;
  const overhead = await time('overhead', () => benchAdapterOverhead(settings));
  printAdapterOverhead(overhead);
  results.adapterOverhead = overhead;
  summary.push(...overhead.summary);
}
if (run.has('webhooks')) {
  const webhooks = await time('webhooks', () => benchWebhooks());
  printWebhooks(webhooks);
  results.webhooks = webhooks;
}
if (run.has('bulk')) {
  const bulk = await time('bulk', () => benchBulk());
  printBulk(bulk);
  results.bulk = bulk;
}
if (run.has('bulk-sqlite')) {
  const bulkSqlite = await time('bulk-sqlite', () => benchBulkSqlite());
  printBulkSqlite(bulkSqlite);
  results.bulkSqlite = bulkSqlite;
}
if (run.has('bulk-redis')) {
  // The rate against a limit the workers can keep, then the volume at a limit they cannot reach.
  const bulkRedis = await time('bulk-redis', async () => ({
    rate: await benchBulkRedis(),
    volume: await benchBulkRedis(VOLUME_BULK_REDIS_SETTINGS),
  }));
  printBulkRedis(bulkRedis.rate);
  printBulkRedis(bulkRedis.volume);
  results.bulkRedis = bulkRedis;
}
if (run.has('cold-start')) {
  const coldStart = await time('cold-start', () => benchColdStart());
  printColdStart(coldStart);
  results.coldStart = coldStart;
}

results.durationsMs = timings;
results.finishedAt = new Date().toISOString();
results.loadAverageAtEnd = loadavg();
const file = await writeResults(results);
console.log(
  `\nbenchmark durations (ms): ${JSON.stringify(timings)}; load average at start ${JSON.stringify(results.loadAverageAtStart)}, at end ${JSON.stringify(results.loadAverageAtEnd)}\nresults written to ${file}`,
);
if (summary.length > 0) console.log(`\n${summary.join('\n')}`);
