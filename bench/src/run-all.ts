/**
 * `pnpm bench`: runs the four closekit benchmarks against the BUILT packages, prints a table per
 * benchmark and writes every figure to bench/results/latest.json with the machine it ran on.
 * `--only=overhead,webhooks,bulk,bulk-sqlite,bulk-redis,cold-start` runs a subset (the JSON then holds only those).
 */
import { loadavg } from 'node:os';
import { benchAdapterOverhead, printAdapterOverhead } from './adapter-overhead';
import { benchBulk, printBulk } from './bulk';
import { benchBulkRedis, printBulkRedis } from './bulk-redis';
import { benchBulkSqlite, printBulkSqlite } from './bulk-sqlite';
import { benchColdStart, printColdStart } from './cold-start';
import { machineInfo } from './machine';
import { writeResults } from './results';
import { mib } from './stats';
import { benchWebhooks, printWebhooks } from './webhooks';

const BENCHMARKS = ['overhead', 'webhooks', 'bulk', 'bulk-sqlite', 'bulk-redis', 'cold-start'] as const;
type BenchmarkName = (typeof BENCHMARKS)[number];

function selected(): Set<BenchmarkName> {
  const only = process.argv.find((arg) => arg.startsWith('--only='));
  if (!only) return new Set(BENCHMARKS);
  const names = only.slice('--only='.length).split(',');
  const unknown = names.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}`);
  return new Set(names as BenchmarkName[]);
}

const run = selected();
const machine = machineInfo();
const started = new Date();
console.log(
  `closekit benchmarks — ${started.toISOString()} — ${machine.cpuModel}, ${machine.cores} cores, ${mib(machine.totalMemoryBytes)} MiB, ${machine.os}, node ${machine.node}`,
);

// Other processes on the machine skew throughput: the load average says how busy it was.
const results: Record<string, unknown> = {
  startedAt: started.toISOString(),
  machine,
  loadAverageAtStart: loadavg(),
};
const timings: Record<string, number> = {};
const time = async <T>(name: BenchmarkName, body: () => Promise<T> | T): Promise<T> => {
  const t0 = performance.now();
  const value = await body();
  timings[name] = Math.round(performance.now() - t0);
  return value;
};

if (run.has('overhead')) {
  const overhead = await time('overhead', () => benchAdapterOverhead());
  printAdapterOverhead(overhead);
  results.adapterOverhead = overhead;
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
  const bulkRedis = await time('bulk-redis', () => benchBulkRedis());
  printBulkRedis(bulkRedis);
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
