import { ClosureError } from '@closekit/core';
import { createFakeClosureAdapter, createFakeProvider } from '@closekit/core/testing';
import { errAsync, okAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { BulkError } from './bulk-error';
import { advanceAccount, DEFAULT_BULK_POLICY, type StepContext } from './bulk-step';
import { type AuditEntry, type BulkAccount, newBulkAccount } from './run-model';

const NOW = new Date('2026-12-01T10:00:00.000Z');

function world() {
  const backend = createFakeProvider();
  const adapter = createFakeClosureAdapter({ provider: 'fake', backend, maxRetries: 0 });
  const intents: { account: BulkAccount; entries: readonly AuditEntry[]; closesBefore: number }[] = [];
  const context: StepContext = {
    adapter,
    policy: DEFAULT_BULK_POLICY,
    now: () => NOW,
    recordIntent: (account, entries) => {
      intents.push({
        account,
        entries,
        closesBefore: backend.requests.filter((r) => r.method === 'POST').length,
      });
      return okAsync(undefined);
    },
  };
  return { backend, adapter, context, intents };
}

const queued = (accountId: string) =>
  newBulkAccount('run-1', { provider: 'fake', accountId, reason: 'CUSTOMER_REQUEST' }, NOW);

describe('advanceAccount', () => {
  it('records the intent before the close request, then follows the closure', async () => {
    const { backend, context, intents } = world();
    backend.seedAccount('a-1', { balance: 0 });
    const outcome = (await advanceAccount(queued('a-1'), context))._unsafeUnwrap();
    expect(intents).toHaveLength(1);
    expect(intents[0]?.closesBefore).toBe(0);
    expect(intents[0]?.account).toMatchObject({ state: 'SUBMITTING', attempts: 1 });
    expect(outcome.account).toMatchObject({ state: 'SUBMITTED', attempts: 1, code: null, retries: 0 });
    expect(outcome.account.closureId).toBe(backend.closures()[0]?.id);
    expect(outcome.account.nextCheckAt).toBe(new Date(NOW.getTime() + 5_000).toISOString());
    expect(backend.requests[0]?.headers['idempotency-key']).toBe(queued('a-1').idempotencyKey);
  });

  it('sends nothing when the intent cannot be recorded', async () => {
    const { backend, context } = world();
    backend.seedAccount('a-1', { balance: 0 });
    const failing: StepContext = {
      ...context,
      recordIntent: () => errAsync(new BulkError({ code: 'STORE_FAILED', message: 'disk full' })),
    };
    const result = await advanceAccount(queued('a-1'), failing);
    expect(result._unsafeUnwrapErr().code).toBe('STORE_FAILED');
    expect(backend.requests).toHaveLength(0);
  });

  it('reads back an account found SUBMITTING and adopts the closure instead of closing again', async () => {
    const { backend, adapter, context, intents } = world();
    backend.seedAccount('a-1', { balance: 0 });
    await adapter.closeAccount({ accountId: 'a-1', reason: 'CUSTOMER_REQUEST' });
    const found: BulkAccount = { ...queued('a-1'), state: 'SUBMITTING', attempts: 1 };
    const outcome = (await advanceAccount(found, context))._unsafeUnwrap();
    expect(outcome.account).toMatchObject({ state: 'SUBMITTED', attempts: 1, checks: 1 });
    expect(outcome.audit[0]).toMatchObject({ step: 'READ_BACK' });
    expect(intents).toHaveLength(0);
    expect(backend.closeCount('a-1')).toBe(1);
  });

  it('closes again with the same key when the read-back proves nothing exists', async () => {
    const { backend, context, intents } = world();
    backend.seedAccount('a-1', { balance: 0 });
    const found: BulkAccount = { ...queued('a-1'), state: 'UNKNOWN', attempts: 1 };
    const outcome = (await advanceAccount(found, context))._unsafeUnwrap();
    expect(intents[0]?.account.attempts).toBe(2);
    // The read-back's finding is in the audit trail, written with the intent, before the close.
    expect(intents[0]?.entries.map((entry) => [entry.step, entry.state, entry.code])).toEqual([
      ['READ_BACK', 'UNKNOWN', 'CLOSURE_NOT_FOUND'],
      ['INTENT', 'SUBMITTING', null],
    ]);
    expect(intents[0]?.entries[0]?.note).toContain('found no closure');
    expect(outcome.account).toMatchObject({ state: 'SUBMITTED', attempts: 2 });
    expect(backend.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
  });

  it('ends a business refusal as NEEDS_ACTION with the neutral code', async () => {
    const { backend, context } = world();
    backend.seedAccount('a-1', { balance: 10 });
    const outcome = (await advanceAccount(queued('a-1'), context))._unsafeUnwrap();
    expect(outcome.account).toMatchObject({
      state: 'NEEDS_ACTION',
      code: 'NON_ZERO_BALANCE',
      nextCheckAt: null,
    });
    expect(outcome.pause).toBeNull();
  });

  it('pauses the provider on authentication failure, keeping the account for a read-back', async () => {
    const backend = createFakeProvider();
    const adapter = createFakeClosureAdapter({
      provider: 'fake',
      backend,
      apiKey: 'wrong-key-0000',
      maxRetries: 0,
    });
    const { context } = world();
    const outcome = (await advanceAccount(queued('a-1'), { ...context, adapter }))._unsafeUnwrap();
    expect(outcome.account).toMatchObject({ state: 'SUBMITTING', code: 'AUTHENTICATION_FAILED' });
    expect(outcome.pause).toMatchObject({ provider: 'fake', code: 'AUTHENTICATION_FAILED', until: null });
  });

  it('pauses the provider for Retry-After on 429, capped, and gives up after maxRetries', async () => {
    const { context } = world();
    const rateLimited = new ClosureError({
      code: 'RATE_LIMITED',
      provider: 'fake',
      message: 'slow down',
      details: { retryAfterMs: 3_600_000 },
    });
    const adapter = { ...context.adapter, closeAccount: () => errAsync(rateLimited) };
    const outcome = (await advanceAccount(queued('a-1'), { ...context, adapter }))._unsafeUnwrap();
    expect(outcome.account).toMatchObject({ state: 'SUBMITTING', code: 'RATE_LIMITED', retries: 1 });
    const cappedUntil = new Date(NOW.getTime() + DEFAULT_BULK_POLICY.maxRateLimitPauseMs).toISOString();
    expect(outcome.pause).toMatchObject({ code: 'RATE_LIMITED', until: cappedUntil });

    const exhausted = { ...queued('a-1'), retries: DEFAULT_BULK_POLICY.maxRetries };
    const last = (await advanceAccount(exhausted, { ...context, adapter }))._unsafeUnwrap();
    expect(last.account).toMatchObject({ state: 'NEEDS_ACTION', code: 'RATE_LIMITED' });
  });

  it('turns OUTCOME_UNKNOWN into UNKNOWN, never into a second close', async () => {
    const { context } = world();
    const unknown = new ClosureError({ code: 'OUTCOME_UNKNOWN', provider: 'fake', message: 'no answer' });
    let closes = 0;
    const adapter = {
      ...context.adapter,
      closeAccount: () => {
        closes += 1;
        return errAsync(unknown);
      },
    };
    const outcome = (await advanceAccount(queued('a-1'), { ...context, adapter }))._unsafeUnwrap();
    expect(outcome.account).toMatchObject({ state: 'UNKNOWN', code: 'OUTCOME_UNKNOWN' });
    expect(closes).toBe(1);
  });

  it('polls a SUBMITTED closure to its final state', async () => {
    const { backend, adapter, context } = world();
    backend.seedAccount('a-1', { balance: 0 });
    const closure = (
      await adapter.closeAccount({ accountId: 'a-1', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrap();
    backend.advance(closure.closureId);
    backend.advance(closure.closureId);
    const submitted: BulkAccount = {
      ...queued('a-1'),
      state: 'SUBMITTED',
      attempts: 1,
      closureId: closure.closureId,
    };
    const outcome = (await advanceAccount(submitted, context))._unsafeUnwrap();
    expect(outcome.account).toMatchObject({ state: 'CLOSED', code: null, nextCheckAt: null });
    expect(outcome.audit[0]).toMatchObject({ step: 'POLL', state: 'CLOSED', closureId: closure.closureId });
  });
});
