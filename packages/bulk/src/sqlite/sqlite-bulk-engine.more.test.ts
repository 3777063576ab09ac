import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFakeBulkWorld, FAST_POLICY } from '../testing/fake-world';
import { openSqliteBulkEngine } from './sqlite-bulk-engine';

const directory = mkdtempSync(join(tmpdir(), 'closekit-bulk-sqlite-more-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('openSqliteBulkEngine', () => {
  it('throws one error listing every invalid setting', () => {
    expect(() =>
      openSqliteBulkEngine({
        path: '',
        providers: [{ name: 'alpha', createAdapter: 'nope' as never, requestsPerSecond: 0 }],
        concurrency: 0,
        policy: { maxRetries: -1 },
      }),
    ).toThrow(
      /path: required[\s\S]*concurrency: must be a whole number[\s\S]*policy.maxRetries[\s\S]*createAdapter: must be a function[\s\S]*requestsPerSecond: must be a number > 0/,
    );
  });

  it('answers STORE_FAILED when the file cannot be opened', async () => {
    const world = createFakeBulkWorld();
    const opened = await openSqliteBulkEngine({
      path: join(directory, 'missing-dir', 'nested', 'run.sqlite'),
      providers: world.providers(),
    });
    expect(opened._unsafeUnwrapErr().code).toBe('STORE_FAILED');
  });

  it('refuses rows naming a provider that is not configured, importing nothing', async () => {
    const world = createFakeBulkWorld();
    const engine = (
      await openSqliteBulkEngine({ path: join(directory, 'unknown.sqlite'), providers: world.providers() })
    )._unsafeUnwrap();
    const result = await engine.importRows([
      { line: 2, provider: 'alpha', accountId: 'a', reason: 'CUSTOMER_REQUEST', idempotencyKey: null },
      { line: 3, provider: 'gamma', accountId: 'b', reason: 'CUSTOMER_REQUEST', idempotencyKey: null },
    ]);
    expect(result._unsafeUnwrapErr()).toMatchObject({
      code: 'INVALID_INPUT',
      issues: [{ line: 3, field: 'provider' }],
    });
    expect((await engine.status())._unsafeUnwrap().total).toBe(0);
    await engine.close();
  });

  it('lets one process work a run at a time: a second runner gets RUN_BUSY, readers go on', async () => {
    const world = createFakeBulkWorld();
    world.backends.alpha.seedAccount('b-1', { balance: 0 });
    world.inject('alpha', {
      method: 'POST',
      path: /^\/closures$/,
      action: { afterForward: 'hang' },
      times: 1,
    });
    const path = join(directory, 'busy.sqlite');
    const settings = { path, run: 'busy', providers: world.providers(), policy: FAST_POLICY };
    const first = (await openSqliteBulkEngine(settings))._unsafeUnwrap();
    await first.importRows([
      { line: 2, provider: 'alpha', accountId: 'b-1', reason: 'CUSTOMER_REQUEST', idempotencyKey: null },
    ]);
    void first.runUntil();
    const second = (await openSqliteBulkEngine(settings))._unsafeUnwrap();
    await expect.poll(() => world.backends.alpha.closeCount('b-1')).toBe(1);
    const busy = await second.runUntil();
    expect(busy._unsafeUnwrapErr().code).toBe('RUN_BUSY');
    expect((await second.report())._unsafeUnwrap()[0]).toMatchObject({ state: 'SUBMITTING' });
    await first.close();
    world.autoAdvance(true);
    const resumed = await second.runUntil();
    expect(resumed._unsafeUnwrap().counts.alpha?.CLOSED).toBe(1);
    expect(world.backends.alpha.closeCount('b-1')).toBe(1);
    await second.close();
  });

  it('stops at an abort and resumes on the next run', async () => {
    const world = createFakeBulkWorld();
    world.backends.alpha.seedAccount('s-1', { balance: 0 });
    const engine = (
      await openSqliteBulkEngine({
        path: join(directory, 'abort.sqlite'),
        providers: world.providers(),
        policy: FAST_POLICY,
      })
    )._unsafeUnwrap();
    await engine.importRows([
      { line: 2, provider: 'alpha', accountId: 's-1', reason: 'CUSTOMER_REQUEST', idempotencyKey: null },
    ]);
    const stopped = await engine.runUntil({ signal: AbortSignal.abort() });
    expect(stopped._unsafeUnwrapErr().code).toBe('ABORTED');
    world.autoAdvance(true);
    const progress: number[] = [];
    const done = await engine.runUntil({ onProgress: (status) => progress.push(status.total) });
    expect(done._unsafeUnwrap()).toMatchObject({ reached: true, goal: 'final', needsAttention: 0 });
    expect(progress.at(-1)).toBe(1);
    await engine.close();
    expect((await engine.status())._unsafeUnwrapErr().code).toBe('ABORTED');
  });
});
