import { type BulkStatus, isGoalReached, RUN_STATES, type RunGoal } from '@closekit/bulk';
import { doneCount } from './bulk-output';

/** Where progress goes: stderr, so stdout keeps the summary (and `--json` stays one object). */
export interface ProgressSink {
  isTTY: boolean;
  write(text: string): void;
}

export const stderrSink: ProgressSink = {
  get isTTY() {
    return process.stderr.isTTY === true;
  },
  write: (text) => {
    process.stderr.write(text);
  },
};

/** On a terminal: prints every update; elsewhere: one line every `lineEveryMs`. */
export interface ProgressReporter {
  update(status: BulkStatus): void;
  finish(): void;
}

const BAR_WIDTH = 30;

/**
 * A live bar with per-provider counts and the rate on a terminal (redrawn in place), a plain line
 * every few seconds otherwise (logs, CI).
 */
export function createProgressReporter(
  sink: ProgressSink,
  goal: RunGoal,
  options: { lineEveryMs?: number; now?: () => number } = {},
): ProgressReporter {
  const now = options.now ?? Date.now;
  const started = now();
  let lastLine: number | null = null;
  let drawnLines = 0;
  let firstDone: number | null = null;

  const describe = (status: BulkStatus) => {
    const done = doneCount(status, (state) => isGoalReached(state, goal));
    firstDone ??= done;
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const rate = (done - firstDone) / seconds;
    const share = status.total === 0 ? 1 : done / status.total;
    const providers = Object.entries(status.counts).map(([provider, counts]) => {
      const parts = RUN_STATES.filter((state) => (counts[state] ?? 0) > 0).map(
        (state) => `${state} ${counts[state]}`,
      );
      return `${provider}: ${parts.join(', ')}`;
    });
    const paused = status.pauses.map((pause) => `${pause.provider} paused (${pause.code})`);
    return { done, share, rate, providers, paused };
  };

  return {
    update(status) {
      const { done, share, rate, providers, paused } = describe(status);
      const head = `${done}/${status.total} at goal "${goal}" (${(share * 100).toFixed(0)}%), ${rate.toFixed(1)} accounts/s`;
      if (sink.isTTY) {
        const filled = Math.round(share * BAR_WIDTH);
        const lines = [
          `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${head}`,
          ...providers.map((line) => `  ${line}`),
          ...paused.map((line) => `  ${line}`),
        ];
        const up = drawnLines > 0 ? `\x1b[${drawnLines}F` : '';
        sink.write(`${up}${lines.map((line) => `\x1b[2K${line}`).join('\n')}\n`);
        drawnLines = lines.length;
        return;
      }
      const at = now();
      if (lastLine !== null && at - lastLine < (options.lineEveryMs ?? 5_000)) return;
      lastLine = at;
      sink.write(`progress: ${head}; ${[...providers, ...paused].join('; ')}\n`);
    },
    finish() {
      drawnLines = 0;
    },
  };
}
