/**
 * What the overhead benchmark concludes from its measurements: the ratios to the baseline (raw
 * fetch with the same per-request timeout), the target verdict and the `overhead:` lines. Pure, so
 * that the verdict is tested without a run.
 */
import { median, round } from './stats';

/** The adapter keeps at least this share of the baseline's throughput (and at least ky's). */
export const TARGET = 0.9;

export const KINDS = ['adapter', 'raw fetch + timeout', 'ky', 'raw fetch'] as const;
export type ClientKind = (typeof KINDS)[number];
const BASELINE: ClientKind = 'raw fetch + timeout';

export interface SubjectResult {
  name: string;
  case: string;
  /** The HTTP requests one closure takes, e.g. `GET+POST`. */
  requests: string;
  kind: ClientKind;
  concurrency: number;
  opsPerSecRounds: number[];
  cpuMicrosPerOpRounds: number[];
  /** Median round. */
  opsPerSec: number;
  /** Median round: client CPU (all threads, user + system) per closure finished. */
  cpuMicrosPerOp: number;
  meanLatencyMs: number;
  requestsPerOpMeasured: number;
  failures: number;
  failureLabels: Record<string, number>;
  clientCpuPercent: number;
  serverCpuPercent: number;
}

export interface CaseResult {
  case: string;
  requests: string;
  concurrency: number;
  opsPerSec: Partial<Record<ClientKind, number>>;
  cpuMicrosPerOp: Partial<Record<ClientKind, number>>;
  /** Median of the per-round ratios to raw fetch + timeout (rounds that ran close together). */
  adapterRatio: number;
  kyRatio: number;
  /** Context, no target: the adapter against raw fetch without a timeout (null when not measured). */
  adapterRatioWithoutTimeout: number | null;
  /** adapter >= 90% of raw fetch + timeout, and >= ky. */
  targetMet: boolean;
}

/** Median of the per-round ratios subject / baseline. */
const roundRatio = (subject: SubjectResult, baseline: SubjectResult): number =>
  median(
    subject.opsPerSecRounds.map((value, index) => value / (baseline.opsPerSecRounds[index] ?? Number.NaN)),
  );

const percent = (ratio: number): string => `${(ratio * 100).toFixed(1)}%`;

export function caseResults(results: SubjectResult[]): CaseResult[] {
  const out: CaseResult[] = [];
  for (const entry of new Set(results.map((result) => result.case))) {
    const requests = results.find((result) => result.case === entry)?.requests ?? '';
    for (const concurrency of new Set(results.map((result) => result.concurrency))) {
      const measured = results.filter((r) => r.case === entry && r.concurrency === concurrency);
      const find = (kind: ClientKind) => measured.find((r) => r.kind === kind);
      const of = (kind: ClientKind) => {
        const found = find(kind);
        if (!found) throw new Error(`no result for ${entry} ${kind} at concurrency ${concurrency}`);
        return found;
      };
      const byKind = (pick: (result: SubjectResult) => number) =>
        Object.fromEntries(measured.map((r) => [r.kind, pick(r)])) as Partial<Record<ClientKind, number>>;
      // Rounded as printed, so that the verdict always agrees with the figures shown beside it.
      const adapterRatio = round(roundRatio(of('adapter'), of(BASELINE)), 3);
      const kyRatio = round(roundRatio(of('ky'), of(BASELINE)), 3);
      const withoutTimeout = find('raw fetch');
      out.push({
        case: entry,
        requests,
        concurrency,
        opsPerSec: byKind((r) => r.opsPerSec),
        cpuMicrosPerOp: byKind((r) => r.cpuMicrosPerOp),
        adapterRatio,
        kyRatio,
        adapterRatioWithoutTimeout: withoutTimeout
          ? round(roundRatio(of('adapter'), withoutTimeout), 3)
          : null,
        targetMet: adapterRatio >= TARGET && adapterRatio >= kyRatio,
      });
    }
  }
  return out;
}

/** `overhead: solaris c1 97.2% c32 95.1% of raw fetch+timeout; ky c1 88.0% c32 86.4%; target met` */
export function summaryLines(results: CaseResult[]): string[] {
  const names = [...new Set(results.map((result) => result.case))];
  return names.map((name) => {
    const rows = results.filter((result) => result.case === name);
    const adapter = rows.map((row) => `c${row.concurrency} ${percent(row.adapterRatio)}`).join(' ');
    const peer = rows.map((row) => `c${row.concurrency} ${percent(row.kyRatio)}`).join(' ');
    const missed = rows.filter((row) => !row.targetMet).map((row) => `c${row.concurrency}`);
    const verdict = missed.length === 0 ? 'target met' : `target missed at ${missed.join(', ')}`;
    return `overhead: ${name} ${adapter} of raw fetch+timeout; ky ${peer}; ${verdict}`;
  });
}
