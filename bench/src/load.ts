/**
 * Closed-loop load: `concurrency` workers each start the next operation as soon as their last one
 * ends. An operation resolves to null on success or to a short failure label (counted, never thrown).
 */
export type Operation = (index: number) => Promise<string | null>;

export interface LoadOutcome {
  ops: number;
  failures: number;
  /** failure label -> count */
  failureLabels: Record<string, number>;
  elapsedMs: number;
  opsPerSec: number;
}

export interface CountedOutcome extends LoadOutcome {
  /** Latency of each operation in ms, in completion order. */
  latenciesMs: Float64Array;
}

function outcome(ops: number, labels: Map<string, number>, elapsedMs: number): LoadOutcome {
  let failures = 0;
  for (const count of labels.values()) failures += count;
  return {
    ops,
    failures,
    failureLabels: Object.fromEntries(labels),
    elapsedMs,
    opsPerSec: (ops / elapsedMs) * 1000,
  };
}

/** Runs for a fixed duration; `ops` counts operations finished (successful or not) before the end. */
export async function runForDuration(
  operation: Operation,
  settings: { concurrency: number; durationMs: number },
): Promise<LoadOutcome> {
  const labels = new Map<string, number>();
  let next = 0;
  let done = 0;
  const started = performance.now();
  const deadline = started + settings.durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      const label = await operation(next++);
      done++;
      if (label !== null) labels.set(label, (labels.get(label) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, worker));
  return outcome(done, labels, performance.now() - started);
}

/** Runs exactly `count` operations, recording the latency of each. */
export async function runCount(
  operation: Operation,
  settings: { concurrency: number; count: number; latenciesMs?: Float64Array },
): Promise<CountedOutcome> {
  const labels = new Map<string, number>();
  // Preallocated (by the caller, when it watches memory) so that recording adds no garbage.
  const latenciesMs = settings.latenciesMs ?? new Float64Array(settings.count);
  let next = 0;
  let done = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < settings.count) {
      const index = next++;
      const opStarted = performance.now();
      const label = await operation(index);
      latenciesMs[done++] = performance.now() - opStarted;
      if (label !== null) labels.set(label, (labels.get(label) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: Math.min(settings.concurrency, settings.count) }, worker));
  return { ...outcome(done, labels, performance.now() - started), latenciesMs };
}

/** Samples process RSS every `intervalMs` and keeps the peak. */
export function startRssSampler(intervalMs = 25): { stop(): { peakRssBytes: number; samples: number } } {
  let peak = process.memoryUsage.rss();
  let samples = 1;
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    samples++;
    if (rss > peak) peak = rss;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const rss = process.memoryUsage.rss();
      return { peakRssBytes: Math.max(peak, rss), samples: samples + 1 };
    },
  };
}

/** Full garbage collection (needs --expose-gc), twice so that finalisers' garbage goes too. */
export async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (the bench script does)');
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}
