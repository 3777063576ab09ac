import { describe, expect, it } from 'vitest';
import { type ClientKind, caseResults, type SubjectResult, summaryLines } from './overhead-results';

/** A measured client whose rounds ran at the given throughputs. */
function measured(
  kind: ClientKind,
  concurrency: number,
  opsPerSecRounds: number[],
  entry = 'solaris',
): SubjectResult {
  return {
    name: `${entry} ${kind}`,
    case: entry,
    requests: 'POST',
    kind,
    concurrency,
    opsPerSecRounds,
    cpuMicrosPerOpRounds: opsPerSecRounds.map((ops) => 1e6 / ops),
    opsPerSec: opsPerSecRounds[0] ?? 0,
    cpuMicrosPerOp: 1e6 / (opsPerSecRounds[0] ?? 1),
    meanLatencyMs: 0,
    requestsPerOpMeasured: 1,
    failures: 0,
    failureLabels: {},
    clientCpuPercent: 100,
    serverCpuPercent: 20,
  };
}

describe('caseResults', () => {
  it('compares each client with raw fetch + timeout round by round, taking the median ratio', () => {
    const [result] = caseResults([
      // Per-round adapter / baseline: 0.95, 0.90, 1.00 -> median 0.95, although the medians of
      // the two clients' rounds (1,900 and 2,000) would give a different ratio.
      measured('adapter', 1, [1900, 1800, 2000]),
      measured('raw fetch + timeout', 1, [2000, 2000, 2000]),
      measured('ky', 1, [1600, 1700, 1500]),
    ]);
    expect(result).toEqual({
      case: 'solaris',
      requests: 'POST',
      concurrency: 1,
      opsPerSec: { adapter: 1900, 'raw fetch + timeout': 2000, ky: 1600 },
      cpuMicrosPerOp: { adapter: 1e6 / 1900, 'raw fetch + timeout': 500, ky: 625 },
      adapterRatio: 0.95,
      kyRatio: 0.8,
      adapterRatioWithoutTimeout: null,
      targetMet: true,
    });
  });

  it('misses the target under 90% of the baseline, even when ky is slower', () => {
    const [result] = caseResults([
      measured('adapter', 32, [1780]),
      measured('raw fetch + timeout', 32, [2000]),
      measured('ky', 32, [1000]),
    ]);
    expect(result?.adapterRatio).toBe(0.89);
    expect(result?.targetMet).toBe(false);
  });

  it('misses the target when ky keeps more of the baseline than the adapter', () => {
    const [result] = caseResults([
      measured('adapter', 1, [1900]),
      measured('raw fetch + timeout', 1, [2000]),
      measured('ky', 1, [1960]),
    ]);
    expect(result?.adapterRatio).toBe(0.95);
    expect(result?.kyRatio).toBe(0.98);
    expect(result?.targetMet).toBe(false);
  });

  it('judges the ratio as printed (0.1% steps), so the verdict agrees with the figure shown', () => {
    const [result] = caseResults([
      measured('adapter', 1, [1799.5]),
      measured('raw fetch + timeout', 1, [2000]),
      measured('ky', 1, [1000]),
    ]);
    expect(result?.adapterRatio).toBe(0.9);
    expect(result?.targetMet).toBe(true);
  });

  it('shows the adapter against raw fetch without a timeout as context when it was measured', () => {
    const [result] = caseResults([
      measured('adapter', 1, [1800]),
      measured('raw fetch + timeout', 1, [1900]),
      measured('ky', 1, [1500]),
      measured('raw fetch', 1, [2000]),
    ]);
    expect(result?.adapterRatioWithoutTimeout).toBe(0.9);
    expect(result?.opsPerSec['raw fetch']).toBe(2000);
  });

  it('fails loudly when a client of a case was not measured', () => {
    expect(() => caseResults([measured('adapter', 1, [1800]), measured('ky', 1, [1500])])).toThrow(
      'no result for solaris raw fetch + timeout at concurrency 1',
    );
  });
});

describe('summaryLines', () => {
  it('prints one overhead: line per case with both concurrencies and the verdict', () => {
    const results = caseResults([
      measured('adapter', 1, [1944]),
      measured('raw fetch + timeout', 1, [2000]),
      measured('ky', 1, [1760]),
      measured('adapter', 32, [1902]),
      measured('raw fetch + timeout', 32, [2000]),
      measured('ky', 32, [1700]),
      measured('adapter', 1, [800], 'udara360'),
      measured('raw fetch + timeout', 1, [1000], 'udara360'),
      measured('ky', 1, [700], 'udara360'),
      measured('adapter', 32, [950], 'udara360'),
      measured('raw fetch + timeout', 32, [1000], 'udara360'),
      measured('ky', 32, [700], 'udara360'),
    ]);
    expect(summaryLines(results)).toEqual([
      'overhead: solaris c1 97.2% c32 95.1% of raw fetch+timeout; ky c1 88.0% c32 85.0%; target met',
      'overhead: udara360 c1 80.0% c32 95.0% of raw fetch+timeout; ky c1 70.0% c32 70.0%; target missed at c1',
    ]);
  });
});
