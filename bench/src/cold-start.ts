/**
 * Benchmark 4 — cold start and bundle size. Import time: a fresh `node -e "import('<pkg>')"` per
 * sample, spawned from the bench package (which resolves the workspace packages' built dist),
 * minus the median of `node -e ""`; samples of all packages are interleaved round by round.
 * Bundle size: the ESM build each package publishes (dist/*.js, not maps, CJS or types), raw and
 * gzipped (node:zlib, default level 6). zod and neverthrow are external: their size and load time
 * are not in the bundle figures but are in the import times.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { median, percentile, round } from './stats';
import { printTable } from './table';

export interface ColdStartSettings {
  samples: number;
}

export const DEFAULT_COLD_START_SETTINGS: ColdStartSettings = { samples: 15 };

const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const PACKAGES = [
  { name: '@closekit/core', dir: 'core' },
  { name: '@closekit/solaris', dir: 'solaris' },
  { name: '@closekit/embedded-payments', dir: 'embedded-payments' },
  { name: '@closekit/udara360', dir: 'udara360' },
  { name: '@closekit/simulator', dir: 'simulator' },
] as const;
const REFERENCES = ['zod', 'neverthrow'] as const;

export interface ImportTime {
  name: string;
  samples: number;
  medianMs: number;
  p90Ms: number;
  /** Median minus the median of `node -e ""`. */
  importMs: number;
}

export interface BundleSize {
  name: string;
  files: string[];
  bytes: number;
  gzipBytes: number;
}

export interface ColdStartResults {
  settings: ColdStartSettings;
  baseline: { medianMs: number; p90Ms: number };
  imports: ImportTime[];
  bundles: BundleSize[];
}

const CORE_DIR = join(BENCH_DIR, '..', 'packages', 'core');

function timeNode(script: string, cwd = BENCH_DIR): number {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['-e', script], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = performance.now() - started;
  if (child.status !== 0)
    throw new Error(`node -e ${JSON.stringify(script)} failed: ${child.stderr.toString()}`);
  return elapsed;
}

function bundleSize(name: string, dir: string): BundleSize {
  const dist = join(BENCH_DIR, '..', 'packages', dir, 'dist');
  const files = readdirSync(dist)
    .filter((file) => file.endsWith('.js'))
    .sort();
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const content = readFileSync(join(dist, file));
    bytes += content.length;
    gzipBytes += gzipSync(content).length;
  }
  return { name, files, bytes, gzipBytes };
}

export function benchColdStart(settings: ColdStartSettings = DEFAULT_COLD_START_SETTINGS): ColdStartResults {
  // A rejected import must fail the sample, not print a warning and exit 0.
  const importScript = (name: string) =>
    `import(${JSON.stringify(name)}).catch((error) => { console.error(error); process.exit(1); })`;
  const subjects: { name: string; script: string; cwd?: string }[] = [
    { name: 'node -e ""', script: '' },
    ...PACKAGES.map((pkg) => ({ name: pkg.name, script: importScript(pkg.name) })),
    // References: the runtime dependencies every closekit package loads (resolved from core).
    ...REFERENCES.map((name) => ({ name, script: importScript(name), cwd: CORE_DIR })),
  ];
  const times = new Map<string, number[]>(subjects.map((subject) => [subject.name, []]));
  timeNode(''); // the first spawn pays for cold disk caches
  for (let round = 0; round < settings.samples; round++) {
    for (const subject of subjects) times.get(subject.name)?.push(timeNode(subject.script, subject.cwd));
  }
  const baselineTimes = times.get('node -e ""') ?? [];
  const baselineMedian = median(baselineTimes);
  return {
    settings,
    baseline: { medianMs: round(baselineMedian, 1), p90Ms: round(percentile(baselineTimes, 90), 1) },
    imports: [...PACKAGES.map((pkg) => pkg.name), ...REFERENCES.map((name) => `${name} (reference)`)].map(
      (label) => {
        const name = label.replace(' (reference)', '');
        const samples = times.get(name) ?? [];
        return {
          name: label,
          samples: samples.length,
          medianMs: round(median(samples), 1),
          p90Ms: round(percentile(samples, 90), 1),
          importMs: round(median(samples) - baselineMedian, 1),
        };
      },
    ),
    bundles: PACKAGES.map((pkg) => bundleSize(pkg.name, pkg.dir)),
  };
}

export function printColdStart(results: ColdStartResults): void {
  printTable(
    `4a. Cold start — fresh node process per sample, ${results.settings.samples} samples each; baseline node -e "" median ${results.baseline.medianMs} ms`,
    ['package', 'median ms', 'p90 ms', 'import ms (median − baseline)'],
    results.imports.map((entry) => [entry.name, entry.medianMs, entry.p90Ms, entry.importMs]),
  );
  printTable(
    '4b. Bundle size — ESM build (dist/*.js; zod and neverthrow are external)',
    ['package', 'files', 'bytes', 'gzip bytes'],
    results.bundles.map((entry) => [entry.name, entry.files.join(' '), entry.bytes, entry.gzipBytes]),
  );
}
