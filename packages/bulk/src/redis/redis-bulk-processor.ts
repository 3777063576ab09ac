import type { ClosureAdapter } from '@closekit/core';
import { DelayedError, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { BulkError, storeFailed } from '../bulk-error';
import { advanceAccount, type BulkPolicy, type ProviderPause } from '../bulk-step';
import { type BulkAccount, FINAL_RUN_STATES, type RunGoal, type RunState } from '../run-model';
import type { RedisAccountStore } from './redis-account-store';
import { bullKey, type RunKeys } from './redis-keys';
import { pauseProviderRequests, runJobWithPrepaidRequest } from './redis-rate-gate';

/** What a job carries: only the account's identity; the record in Redis is the truth. */
export interface AccountJobData {
  provider: string;
  accountId: string;
}

/** How long a `--until submitted` run parks a SUBMITTED account's job (until a final run unparks it). */
const PARK_MS = 365 * 24 * 60 * 60_000;
/** A job whose account was changed by someone else meanwhile comes back this soon, to read it again. */
const CONFLICT_RETRY_MS = 50;
/** A job this close to its account's next check runs now. */
const DUE_SLACK_MS = 25;
/** While its provider is paused until a person acts, a job in hand waits this long before it looks again. */
const PAUSED_RETRY_MS = 5_000;

export interface ProcessorContext {
  run: string;
  keys: RunKeys;
  redis: Redis;
  store: RedisAccountStore;
  policy: BulkPolicy;
  now: () => Date;
  /** 'submitted': a SUBMITTED account is parked instead of polled. 'final': everything is worked. */
  goal: RunGoal;
  adapter: ClosureAdapter;
  queue: Queue;
  signal: AbortSignal;
}

/**
 * One step of one account, as a BullMQ job. The job lives as long as its account is not final:
 * after each step it is moved to `delayed` until the account's next check (a poll, a backoff, a
 * 429 pause), so it keeps its id for the whole run; it completes only when the account is final,
 * and completed jobs are kept (removeOnComplete: false) so no import can add the account again.
 * All decisions are advanceAccount's (bulk-step.ts); this only loads, persists and schedules.
 */
export async function processAccountJob(
  job: Job<AccountJobData>,
  token: string | undefined,
  context: ProcessorContext,
): Promise<RunState | 'missing'> {
  const { provider, accountId } = job.data;
  const stored = await context.store.load(provider, accountId);
  if (!stored) return 'missing';
  const { account } = stored;
  if (FINAL_RUN_STATES.has(account.state)) return account.state;
  if (context.goal === 'submitted' && account.state === 'SUBMITTED') return park(job, token, context);

  // Early (a job promoted by hand, a clock a few ms apart): wait for the account's own schedule.
  const dueInMs = account.nextCheckAt ? Date.parse(account.nextCheckAt) - context.now().getTime() : 0;
  if (dueInMs > DUE_SLACK_MS) return delay(job, token, dueInMs);
  const pause = (await context.store.pauses()).find((candidate) => candidate.provider === provider);
  if (pause && pause.until === null) return delay(job, token, PAUSED_RETRY_MS);

  // The record as this job last wrote or read it; every write must find it unchanged.
  let version = stored.version;
  let storedState = account.state;
  let conflict = false;
  const stepped = await runJobWithPrepaidRequest(async () =>
    advanceAccount(account, {
      adapter: context.adapter,
      policy: context.policy,
      now: context.now,
      signal: context.signal,
      recordIntent: (intent, entries) =>
        ResultAsync.fromPromise(context.store.commit(version, storedState, intent, entries), (cause) =>
          storeFailed('record the intent', cause),
        ).andThen((result) => {
          if (result.kind !== 'written') {
            conflict = true;
            return errAsync(
              new BulkError({ code: 'STORE_FAILED', message: 'the account changed meanwhile' }),
            );
          }
          version = result.version;
          storedState = intent.state;
          return okAsync(undefined);
        }),
    }),
  );
  if (stepped.isErr()) {
    if (conflict) return delay(job, token, CONFLICT_RETRY_MS);
    throw stepped.error;
  }
  const outcome = stepped.value;
  const written = await context.store.commit(version, storedState, outcome.account, outcome.audit);
  if (written.kind !== 'written') return delay(job, token, CONFLICT_RETRY_MS);
  if (outcome.pause) await applyPause(outcome.pause, context);
  return afterStep(job, token, outcome.account, context);
}

function afterStep(
  job: Job<AccountJobData>,
  token: string | undefined,
  account: BulkAccount,
  context: ProcessorContext,
): Promise<RunState> {
  if (FINAL_RUN_STATES.has(account.state)) return Promise.resolve(account.state);
  if (context.goal === 'submitted' && account.state === 'SUBMITTED') return park(job, token, context);
  const dueInMs = account.nextCheckAt ? Date.parse(account.nextCheckAt) - context.now().getTime() : 0;
  return delay(job, token, Math.max(0, dueInMs));
}

async function delay(job: Job<AccountJobData>, token: string | undefined, ms: number): Promise<never> {
  await job.moveToDelayed(Date.now() + Math.ceil(ms), token);
  throw new DelayedError();
}

/**
 * `--until submitted` does not poll: a SUBMITTED account's job waits far in the future and is
 * listed in the run's `parked` set, which the next `--until final` run or `worker` brings back
 * (unparkJobs). Parking costs nothing while parked, unlike a short delay taken again and again.
 */
async function park(
  job: Job<AccountJobData>,
  token: string | undefined,
  context: ProcessorContext,
): Promise<never> {
  if (job.id) await context.redis.sadd(context.keys.parked, job.id);
  return delay(job, token, PARK_MS);
}

/** Brings parked jobs back on their accounts' own schedule. */
export async function unparkJobs(
  context: Pick<ProcessorContext, 'redis' | 'keys' | 'store' | 'now'>,
  queues: ReadonlyMap<string, Queue<AccountJobData>>,
): Promise<number> {
  let unparked = 0;
  for (;;) {
    const jobIds = await context.redis.spop(context.keys.parked, 500);
    if (jobIds.length === 0) return unparked;
    for (const jobId of jobIds) {
      const provider = jobId.split('/')[1] ?? '';
      const job = await queues.get(provider)?.getJob(jobId);
      if (!job || !(await job.isDelayed())) continue;
      const stored = await context.store.load(job.data.provider, job.data.accountId);
      const next = stored?.account.nextCheckAt ? Date.parse(stored.account.nextCheckAt) : 0;
      await job.changeDelay(Math.max(0, next - context.now().getTime())).catch(() => undefined);
      unparked += 1;
    }
  }
}

/**
 * A pause the step decided: authentication or permission failures pause the provider's queue
 * for every worker until a person restarts the run; a 429 fills its rate limiter for the
 * (capped) Retry-After. Both are recorded so `status` says so.
 */
async function applyPause(pause: ProviderPause, context: ProcessorContext): Promise<void> {
  await context.store.setPause(pause);
  if (pause.until === null) {
    await context.queue.pause();
    return;
  }
  const ms = Date.parse(pause.until) - context.now().getTime();
  await pauseProviderRequests(context.redis, bullKey(context.queue, 'limiter'), ms);
}
