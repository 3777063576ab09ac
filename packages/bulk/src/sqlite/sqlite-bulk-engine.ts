import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import type { ClosureEvent } from '@closekit/core';
import type BetterSqlite3 from 'better-sqlite3';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type {
  BulkEngine,
  BulkEngineSettings,
  BulkRunOptions,
  BulkRunSummary,
  BulkStatus,
} from '../bulk-engine';
import { BulkError, storeFailed } from '../bulk-error';
import type { BulkInputRow } from '../bulk-input';
import { advanceAccount, applyClosureEvent, type ProviderPause, type StepContext } from '../bulk-step';
import { type ResolvedEngineSettings, resolveEngineSettings } from '../engine-settings';
import {
  isGoalReached,
  newBulkAccount,
  RUN_STATES,
  type RunGoal,
  type RunState,
  toReportRow,
} from '../run-model';
import { createSqliteStore, prepareDatabase, type SqliteStore, type StoredAccount } from './sqlite-store';

export interface SqliteBulkEngineSettings extends BulkEngineSettings {
  /** The SQLite file of the run (created when missing). Keep it on a local disk, not a network share. */
  path: string;
  /**
   * 'full' (default): every transition is on disk (fsync) before the next step, so a recorded
   * intent survives a power cut. 'normal': survives a killed process, not a power cut or OS
   * crash; much cheaper per account on slow disks. See docs/bulk.md before choosing it.
   */
  durability?: 'full' | 'normal';
}

/** A run claimed by a process on another host is taken over once its heartbeat is this old. */
const WORKER_STALE_MS = 30_000;
const HEARTBEAT_MS = 5_000;
/** The loop looks again at least this often (webhooks fed by another process, pauses ending). */
const MAX_NAP_MS = 1_000;
/** While steps are in flight: how long the loop waits when no step finishes. */
const BUSY_NAP_MS = 250;
const WAKE_COALESCE_MS = 3;

/** States worth a step for a goal, in the order they are picked up: unfinished business first. */
function workableStates(goal: RunGoal): RunState[] {
  return goal === 'final'
    ? ['SUBMITTING', 'UNKNOWN', 'QUEUED', 'SUBMITTED']
    : ['SUBMITTING', 'UNKNOWN', 'QUEUED'];
}

/**
 * Opens the embedded engine on a SQLite file (better-sqlite3 v12, WAL, one transaction per
 * transition). One process works a run at a time (others get RUN_BUSY); `status`, `report`,
 * `audit` and `feedEvent` work from any process while it runs. Throws only for invalid settings.
 */
export function openSqliteBulkEngine(settings: SqliteBulkEngineSettings): ResultAsync<BulkEngine, BulkError> {
  const pathProblem = typeof settings?.path === 'string' && settings.path !== '' ? [] : ['path: required'];
  if (
    settings?.durability !== undefined &&
    settings.durability !== 'full' &&
    settings.durability !== 'normal'
  ) {
    pathProblem.push("durability: 'full' or 'normal'");
  }
  const resolved = resolveEngineSettings(settings, pathProblem);
  return ResultAsync.fromPromise(
    import('better-sqlite3'),
    (cause) =>
      new BulkError({
        code: 'CONFIGURATION',
        message:
          'the SQLite engine needs the optional dependency better-sqlite3 v12 (npm install better-sqlite3@12)',
        cause,
      }),
  ).andThen((module) => {
    try {
      const Database = (module as { default: typeof BetterSqlite3 }).default;
      const db = new Database(settings.path);
      try {
        prepareDatabase(db, settings.durability);
      } catch (cause) {
        db.close();
        throw cause;
      }
      return okAsync(createSqliteBulkEngine(db, resolved));
    } catch (cause) {
      return errAsync(storeFailed(`open ${settings.path}`, cause));
    }
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const aborted = (message: string) => new BulkError({ code: 'ABORTED', message });
/** A step's write found the account changed meanwhile (a webhook): its answer is dropped. */
const STALE = new BulkError({ code: 'STORE_FAILED', message: 'the account changed meanwhile' });

function createSqliteBulkEngine(db: BetterSqlite3.Database, settings: ResolvedEngineSettings): BulkEngine {
  const store: SqliteStore = createSqliteStore(db);
  const { run, providers, policy, concurrency, now } = settings;
  const me = { owner: randomUUID(), host: hostname(), pid: process.pid };
  let closed = false;
  const stopCurrentRun = new Set<() => void>();

  const attempt = <T>(operation: string, work: () => T): ResultAsync<T, BulkError> => {
    if (closed) return errAsync(aborted(`${operation}: the engine is closed`));
    try {
      return okAsync(work());
    } catch (cause) {
      return errAsync(BulkError.isInstance(cause) ? cause : storeFailed(operation, cause));
    }
  };

  const readStatus = (): BulkStatus => {
    const counts: BulkStatus['counts'] = {};
    let total = 0;
    for (const row of store.counts(run)) {
      counts[row.provider] ??= Object.fromEntries(RUN_STATES.map((state) => [state, 0])) as Record<
        RunState,
        number
      >;
      counts[row.provider]![row.state as RunState] = row.n;
      total += row.n;
    }
    const nowIso = now().toISOString();
    // A 429 pause that has ended is history, not status.
    const pauses = store.pauses(run).filter((pause) => pause.until === null || pause.until > nowIso);
    return { run, total, counts, pauses };
  };

  const importRows = (rows: readonly BulkInputRow[]) => {
    const unknown = rows.filter((row) => !providers.has(row.provider));
    if (unknown.length > 0) {
      const issues = unknown.map((row) => ({
        line: row.line,
        field: 'provider',
        message: `provider "${row.provider}" is not configured (configured: ${[...providers.keys()].join(', ')})`,
      }));
      return errAsync(
        new BulkError({
          code: 'INVALID_INPUT',
          message: `${issues.length} row(s) name a provider that is not configured; nothing was imported (first: line ${issues[0]?.line})`,
          issues,
        }),
      );
    }
    return attempt('import', () => {
      const at = now();
      const added = store.insertAccounts(rows.map((row) => newBulkAccount(run, row, at)));
      return { added, existing: rows.length - added };
    });
  };

  const feedEvent = (event: ClosureEvent) => {
    if (
      typeof event?.eventId !== 'string' ||
      typeof event.provider !== 'string' ||
      typeof event.accountId !== 'string'
    ) {
      return errAsync(
        new BulkError({ code: 'INVALID_INPUT', message: 'feedEvent needs a ClosureEvent from parseWebhook' }),
      );
    }
    return attempt('feed event', () =>
      store.inTransaction(() => {
        const at = now();
        if (!store.rememberEvent(run, event.provider, event.eventId, at.toISOString()))
          return 'duplicate' as const;
        const stored = store.account(run, event.provider, event.accountId);
        const outcome = stored ? applyClosureEvent(stored.account, event, at, policy) : null;
        if (!stored || !outcome) return 'ignored' as const;
        store.transition(outcome.account, stored.version, outcome.audit);
        return 'applied' as const;
      }),
    );
  };

  const runUntil = (options: BulkRunOptions = {}) =>
    ResultAsync.fromPromise(work(options), (cause) =>
      BulkError.isInstance(cause) ? cause : storeFailed('run', cause),
    );

  async function work(options: BulkRunOptions): Promise<BulkRunSummary> {
    const goal = options.until ?? 'final';
    const startedAt = Date.now();
    if (closed) throw aborted('the engine is closed');
    const holder = store.claimRun(run, me, now(), WORKER_STALE_MS, isAlive);
    if (holder) {
      throw new BulkError({
        code: 'RUN_BUSY',
        message: `run "${run}" is being worked by process ${holder.pid} on ${holder.host} (last seen ${holder.heartbeat_at}); wait for it to finish or stop it`,
      });
    }
    const unconfigured = readStatus();
    for (const [provider, counts] of Object.entries(unconfigured.counts)) {
      const open = RUN_STATES.filter((state) => !isGoalReached(state, goal)).some(
        (state) => counts[state] > 0,
      );
      if (!providers.has(provider) && open) {
        store.releaseRun(run, me.owner);
        throw new BulkError({
          code: 'CONFIGURATION',
          message: `the run has unfinished accounts at "${provider}", which is not configured`,
        });
      }
    }
    // A new run call retries what a person was asked to fix (credentials, permissions).
    store.clearPauses(run);

    const internal = new AbortController();
    // Every call in flight listens on this signal: more than Node's default warning threshold of 10.
    setMaxListeners(0, internal.signal);
    const onCallerAbort = () => internal.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const paused = new Map<string, number | null>();
    const inFlight = new Map<string, Set<string>>(
      [...providers.keys()].map((name) => [name, new Set<string>()]),
    );
    const running = new Set<Promise<void>>();
    let fatal: BulkError | null = null;
    let wake = () => {};
    const stop = () => {
      internal.abort(aborted('the engine was closed'));
      wake();
    };
    stopCurrentRun.add(stop);
    const heartbeat = setInterval(() => {
      try {
        store.claimRun(run, me, now(), WORKER_STALE_MS, isAlive);
      } catch {
        // The next transition reports a store that stopped working.
      }
    }, HEARTBEAT_MS);
    heartbeat.unref();
    const progress = options.onProgress
      ? setInterval(() => {
          try {
            options.onProgress?.(readStatus());
          } catch {
            // A progress callback that throws must not stop the run.
          }
        }, options.progressIntervalMs ?? 1_000)
      : undefined;
    progress?.unref();

    // Steps finishing close together are handled by one pass of the loop (a few ms later),
    // which keeps the store's queries per account low.
    const nap = (ms: number) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          wake = () => {};
          resolve();
        };
        let timer = setTimeout(done, ms);
        wake = () => {
          clearTimeout(timer);
          wake = () => {};
          timer = setTimeout(done, WAKE_COALESCE_MS);
        };
      });

    const applyPause = (pause: ProviderPause) => {
      const untilMs = pause.until === null ? null : Date.parse(pause.until);
      const current = paused.get(pause.provider);
      if (current === null) return;
      if (untilMs === null || current === undefined || untilMs > current) paused.set(pause.provider, untilMs);
      store.savePause(run, pause);
      if (untilMs !== null) providers.get(pause.provider)?.limiter.pauseFor(untilMs - Date.now());
    };

    const step = async ({ account, version }: StoredAccount) => {
      const provider = providers.get(account.provider);
      if (!provider) return;
      let current = version;
      const context: StepContext = {
        adapter: provider.adapter,
        policy,
        now,
        signal: internal.signal,
        recordIntent: (intent, entries) =>
          attempt('record intent', () => store.transition(intent, current, entries)).andThen((next) => {
            if (next === null) return errAsync(STALE);
            current = next;
            return okAsync(undefined);
          }),
      };
      const outcome = await advanceAccount(account, context);
      if (outcome.isErr()) {
        if (outcome.error !== STALE && !closed) fatal ??= outcome.error;
        return;
      }
      // After an abort or close the answer is not trusted to be complete: the account keeps its
      // recorded intent and the next run reads back, exactly as after a crash.
      if (internal.signal.aborted) return;
      const { account: next, audit, pause } = outcome.value;
      if (audit.length === 0) return;
      try {
        store.transition(next, current, audit);
      } catch (cause) {
        fatal ??= storeFailed('record outcome', cause);
        return;
      }
      if (pause) applyPause(pause);
    };

    const dispatch = (stored: StoredAccount) => {
      const slots = inFlight.get(stored.account.provider);
      slots?.add(stored.account.accountId);
      const promise: Promise<void> = step(stored)
        .catch((cause) => {
          fatal ??= storeFailed('step', cause);
        })
        .finally(() => {
          slots?.delete(stored.account.accountId);
          running.delete(promise);
          wake();
        });
      running.add(promise);
    };

    const activeProviders = (nowMs: number) =>
      [...providers.keys()].filter((name) => {
        const until = paused.get(name);
        if (until === undefined) return true;
        if (until !== null && until <= nowMs) {
          paused.delete(name);
          return true;
        }
        return false;
      });

    /** Accounts that still need work towards the goal at providers not paused until a person acts. */
    const remaining = () =>
      [...providers.keys()]
        .filter((name) => paused.get(name) !== null)
        .reduce(
          (sum, name) =>
            sum +
            RUN_STATES.filter((state) => !isGoalReached(state, goal)).reduce(
              (count, state) => count + store.count(run, name, state),
              0,
            ),
          0,
        );

    const millisUntilNextDue = (nowMs: number) => {
      let earliest = Number.POSITIVE_INFINITY;
      for (const name of providers.keys()) {
        const until = paused.get(name);
        if (until === null) continue;
        let providerEarliest = Number.POSITIVE_INFINITY;
        for (const state of workableStates(goal)) {
          const next = store.nextDue(run, name, state);
          if (next !== null) providerEarliest = Math.min(providerEarliest, Date.parse(next));
        }
        // A provider paused for a 429 is not due before its pause ends.
        if (until !== undefined) providerEarliest = Math.max(providerEarliest, until);
        earliest = Math.min(earliest, providerEarliest);
      }
      return earliest - nowMs;
    };

    try {
      while (true) {
        if (closed) throw aborted('the engine was closed during the run');
        if (options.signal?.aborted) throw aborted('the run was aborted; run again to resume');
        if (fatal) throw fatal;
        const current = now();
        const nowIso = current.toISOString();
        let dispatched = 0;
        for (const name of activeProviders(current.getTime())) {
          const slots = inFlight.get(name) ?? new Set<string>();
          let capacity = concurrency - slots.size;
          for (const state of workableStates(goal)) {
            if (capacity <= 0) break;
            for (const stored of store.due(run, name, state, nowIso, capacity + slots.size)) {
              if (capacity <= 0) break;
              if (slots.has(stored.account.accountId)) continue;
              dispatch(stored);
              dispatched += 1;
              capacity -= 1;
            }
          }
        }
        if (running.size === 0 && dispatched === 0) {
          if (remaining() === 0) break;
          await nap(Math.min(Math.max(millisUntilNextDue(current.getTime()), 1), MAX_NAP_MS));
        } else if (dispatched === 0) {
          // Finishing steps wake the loop; a poll falling due meanwhile waits at most this long.
          await nap(BUSY_NAP_MS);
        }
      }
    } finally {
      stopCurrentRun.delete(stop);
      clearInterval(heartbeat);
      clearInterval(progress);
      options.signal?.removeEventListener('abort', onCallerAbort);
      if (!closed) {
        internal.abort(aborted('the run ended'));
        await Promise.allSettled(running);
        try {
          store.releaseRun(run, me.owner);
        } catch {
          // Released by staleness if the store is gone.
        }
      }
    }
    const status = readStatus();
    options.onProgress?.(status);
    const totals = Object.values(status.counts);
    const sum = (states: RunState[]) =>
      totals.reduce((total, counts) => total + states.reduce((n, state) => n + counts[state], 0), 0);
    return {
      ...status,
      goal,
      reached: sum(RUN_STATES.filter((state) => !isGoalReached(state, goal))) === 0,
      needsAttention: sum(['NEEDS_ACTION', 'FAILED', 'CANCELLED']),
      elapsedMs: Date.now() - startedAt,
    };
  }

  return {
    run,
    importRows,
    runUntil,
    status: () => attempt('status', readStatus),
    report: () => attempt('report', () => store.report(run).map(toReportRow)),
    audit: (ref) => attempt('audit', () => store.audit(run, ref.provider, ref.accountId)),
    feedEvent,
    close: () => {
      if (closed) return okAsync(undefined);
      for (const stop of stopCurrentRun) stop();
      try {
        store.releaseRun(run, me.owner);
      } catch {
        // The store may already be unusable; closing is still the right thing.
      }
      closed = true;
      try {
        db.close();
        return okAsync(undefined);
      } catch (cause) {
        return errAsync(storeFailed('close', cause));
      }
    },
  };
}
