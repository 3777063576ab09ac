import type { ResultAsync } from 'neverthrow';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BulkEngine, BulkEngineSettings } from '../bulk-engine';
import type { BulkInputRow } from '../bulk-input';
import { deriveIdempotencyKey } from '../run-model';
import { ANY_PATH, CLOSE_PATH, createFakeBulkWorld, FAST_POLICY, type FakeBulkWorld } from './fake-world';

export interface BulkEngineSuiteOptions {
  /**
   * Opens an engine on the store named `store`. Opening the same store again after `close()`
   * must see everything recorded before, exactly as a restarted process would.
   */
  open(store: string, settings: BulkEngineSettings): Promise<BulkEngine>;
  /** A new, empty store name (a file path, a Redis key prefix). */
  newStore(): string | Promise<string>;
  /** Generous per-test timeout for engines with real I/O; default 30 s. */
  timeoutMs?: number;
}

const RUN = 'suite';

function rows(
  provider: 'alpha' | 'beta',
  accountIds: string[],
  reason: BulkInputRow['reason'] = 'CUSTOMER_REQUEST',
) {
  return accountIds.map((accountId, index) => ({
    line: index + 2,
    provider,
    accountId,
    reason,
    idempotencyKey: null,
  }));
}

function seed(world: FakeBulkWorld, provider: 'alpha' | 'beta', accountIds: string[], balance = 0) {
  for (const accountId of accountIds) world.backends[provider].seedAccount(accountId, { balance });
}

async function unwrap<T, E>(result: ResultAsync<T, E>): Promise<T> {
  const settled = await result;
  if (settled.isErr()) throw settled.error;
  return settled.value;
}

/**
 * The behaviour both bulk engines share (the bulk equivalent of the adapter contract kit).
 * Runs against two in-memory fake providers from @closekit/core/testing, with faults injected.
 */
export function defineBulkEngineSuite(name: string, options: BulkEngineSuiteOptions): void {
  const timeout = options.timeoutMs ?? 30_000;
  const opened: BulkEngine[] = [];

  describe(`bulk engine: ${name}`, { timeout }, () => {
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((engine) => engine.close()));
    });

    const setup = async (world: FakeBulkWorld, extra: Partial<BulkEngineSettings> = {}, store?: string) => {
      const storeName = store ?? (await options.newStore());
      const engine = await options.open(storeName, {
        run: RUN,
        providers: world.providers(),
        concurrency: 4,
        policy: FAST_POLICY,
        ...extra,
      });
      opened.push(engine);
      return { engine, store: storeName };
    };

    it('imports idempotently: the same rows twice add nothing, identity is (run, provider, account)', async () => {
      const world = createFakeBulkWorld();
      const { engine } = await setup(world);
      const input = [...rows('alpha', ['a-1', 'a-2']), ...rows('beta', ['a-1'])];
      expect(await unwrap(engine.importRows(input))).toEqual({ added: 3, existing: 0 });
      expect(await unwrap(engine.importRows(input))).toEqual({ added: 0, existing: 3 });
      const report = await unwrap(engine.report());
      expect(report.map((row) => [row.provider, row.accountId, row.state, row.attempts])).toEqual([
        ['alpha', 'a-1', 'QUEUED', 0],
        ['alpha', 'a-2', 'QUEUED', 0],
        ['beta', 'a-1', 'QUEUED', 0],
      ]);
      const status = await unwrap(engine.status());
      expect(status.total).toBe(3);
      expect(status.counts.alpha?.QUEUED).toBe(2);
      expect(status.counts.beta?.QUEUED).toBe(1);
    });

    it('closes every account once, follows it to CLOSED by polling, and reports it', async () => {
      const world = createFakeBulkWorld();
      world.autoAdvance(true);
      const ids = ['p-1', 'p-2', 'p-3', 'p-4', 'p-5'];
      seed(world, 'alpha', ids);
      seed(world, 'beta', ids);
      const { engine } = await setup(world);
      await unwrap(engine.importRows([...rows('alpha', ids), ...rows('beta', ids)]));
      const summary = await unwrap(engine.runUntil({ until: 'final' }));
      expect(summary.reached).toBe(true);
      expect(summary.needsAttention).toBe(0);
      expect(summary.counts.alpha?.CLOSED).toBe(5);
      expect(summary.counts.beta?.CLOSED).toBe(5);
      for (const id of ids) {
        expect(world.backends.alpha.closeCount(id)).toBe(1);
        expect(world.backends.beta.closeCount(id)).toBe(1);
      }
      const report = await unwrap(engine.report());
      const closures = new Map(
        world.backends.alpha.closures().map((closure) => [closure.account_id, closure.id]),
      );
      const first = report[0];
      expect(first).toEqual({
        provider: 'alpha',
        accountId: 'p-1',
        state: 'CLOSED',
        code: null,
        closureId: closures.get('p-1'),
        attempts: 1,
        updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(report.map((row) => row.state)).toEqual(Array(10).fill('CLOSED'));
    });

    it('sends the derived idempotency key (or the one given), with the intent recorded before the close', async () => {
      const world = createFakeBulkWorld();
      seed(world, 'alpha', ['k-1', 'k-2']);
      const { engine } = await setup(world);
      await unwrap(
        engine.importRows([
          { line: 2, provider: 'alpha', accountId: 'k-1', reason: 'CUSTOMER_REQUEST', idempotencyKey: null },
          {
            line: 3,
            provider: 'alpha',
            accountId: 'k-2',
            reason: 'CUSTOMER_REQUEST',
            idempotencyKey: 'given-key-2',
          },
        ]),
      );
      await unwrap(engine.runUntil({ until: 'submitted' }));
      const keys = world.backends.alpha.requests
        .filter((request) => request.method === 'POST')
        .map((request) => [
          (request.json as { account_id: string }).account_id,
          request.headers['idempotency-key'],
        ]);
      expect(keys.sort()).toEqual([
        ['k-1', deriveIdempotencyKey(RUN, 'alpha', 'k-1')],
        ['k-2', 'given-key-2'],
      ]);
      const audit = await unwrap(engine.audit({ provider: 'alpha', accountId: 'k-1' }));
      expect(audit.map((entry) => entry.step)).toEqual(['INTENT', 'CLOSE']);
      expect(audit[0]).toMatchObject({
        state: 'SUBMITTING',
        idempotencyKey: deriveIdempotencyKey(RUN, 'alpha', 'k-1'),
      });
      expect(audit[1]).toMatchObject({ state: 'SUBMITTED', code: null });
      expect(audit[1]?.closureId).toMatch(/^clo_/);
      const serialised = JSON.stringify(audit);
      expect(serialised).not.toContain(world.backends.alpha.apiKey);
      expect(serialised).not.toContain(world.backends.alpha.webhookSecret);
    });

    it('never closes twice across a crash between intent and answer: the restart reads back and adopts', async () => {
      const world = createFakeBulkWorld();
      seed(world, 'alpha', ['c-1']);
      world.inject('alpha', { method: 'POST', path: CLOSE_PATH, action: { afterForward: 'hang' }, times: 1 });
      const first = await setup(world, { concurrency: 1 });
      await unwrap(first.engine.importRows(rows('alpha', ['c-1'])));
      void first.engine.runUntil({ until: 'final' });
      await vi.waitFor(() => expect(world.backends.alpha.closeCount('c-1')).toBe(1), {
        timeout,
        interval: 5,
      });
      // The process "dies" here: its close request was applied, its answer never arrives.
      await unwrap(first.engine.close());
      opened.splice(opened.indexOf(first.engine), 1);

      world.autoAdvance(true);
      const second = await setup(world, {}, first.store);
      const before = await unwrap(second.engine.report());
      expect(before[0]).toMatchObject({ state: 'SUBMITTING', attempts: 1 });
      const summary = await unwrap(second.engine.runUntil({ until: 'final' }));
      expect(summary.counts.alpha?.CLOSED).toBe(1);
      expect(world.backends.alpha.closeCount('c-1')).toBe(1);
      const closes = world.requests.alpha.filter((request) => request.method === 'POST');
      expect(closes).toHaveLength(1);
      const audit = await unwrap(second.engine.audit({ provider: 'alpha', accountId: 'c-1' }));
      expect(audit.map((entry) => entry.step)).toContain('READ_BACK');
      const report = await unwrap(second.engine.report());
      expect(report[0]).toMatchObject({ state: 'CLOSED', attempts: 1 });
    });

    it('reconciles an unknown outcome by read-back, never by a blind resend', async () => {
      const world = createFakeBulkWorld();
      seed(world, 'alpha', ['u-1']);
      world.autoAdvance(true);
      world.inject('alpha', {
        method: 'POST',
        path: CLOSE_PATH,
        action: { afterForward: 'reset' },
        times: 1,
      });
      const { engine } = await setup(world);
      await unwrap(engine.importRows(rows('alpha', ['u-1'])));
      const summary = await unwrap(engine.runUntil({ until: 'final' }));
      expect(summary.counts.alpha?.CLOSED).toBe(1);
      expect(world.backends.alpha.closeCount('u-1')).toBe(1);
      expect(world.requests.alpha.filter((request) => request.method === 'POST')).toHaveLength(1);
      const audit = await unwrap(engine.audit({ provider: 'alpha', accountId: 'u-1' }));
      expect(audit.map((entry) => entry.step).slice(0, 3)).toEqual(['INTENT', 'CLOSE', 'READ_BACK']);
    });

    it('ends business refusals as NEEDS_ACTION with their neutral code, and FAILED closures as FAILED', async () => {
      const world = createFakeBulkWorld();
      world.backends.alpha.seedAccount('funded', { balance: 120 });
      world.backends.alpha.seedAccount('blocked', { balance: 0, blocked: true });
      seed(world, 'alpha', ['fails-later']);
      const { engine } = await setup(world);
      await unwrap(engine.importRows(rows('alpha', ['funded', 'blocked', 'missing', 'fails-later'])));
      await unwrap(engine.runUntil({ until: 'submitted' }));
      // Money arrives after the closure was requested: the provider fails the closure.
      world.backends.alpha.seedAccount('fails-later', { balance: 5 });
      world.autoAdvance(true);
      const summary = await unwrap(engine.runUntil({ until: 'final' }));
      expect(summary.reached).toBe(true);
      expect(summary.needsAttention).toBe(4);
      const byAccount = Object.fromEntries(
        (await unwrap(engine.report())).map((row) => [row.accountId, [row.state, row.code]]),
      );
      expect(byAccount).toEqual({
        blocked: ['NEEDS_ACTION', 'ACCOUNT_BLOCKED'],
        'fails-later': ['FAILED', 'NON_ZERO_BALANCE'],
        funded: ['NEEDS_ACTION', 'NON_ZERO_BALANCE'],
        missing: ['NEEDS_ACTION', 'ACCOUNT_NOT_FOUND'],
      });
      expect(world.requests.alpha.filter((request) => request.method === 'POST')).toHaveLength(4);
    });

    it('pauses a provider that answers AUTHENTICATION_FAILED and says so, while the others go on', async () => {
      const world = createFakeBulkWorld();
      world.autoAdvance(true);
      const ids = ['x-1', 'x-2', 'x-3', 'x-4', 'x-5', 'x-6'];
      seed(world, 'alpha', ids);
      seed(world, 'beta', ids);
      const { engine } = await setup(world, {
        providers: world.providers({ apiKey: { beta: 'wrong-api-key-0000' } }),
        concurrency: 2,
      });
      await unwrap(engine.importRows([...rows('alpha', ids), ...rows('beta', ids)]));
      const summary = await unwrap(engine.runUntil({ until: 'final' }));
      expect(summary.reached).toBe(false);
      expect(summary.counts.alpha?.CLOSED).toBe(6);
      expect(summary.pauses).toEqual([
        expect.objectContaining({ provider: 'beta', code: 'AUTHENTICATION_FAILED', until: null }),
      ]);
      for (const id of ids) expect(world.backends.beta.closeCount(id)).toBe(0);
      // Paused after the first refusals: only the accounts already in flight (concurrency 2) were asked.
      const asked = new Set(
        world.backends.beta.requests.map((request) => (request.json as { account_id?: string }).account_id),
      );
      expect(asked.size).toBeLessThanOrEqual(2);
    });

    it('honours 429 by pausing the provider, then closes everything once', async () => {
      const world = createFakeBulkWorld();
      world.autoAdvance(true);
      const ids = ['r-1', 'r-2', 'r-3'];
      seed(world, 'alpha', ids);
      world.inject('alpha', {
        method: 'POST',
        path: CLOSE_PATH,
        action: {
          reply: { status: 429, headers: { 'retry-after': '0' }, body: { error: { code: 'slow_down' } } },
        },
        times: 3,
      });
      const { engine } = await setup(world);
      await unwrap(engine.importRows(rows('alpha', ids)));
      const summary = await unwrap(engine.runUntil({ until: 'final' }));
      expect(summary.counts.alpha?.CLOSED).toBe(3);
      for (const id of ids) expect(world.backends.alpha.closeCount(id)).toBe(1);
    });

    it('ends accounts of a provider that always answers 429 in the report, not in a loop', async () => {
      const world = createFakeBulkWorld();
      seed(world, 'alpha', ['s-1', 's-2']);
      world.inject('alpha', {
        method: 'GET',
        path: ANY_PATH,
        action: { reply: { status: 429, headers: { 'retry-after': '0' } } },
        times: Number.POSITIVE_INFINITY,
      });
      world.inject('alpha', {
        method: 'POST',
        path: ANY_PATH,
        action: { reply: { status: 429, headers: { 'retry-after': '0' } } },
        times: Number.POSITIVE_INFINITY,
      });
      const { engine } = await setup(world, { policy: { ...FAST_POLICY, maxRetries: 3 } });
      await unwrap(engine.importRows(rows('alpha', ['s-1', 's-2'])));
      const summary = await unwrap(engine.runUntil({ until: 'final' }));
      expect(summary.reached).toBe(true);
      const report = await unwrap(engine.report());
      expect(report.map((row) => [row.state, row.code])).toEqual([
        ['NEEDS_ACTION', 'RATE_LIMITED'],
        ['NEEDS_ACTION', 'RATE_LIMITED'],
      ]);
      expect(world.backends.alpha.closeCount('s-1')).toBe(0);
    });

    it('takes final states from webhooks, de-duplicated by eventId', async () => {
      const world = createFakeBulkWorld();
      seed(world, 'alpha', ['w-1']);
      const { engine } = await setup(world);
      await unwrap(engine.importRows(rows('alpha', ['w-1'])));
      await unwrap(engine.runUntil({ until: 'submitted' }));
      const closure = world.backends.alpha.closures()[0];
      if (!closure) throw new Error('no closure was requested');
      world.backends.alpha.advance(closure.id);
      world.backends.alpha.advance(closure.id);
      const event = await world.eventFor('alpha', closure.id);
      expect(await unwrap(engine.feedEvent(event))).toBe('applied');
      expect(await unwrap(engine.feedEvent(event))).toBe('duplicate');
      const report = await unwrap(engine.report());
      expect(report[0]).toMatchObject({ state: 'CLOSED', closureId: closure.id });
      const stranger = { ...event, eventId: `${event.eventId}-other`, accountId: 'not-in-run' };
      expect(await unwrap(engine.feedEvent(stranger))).toBe('ignored');
      const audit = await unwrap(engine.audit({ provider: 'alpha', accountId: 'w-1' }));
      expect(audit.at(-1)).toMatchObject({ step: 'WEBHOOK', state: 'CLOSED' });
    });

    it('resumes a run on the same store: a second run sends no close again', async () => {
      const world = createFakeBulkWorld();
      seed(world, 'alpha', ['m-1', 'm-2']);
      const first = await setup(world);
      await unwrap(first.engine.importRows(rows('alpha', ['m-1', 'm-2'])));
      const submitted = await unwrap(first.engine.runUntil({ until: 'submitted' }));
      expect(submitted.counts.alpha?.SUBMITTED).toBe(2);
      await unwrap(first.engine.close());
      opened.splice(opened.indexOf(first.engine), 1);

      world.autoAdvance(true);
      const second = await setup(world, {}, first.store);
      await unwrap(second.engine.importRows(rows('alpha', ['m-1', 'm-2'])));
      const final = await unwrap(second.engine.runUntil({ until: 'final' }));
      expect(final.counts.alpha?.CLOSED).toBe(2);
      expect(world.requests.alpha.filter((request) => request.method === 'POST')).toHaveLength(2);
    });
  });
}
