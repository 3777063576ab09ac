import type { ClosureAdapter, ClosureEvent } from '@closekit/core';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import {
  type BulkEngine,
  type BulkEngineSettings,
  type BulkEventOutcome,
  type BulkImportSummary,
  type BulkProvider,
  type BulkRunOptions,
  type BulkRunSummary,
  type BulkStatus,
  DEFAULT_CONCURRENCY,
  DEFAULT_REQUESTS_PER_SECOND,
  DEFAULT_RUN,
} from '../bulk-engine';
import { BulkError, storeFailed } from '../bulk-error';
import type { BulkInputRow } from '../bulk-input';
import { applyClosureEvent, type BulkPolicy, DEFAULT_BULK_POLICY } from '../bulk-step';
import {
  type AuditEntry,
  type BulkReportRow,
  isGoalReached,
  newBulkAccount,
  type RunGoal,
  type RunState,
  toReportRow,
} from '../run-model';
import { createRedisAccountStore, emptyCounts } from './redis-account-store';
import { type AccountJobData, processAccountJob, unparkJobs } from './redis-bulk-processor';
import { accountJobId, bullKey, DEFAULT_REDIS_PREFIX, NAME_PATTERN, runKeys } from './redis-keys';
import { createGatedFetch, limiterWindow } from './redis-rate-gate';

export interface RedisBulkEngineSettings extends BulkEngineSettings {
  /** The Redis server: `redis://[[user]:password@]host[:port][/db]` or `rediss://` for TLS. */
  redis: string;
  /** Start of every key of the run (a run lives under `<prefix>:{<run>}:`); default 'closekit-bulk'. */
  prefix?: string;
  /**
   * BullMQ's job lock: a worker that stops renewing it (it crashed, lost Redis) loses its jobs to
   * the other workers after about this long plus `stalledIntervalMs`. Default 30000.
   */
  lockDurationMs?: number;
  /** How often each worker looks for jobs whose lock expired. Default 30000. */
  stalledIntervalMs?: number;
  /** Times one job may be handed out again after a lost lock before it fails (a later run retries it). Default 10. */
  maxStalledCount?: number;
}

/** The BullMQ/Redis engine: the shared BulkEngine, plus `work` for extra workers on other machines. */
export interface RedisBulkEngine extends BulkEngine {
  /**
   * Works the run's queues for this engine's providers, polls included, until `signal` aborts
   * (`closekit bulk worker`). Resolves with the run's status when it stopped.
   */
  work(options: {
    signal: AbortSignal;
    onProgress?: (status: BulkStatus) => void;
    progressIntervalMs?: number;
  }): ResultAsync<BulkStatus, BulkError>;
}

const IMPORT_BATCH = 500;
const WAIT_STEP_MS = 50;
/** Job options: never removed while the run lasts (a removed id could be added and run again). */
const JOB_OPTIONS = {
  removeOnComplete: false,
  removeOnFail: false,
  // Only a store failure makes a job throw (decisions are values); retry those a few times.
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
} as const;

function settingsProblems(settings: RedisBulkEngineSettings): string[] {
  const problems: string[] = [];
  const run = settings.run ?? DEFAULT_RUN;
  if (!NAME_PATTERN.test(run)) problems.push(`run: "${run}" must match ${NAME_PATTERN}`);
  const prefix = settings.prefix ?? DEFAULT_REDIS_PREFIX;
  if (prefix === '' || /[{}\s]/.test(prefix))
    problems.push('prefix: must be non-empty, without braces or spaces');
  try {
    const url = new URL(settings.redis);
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      problems.push(`redis: "${url.protocol}" is not redis: or rediss:`);
    }
  } catch {
    problems.push('redis: not a URL (expected redis://host:port)');
  }
  const names = settings.providers.map((provider) => provider.name);
  for (const provider of settings.providers) {
    if (!NAME_PATTERN.test(provider.name))
      problems.push(`providers: "${provider.name}" must match ${NAME_PATTERN}`);
    const rate = provider.requestsPerSecond;
    if (rate !== undefined && !(Number.isFinite(rate) && rate > 0)) {
      problems.push(`providers.${provider.name}.requestsPerSecond: must be a positive number`);
    }
  }
  if (new Set(names).size !== names.length) problems.push('providers: a name is given twice');
  const positiveIntegers = {
    concurrency: settings.concurrency,
    lockDurationMs: settings.lockDurationMs,
    stalledIntervalMs: settings.stalledIntervalMs,
    maxStalledCount: settings.maxStalledCount,
  };
  for (const [name, value] of Object.entries(positiveIntegers)) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      problems.push(`${name}: must be a positive integer`);
    }
  }
  return problems;
}

/** What the engine's wait loop found. */
type Progress = { kind: 'reached' | 'only-paused-left' | 'working' } | { kind: 'stuck'; message: string };

/**
 * Opens a run on Redis with BullMQ: one queue per provider, workers in this process while `runUntil`
 * or `work` runs, any number of other processes (`closekit bulk worker`) on the same run.
 * With no providers it can only read (status, report, audit) and take webhook events.
 * Throws for settings that cannot work (one error listing every problem); everything else is a
 * ResultAsync. Redis must run with `maxmemory-policy noeviction` and AOF (docs/bulk.md).
 */
export function createRedisBulkEngine(settings: RedisBulkEngineSettings): RedisBulkEngine {
  const problems = settingsProblems(settings);
  if (problems.length > 0) throw new Error(`Invalid Redis bulk engine settings:\n- ${problems.join('\n- ')}`);

  const run = settings.run ?? DEFAULT_RUN;
  const keys = runKeys(settings.prefix ?? DEFAULT_REDIS_PREFIX, run);
  const policy: BulkPolicy = { ...DEFAULT_BULK_POLICY, ...settings.policy };
  const now = settings.now ?? (() => new Date());
  const concurrency = settings.concurrency ?? DEFAULT_CONCURRENCY;
  let lastRedisError: Error | null = null;
  const redis = new Redis(settings.redis, { maxRetriesPerRequest: 2, connectTimeout: 5_000 });
  redis.on('error', (error: Error) => {
    lastRedisError = error;
  });
  const store = createRedisAccountStore(redis, keys);
  const providers = new Map<string, BulkProvider>(
    settings.providers.map((provider) => [provider.name, provider]),
  );
  const queues = new Map<string, Queue<AccountJobData>>(
    settings.providers.map((provider) => [
      provider.name,
      new Queue<AccountJobData>(provider.name, { connection: redis, prefix: keys.base }),
    ]),
  );
  for (const queue of queues.values()) queue.on('error', () => undefined);
  const adapters = new Map<string, ClosureAdapter>();
  const adapterFor = (name: string): ClosureAdapter => {
    let adapter = adapters.get(name);
    const provider = providers.get(name);
    const queue = queues.get(name);
    if (!adapter && provider && queue) {
      const gated = createGatedFetch({
        redis,
        limiterKey: bullKey(queue, 'limiter'),
        metaKey: bullKey(queue, 'meta'),
        fetch: provider.fetch ?? globalThis.fetch,
        pauseMs: policy.rateLimitPauseMs,
        maxPauseMs: policy.maxRateLimitPauseMs,
      });
      adapter = provider.createAdapter(gated);
      adapters.set(name, adapter);
    }
    if (!adapter) throw new Error(`no adapter for provider ${name}`);
    return adapter;
  };
  const steps = new AbortController();
  let closed = false;

  const attempt = <T>(operation: string, work: () => Promise<T>): ResultAsync<T, BulkError> => {
    if (closed)
      return errAsync(
        new BulkError({ code: 'CONFIGURATION', message: `${operation}: the engine is closed` }),
      );
    return ResultAsync.fromPromise(work(), (cause) => {
      if (BulkError.isInstance(cause)) return cause;
      return storeFailed(`${operation} (Redis ${redactRedisUrl(settings.redis)})`, lastRedisError ?? cause);
    });
  };

  const readStatus = async (): Promise<BulkStatus> => {
    const counts = await store.counts();
    for (const name of providers.keys()) counts[name] ??= emptyCounts();
    const total = Object.values(counts).reduce(
      (sum, states) => sum + Object.values(states).reduce((inner, count) => inner + count, 0),
      0,
    );
    const at = now().getTime();
    const pauses = (await store.pauses()).filter(
      (pause) => pause.until === null || Date.parse(pause.until) > at,
    );
    return { run, total, counts, pauses };
  };

  /**
   * The limit lives in Redis (queue meta), so every worker reads the same one. `run` sets it
   * whenever a rate is given; a worker only where none was ever set (it has no --rate).
   */
  const applyRates = async (explicit: boolean) => {
    for (const [name, queue] of queues) {
      const rate = providers.get(name)?.requestsPerSecond;
      const current = await redis.hget(bullKey(queue, 'meta'), 'max');
      if ((explicit && rate !== undefined) || current === null) {
        const window = limiterWindow(rate ?? DEFAULT_REQUESTS_PER_SECOND);
        await queue.setGlobalRateLimit(window.max, window.duration);
      }
    }
  };

  /** A person restarted the run: providers paused for credentials or permissions are tried again. */
  const resumeAuthPauses = async () => {
    for (const pause of await store.pauses()) {
      const queue = queues.get(pause.provider);
      if (pause.until === null && queue) {
        await store.clearPause(pause.provider);
        await queue.resume();
      }
    }
  };

  const startWorkers = (goal: RunGoal) => {
    const connection = new Redis(settings.redis, { maxRetriesPerRequest: null, connectTimeout: 5_000 });
    connection.on('error', (error: Error) => {
      lastRedisError = error;
    });
    const workers = [...queues].map(([name, queue]) => {
      const worker = new Worker<AccountJobData>(
        name,
        (job, token) =>
          processAccountJob(job, token, {
            run,
            keys,
            redis,
            store,
            policy,
            now,
            goal,
            adapter: adapterFor(name),
            queue,
            signal: steps.signal,
          }),
        {
          connection,
          prefix: keys.base,
          concurrency,
          lockDuration: settings.lockDurationMs ?? 30_000,
          stalledInterval: settings.stalledIntervalMs ?? 30_000,
          maxStalledCount: settings.maxStalledCount ?? 10,
        },
      );
      worker.on('error', (error: Error) => {
        lastRedisError = error;
      });
      return worker;
    });
    let stopped: Promise<void> | null = null;
    return {
      stop: (force: boolean) => {
        // A worker closed while its blocking connection is still being set up leaves BullMQ's set-up
        // commands to fail unhandled: let every worker finish starting first.
        stopped ??= Promise.allSettled(workers.map((worker) => worker.waitUntilReady()))
          .then(() => Promise.allSettled(workers.map((worker) => worker.close(force))))
          .then(() => quit(connection));
        return stopped;
      },
    };
  };
  const running = new Set<ReturnType<typeof startWorkers>>();

  const progressOf = async (status: BulkStatus, goal: RunGoal): Promise<Progress> => {
    const blocked = new Set(
      status.pauses.filter((pause) => pause.until === null).map((pause) => pause.provider),
    );
    let pausedLeft = false;
    let working = false;
    for (const [provider, counts] of Object.entries(status.counts)) {
      const open = Object.entries(counts).some(
        ([state, count]) => count > 0 && !isGoalReached(state as RunState, goal),
      );
      if (!open) continue;
      const queue = queues.get(provider);
      // Paused until a person acts, or not configured here (this process cannot work it): the run
      // stops waiting for it, and its summary says the goal was not reached.
      if (blocked.has(provider) || !queue) {
        pausedLeft = true;
        continue;
      }
      working = true;
      const jobs = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused');
      if (Object.values(jobs).every((count) => count === 0)) {
        const failed = await queue.getFailed(0, 0);
        return {
          kind: 'stuck',
          message: `${provider}: accounts are not done but no job is queued for them${
            failed[0] ? ` (a job failed: ${failed[0].failedReason})` : ''
          }; run again to retry them`,
        };
      }
    }
    if (working) return { kind: 'working' };
    return { kind: pausedLeft ? 'only-paused-left' : 'reached' };
  };

  const watch = async (
    goal: RunGoal | null,
    options: { signal?: AbortSignal; onProgress?: (status: BulkStatus) => void; progressIntervalMs?: number },
  ): Promise<BulkStatus> => {
    const interval = options.progressIntervalMs ?? 1_000;
    let lastProgressAt = 0;
    let stuckSince: string | null = null;
    for (;;) {
      if (closed) throw new BulkError({ code: 'ABORTED', message: 'the engine was closed during the run' });
      const status = await readStatus();
      if (options.onProgress && Date.now() - lastProgressAt >= interval) {
        lastProgressAt = Date.now();
        options.onProgress(status);
      }
      if (options.signal?.aborted) return status;
      if (goal) {
        const progress = await progressOf(status, goal);
        if (progress.kind === 'reached' || progress.kind === 'only-paused-left') return status;
        // Jobs move between states in steps of their own: only a second look in a row counts.
        if (progress.kind === 'stuck') {
          if (stuckSince === progress.message)
            throw new BulkError({ code: 'STORE_FAILED', message: progress.message });
          stuckSince = progress.message;
        } else {
          stuckSince = null;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
    }
  };

  const prepare = async (goal: RunGoal, explicitRates: boolean) => {
    if (queues.size === 0) {
      throw new BulkError({ code: 'CONFIGURATION', message: 'no providers are configured to work the run' });
    }
    await applyRates(explicitRates);
    for (const queue of queues.values()) await queue.retryJobs({ state: 'failed' });
    if (goal === 'final') await unparkJobs({ redis, keys, store, now }, queues);
  };

  const engine: RedisBulkEngine = {
    run,

    importRows(rows: readonly BulkInputRow[]): ResultAsync<BulkImportSummary, BulkError> {
      const unknown = rows.filter((row) => !providers.has(row.provider));
      if (unknown.length > 0) {
        return errAsync(
          new BulkError({
            code: 'INVALID_INPUT',
            message: `rows name providers this run is not configured for: ${[...new Set(unknown.map((row) => row.provider))].join(', ')}`,
            issues: unknown.map((row) => ({
              line: row.line,
              field: 'provider',
              message: `unknown provider ${row.provider}`,
            })),
          }),
        );
      }
      return attempt('import the rows', async () => {
        const summary: BulkImportSummary = { added: 0, existing: 0 };
        const at = now();
        for (let start = 0; start < rows.length; start += IMPORT_BATCH) {
          const batch = rows.slice(start, start + IMPORT_BATCH).map((row) => newBulkAccount(run, row, at));
          const results = await store.importAccounts(batch);
          // Jobs for every account not final: the first import adds them, a later one heals a
          // crash between the records and their jobs (an existing job id is left as it is).
          const jobs = new Map<string, { name: string; data: AccountJobData; opts: object }[]>();
          batch.forEach((account, index) => {
            const result = results[index];
            if (result === 'added') summary.added += 1;
            else summary.existing += 1;
            if (result === 'existing-final') return;
            const list = jobs.get(account.provider) ?? [];
            list.push({
              name: 'close',
              data: { provider: account.provider, accountId: account.accountId },
              opts: { ...JOB_OPTIONS, jobId: accountJobId(run, account.provider, account.accountId) },
            });
            jobs.set(account.provider, list);
          });
          for (const [provider, list] of jobs) await queues.get(provider)?.addBulk(list);
        }
        return summary;
      });
    },

    runUntil(options: BulkRunOptions = {}): ResultAsync<BulkRunSummary, BulkError> {
      const goal = options.until ?? 'final';
      const startedAt = Date.now();
      return attempt('run', async () => {
        await prepare(goal, true);
        await resumeAuthPauses();
        const workers = startWorkers(goal);
        running.add(workers);
        let status: BulkStatus;
        try {
          status = await watch(goal, options);
        } finally {
          running.delete(workers);
          await workers.stop(options.signal?.aborted === true || closed);
        }
        if (options.signal?.aborted) {
          throw new BulkError({ code: 'ABORTED', message: 'the run was stopped; run again to resume' });
        }
        status = await readStatus();
        options.onProgress?.(status);
        return summarise(status, goal, Date.now() - startedAt);
      });
    },

    work(options) {
      return attempt('work', async () => {
        await prepare('final', false);
        const workers = startWorkers('final');
        running.add(workers);
        try {
          return await watch(null, options);
        } finally {
          running.delete(workers);
          await workers.stop(false);
        }
      });
    },

    status: () => attempt('read the status', readStatus),

    report(): ResultAsync<BulkReportRow[], BulkError> {
      return attempt('read the report', async () => (await store.accounts()).map(toReportRow));
    },

    audit(ref): ResultAsync<AuditEntry[], BulkError> {
      return attempt('read the audit trail', () => store.audit(ref.provider, ref.accountId));
    },

    feedEvent(event: ClosureEvent): ResultAsync<BulkEventOutcome, BulkError> {
      if (
        typeof event?.provider !== 'string' ||
        typeof event.eventId !== 'string' ||
        typeof event.accountId !== 'string'
      ) {
        return errAsync(
          new BulkError({
            code: 'INVALID_INPUT',
            message: 'not a ClosureEvent (provider, eventId, accountId)',
          }),
        );
      }
      const member = `${event.provider}:${event.eventId}`;
      return attempt('feed the webhook event', async (): Promise<BulkEventOutcome> => {
        // Another writer (a worker's step) may change the account between read and write: read again.
        for (let reads = 1; ; reads += 1) {
          if (reads > 20) {
            throw new BulkError({
              code: 'STORE_FAILED',
              message: 'the account kept changing; feed the event again',
            });
          }
          if (await store.hasEvent(member)) return 'duplicate';
          const stored = await store.load(event.provider, event.accountId);
          if (!stored) return 'ignored';
          const outcome = applyClosureEvent(stored.account, event, now(), policy);
          if (!outcome) return 'ignored';
          const written = await store.commit(
            stored.version,
            stored.account.state,
            outcome.account,
            outcome.audit,
            member,
          );
          if (written.kind === 'written') return 'applied';
          if (written.kind === 'duplicate') return 'duplicate';
          if (written.kind === 'missing') return 'ignored';
        }
      });
    },

    close(): ResultAsync<void, BulkError> {
      if (closed) return okAsync(undefined);
      closed = true;
      steps.abort(new BulkError({ code: 'ABORTED', message: 'the engine was closed' }));
      return ResultAsync.fromPromise(
        (async () => {
          await Promise.allSettled([...running].map((workers) => workers.stop(true)));
          await Promise.allSettled([...queues.values()].map((queue) => queue.close()));
          await quit(redis);
        })(),
        (cause) => storeFailed('close', cause),
      );
    },
  };
  return engine;
}

function summarise(status: BulkStatus, goal: RunGoal, elapsedMs: number): BulkRunSummary {
  let reached = true;
  let needsAttention = 0;
  for (const counts of Object.values(status.counts)) {
    for (const [state, count] of Object.entries(counts)) {
      if (count === 0) continue;
      if (!isGoalReached(state as RunState, goal)) reached = false;
      if (state === 'NEEDS_ACTION' || state === 'FAILED' || state === 'CANCELLED') needsAttention += count;
    }
  }
  return { ...status, goal, reached, needsAttention, elapsedMs };
}

/** Closes a connection once the commands already sent are answered (BullMQ sends some on its own). */
async function quit(connection: Redis): Promise<void> {
  try {
    await connection.quit();
  } catch {
    connection.disconnect();
  }
}

/** The URL without its password, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis';
  }
}
