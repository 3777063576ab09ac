import type { BulkStatus } from '@closekit/bulk';
import { describe, expect, it } from 'vitest';
import { reportCsv } from './bulk-output';
import { createProgressReporter } from './bulk-progress';

const status = (closed: number, queued: number): BulkStatus => ({
  run: 'default',
  total: closed + queued,
  counts: {
    solaris: {
      QUEUED: queued,
      SUBMITTING: 0,
      SUBMITTED: 0,
      CLOSED: closed,
      FAILED: 0,
      CANCELLED: 0,
      NEEDS_ACTION: 0,
      UNKNOWN: 0,
    },
  },
  pauses: [],
});

describe('bulk report CSV', () => {
  it('quotes cells with commas, quotes or line breaks and leaves nulls empty', () => {
    expect(
      reportCsv([
        {
          provider: 'solaris',
          accountId: 'a,"1"',
          state: 'NEEDS_ACTION',
          code: 'NON_ZERO_BALANCE',
          closureId: null,
          attempts: 1,
          updatedAt: '2026-12-02T10:00:00.000Z',
        },
      ]),
    ).toBe(
      'provider,accountId,state,code,closureId,attempts,updatedAt\nsolaris,"a,""1""",NEEDS_ACTION,NON_ZERO_BALANCE,,1,2026-12-02T10:00:00.000Z',
    );
  });
});

describe('bulk progress', () => {
  it('redraws a bar with per-provider counts on a terminal', () => {
    const written: string[] = [];
    let now = 0;
    const progress = createProgressReporter({ isTTY: true, write: (text) => written.push(text) }, 'final', {
      now: () => now,
    });
    progress.update(status(0, 10));
    now = 2_000;
    progress.update(status(5, 5));
    expect(written[0]).toContain('[------------------------------] 0/10 at goal "final" (0%)');
    expect(written[1]).toMatch(/^\x1b\[2F/);
    expect(written[1]).toContain(
      '[###############---------------] 5/10 at goal "final" (50%), 2.5 accounts/s',
    );
    expect(written[1]).toContain('solaris: QUEUED 5, CLOSED 5');
  });

  it('prints a plain line at most every few seconds elsewhere', () => {
    const written: string[] = [];
    let now = 0;
    const progress = createProgressReporter({ isTTY: false, write: (text) => written.push(text) }, 'final', {
      now: () => now,
      lineEveryMs: 5_000,
    });
    progress.update(status(0, 10));
    now = 1_000;
    progress.update(status(1, 9));
    now = 6_000;
    progress.update(status(6, 4));
    expect(written).toHaveLength(2);
    expect(written[1]).toMatch(
      /^progress: 6\/10 at goal "final" \(60%\), 1\.0 accounts\/s; solaris: QUEUED 4, CLOSED 6\n$/,
    );
  });
});
