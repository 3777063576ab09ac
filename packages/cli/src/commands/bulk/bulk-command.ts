import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  type BulkEngine,
  type BulkInputRow,
  type BulkProvider,
  type BulkRunSummary,
  DEFAULT_REQUESTS_PER_SECOND,
  openSqliteBulkEngine,
  parseBulkInput,
  type RunGoal,
} from '@closekit/bulk';
import { isProviderName, PROVIDERS } from '../../provider-config';
import type { CommandIo } from '../io';
import type { ExitCode } from '../output';
import { needsAttentionByCode, renderCounts, renderSummary, reportCsv } from './bulk-output';
import { createProgressReporter, type ProgressSink, stderrSink } from './bulk-progress';
import { bulkProviderFromEnv, openRedisBulkEngine, runBulkWorker } from './worker';

type Env = Record<string, string | undefined>;

export const BULK_USAGE = `Usage:
  closekit bulk run --input FILE --store PATH [--redis URL] [--rate PROVIDER=N ...]
                    [--concurrency N] [--until submitted|final] [--poll-interval MS] [--json]
  closekit bulk worker --redis URL [--concurrency N]
  closekit bulk status --store PATH | --redis URL [--json]
  closekit bulk report --store PATH | --redis URL [--format csv|json]

--input: CSV with a header, or JSON lines; fields provider, accountId, reason, optional idempotencyKey.
--rate solaris=20: at most 20 requests per second to that provider (default ${DEFAULT_REQUESTS_PER_SECOND}).
Exit codes: 0 goal reached, 1 accounts need action or failed, 2 usage or configuration error.
docs/bulk.md has the details.`;

/** Where `closekit bulk` reads and writes; tests replace each part. */
export interface BulkContext {
  io: CommandIo;
  env?: Env;
  progress?: ProgressSink;
  /** Stops a run between steps (SIGINT/SIGTERM in the binary). */
  signal?: AbortSignal;
}

class UsageError extends Error {}

const usage = (message: string): never => {
  throw new UsageError(message);
};

function positiveInteger(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) usage(`${flag} takes a whole number above 0, got "${raw}"`);
  return value;
}

function parseRates(raw: readonly string[]): Map<string, number> {
  const rates = new Map<string, number>();
  for (const entry of raw) {
    const match = /^([a-z0-9-]+)=(\d+(?:\.\d+)?)$/.exec(entry.trim());
    const provider = match?.[1];
    const rate = Number(match?.[2]);
    if (!match || !isProviderName(provider) || !(rate > 0)) {
      usage(
        `--rate takes PROVIDER=N with PROVIDER one of ${PROVIDERS.join(', ')} and N above 0, got "${entry}"`,
      );
    }
    rates.set(provider as string, rate);
  }
  return rates;
}

/** `closekit bulk ...`: resolves to the exit code (0 goal reached, 1 needs action/failed, 2 usage). */
export async function runBulk(argv: readonly string[], context: BulkContext): Promise<ExitCode> {
  const { io } = context;
  try {
    return await dispatch(argv, context);
  } catch (error) {
    if (error instanceof UsageError) {
      io.error(`closekit bulk: ${error.message}\n\n${BULK_USAGE}`);
      return 2;
    }
    throw error;
  }
}

async function dispatch(argv: readonly string[], context: BulkContext): Promise<ExitCode> {
  let parsed: ReturnType<typeof parseBulkArgs>;
  try {
    parsed = parseBulkArgs(argv);
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || command === undefined) {
    context.io.out(BULK_USAGE);
    return values.help ? 0 : 2;
  }
  if (positionals.length > 1) usage(`unexpected argument "${positionals[1]}"`);
  const env = context.env ?? process.env;
  const concurrency = positiveInteger('--concurrency', values.concurrency);
  if (command === 'worker') {
    return runBulkWorker({ redis: values.redis, concurrency }, context.io, env, context.signal);
  }
  if (command !== 'run' && command !== 'status' && command !== 'report') {
    return usage(`unknown bulk command "${command}" (run, worker, status, report)`);
  }
  if ((values.store === undefined) === (values.redis === undefined)) {
    usage(`closekit bulk ${command} needs exactly one of --store PATH or --redis URL`);
  }
  if (command === 'run') return runCommand(values, concurrency, context, env);
  if (values.store !== undefined && !existsSync(values.store)) {
    usage(`--store ${values.store}: no such file (closekit bulk run creates it)`);
  }
  const engine = await openEngine(values, [], concurrency);
  const storeFlag = values.store !== undefined ? `--store ${values.store}` : '--redis';
  try {
    return command === 'status'
      ? await statusCommand(engine, storeFlag, values.json === true, context.io)
      : await reportCommand(engine, storeFlag, values.format, context.io);
  } finally {
    await engine.close();
  }
}

function parseBulkArgs(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      input: { type: 'string' },
      store: { type: 'string' },
      redis: { type: 'string' },
      rate: { type: 'string', multiple: true },
      concurrency: { type: 'string' },
      until: { type: 'string' },
      'poll-interval': { type: 'string' },
      format: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

type BulkValues = ReturnType<typeof parseBulkArgs>['values'];

async function openEngine(
  values: BulkValues,
  providers: readonly BulkProvider[],
  concurrency: number | undefined,
  pollIntervalMs?: number,
): Promise<BulkEngine> {
  const policy = pollIntervalMs === undefined ? {} : { policy: { pollIntervalMs } };
  if (values.redis !== undefined) {
    const opened = openRedisBulkEngine({ redis: values.redis, providers, concurrency, ...policy });
    if ('error' in opened) return usage(opened.error);
    return opened.engine;
  }
  const store = values.store as string;
  const opened = await openSqliteBulkEngine({
    path: store,
    providers,
    ...(concurrency ? { concurrency } : {}),
    ...policy,
  });
  if (opened.isErr()) return usage(`--store ${store}: ${opened.error.message}`);
  return opened.value;
}

// A store that cannot be read (Redis unreachable, not a closekit store) is a configuration error,
// as it is for `run`: exit 2, naming the flag.
async function statusCommand(
  engine: BulkEngine,
  storeFlag: string,
  json: boolean,
  io: CommandIo,
): Promise<ExitCode> {
  const status = await engine.status();
  if (status.isErr()) return usage(`${storeFlag}: ${status.error.message}`);
  io.out(json ? JSON.stringify(status.value, null, 2) : renderCounts(status.value));
  return 0;
}

async function reportCommand(
  engine: BulkEngine,
  storeFlag: string,
  format: string | undefined,
  io: CommandIo,
): Promise<ExitCode> {
  if (format !== undefined && format !== 'csv' && format !== 'json')
    usage(`--format takes csv or json, got "${format}"`);
  const report = await engine.report();
  if (report.isErr()) return usage(`${storeFlag}: ${report.error.message}`);
  io.out(format === 'json' ? JSON.stringify(report.value, null, 2) : reportCsv(report.value));
  return 0;
}

async function runCommand(
  values: BulkValues,
  concurrency: number | undefined,
  context: BulkContext,
  env: Env,
): Promise<ExitCode> {
  const { io } = context;
  const goal = (values.until ?? 'final') as RunGoal;
  if (goal !== 'final' && goal !== 'submitted')
    usage(`--until takes submitted or final, got "${values.until}"`);
  const pollIntervalMs = positiveInteger('--poll-interval', values['poll-interval']);
  const rates = parseRates(values.rate ?? []);
  if (values.input === undefined && values.store !== undefined && !existsSync(values.store)) {
    usage('--input FILE is required to start a run (a run on an existing store resumes without it)');
  }

  let rows: BulkInputRow[] = [];
  if (values.input !== undefined) {
    let text: string;
    try {
      text = readFileSync(values.input, 'utf8');
    } catch (error) {
      return usage(
        `--input ${values.input}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
    const parsed = parseBulkInput(text, { providers: PROVIDERS });
    if (parsed.isErr()) {
      const lines = parsed.error.issues
        .slice(0, 20)
        .map(
          (issue) =>
            `${values.input}:${issue.line}: ${issue.field ? `${issue.field}: ` : ''}${issue.message}`,
        );
      const more = parsed.error.issues.length > 20 ? [`... and ${parsed.error.issues.length - 20} more`] : [];
      io.error(
        `closekit bulk run: --input ${values.input} has ${parsed.error.issues.length} bad row(s); nothing was imported\n${[...lines, ...more].join('\n')}`,
      );
      return 2;
    }
    rows = parsed.value;
  }

  // Providers of the input, plus those the store already holds (a resumed run).
  const names = new Set<string>(rows.map((row) => row.provider));
  const reader = await openEngine(values, [], undefined);
  const existing = await reader.status();
  await reader.close();
  if (existing.isErr())
    return usage(`${values.store ? `--store ${values.store}` : '--redis'}: ${existing.error.message}`);
  for (const name of Object.keys(existing.value.counts)) names.add(name);
  if (names.size === 0) usage('the run has no accounts: give --input FILE');
  const providers: BulkProvider[] = [];
  for (const name of names) {
    if (!isProviderName(name)) return usage(`the run has accounts at "${name}", which the CLI cannot reach`);
    try {
      providers.push(bulkProviderFromEnv(name, env, rates.get(name) ?? DEFAULT_REQUESTS_PER_SECOND));
    } catch (error) {
      return usage(
        `invalid configuration for ${name} (environment variables, docs/cli.md): ${(error as Error).message}`,
      );
    }
  }

  const engine = await openEngine(values, providers, concurrency, pollIntervalMs);
  try {
    const imported = await engine.importRows(rows);
    if (imported.isErr()) {
      io.error(`closekit bulk run: ${imported.error.message}`);
      return imported.error.code === 'INVALID_INPUT' ? 2 : 1;
    }
    if (!values.json) {
      io.out(
        `imported ${imported.value.added} new account(s), ${imported.value.existing} already in the run`,
      );
    }
    const progress = createProgressReporter(context.progress ?? stderrSink, goal);
    // In the binary, Ctrl-C or SIGTERM stops between steps; the next run resumes.
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    if (context.signal) context.signal.addEventListener('abort', onSignal, { once: true });
    else {
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    }
    const result = await engine.runUntil({
      until: goal,
      signal: stop.signal,
      progressIntervalMs: (context.progress ?? stderrSink).isTTY ? 250 : 1_000,
      onProgress: (status) => progress.update(status),
    });
    progress.finish();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (result.isErr()) {
      const code = result.error.code;
      io.error(
        code === 'ABORTED'
          ? 'closekit bulk run: stopped; everything recorded is kept, run the same command again to resume'
          : `closekit bulk run: ${code}: ${result.error.message}`,
      );
      return code === 'RUN_BUSY' || code === 'CONFIGURATION' ? 2 : 1;
    }
    const report = await engine.report();
    const rowsOut = report.isOk() ? report.value : [];
    const summary: BulkRunSummary = result.value;
    if (values.json) {
      io.out(
        JSON.stringify(
          { ...summary, imported: imported.value, needsAttentionByCode: needsAttentionByCode(rowsOut) },
          null,
          2,
        ),
      );
    } else {
      io.out(renderSummary(summary, rowsOut));
    }
    return summary.reached && summary.needsAttention === 0 ? 0 : 1;
  } finally {
    await engine.close();
  }
}
