import { udara360ReferencePrefix } from '@closekit/udara360';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startUdara360Simulator, type Udara360Simulator } from '../udara360/udara-simulator';
import { fixedClock, hookLog, recordingFetch, udara360AdapterFor } from './e2e-support';

const AUTH = 'POST /api/auth/v1/authenticate';
const SEARCH = 'GET /api/account/v1/SearchAccount';
const CLOSE = 'POST /api/postings/v1/closeaccount';
const BALANCE = 'GET /api/account/v1/getbyaccountnumber';
const GUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let sim: Udara360Simulator;

beforeEach(async () => {
  sim = await startUdara360Simulator({
    seed: 31,
    now: fixedClock,
    accounts: [
      { accountNumber: '0123456789', customerName: 'Ada Obi' },
      { accountNumber: '0123456790', balance: 150_000 },
      { accountNumber: '0123456791', accountStatus: 3 },
      { accountNumber: '0123456792', accountStatus: 4 },
      { accountNumber: '0123456793', accountStatus: 7 },
    ],
  });
});

afterEach(async () => {
  await sim.close();
});

describe('Udara360 end to end', () => {
  it('closes synchronously after the pre-flight, with fresh references under the key prefix; getClosure then shows CLOSED', async () => {
    const recorder = recordingFetch();
    // This test asserts the exact request list: a generous timeout keeps a cold first request on a
    // loaded machine from being retried (the 300 ms of FAST is about fault tests, not this one).
    const adapter = udara360AdapterFor(sim, { fetch: recorder.fetch, timeoutMs: 10_000 });
    const closure = (
      await adapter.closeAccount({
        accountId: '0123456789',
        reason: 'CUSTOMER_REQUEST',
        idempotencyKey: 'close-0123456789',
      })
    )._unsafeUnwrap();
    expect(closure).toMatchObject({
      provider: 'udara360',
      accountId: '0123456789',
      state: { unified: 'CLOSED', raw: '00' },
      reason: { unified: 'CUSTOMER_REQUEST', raw: "Customer's request" },
      initiatedBy: 'partner',
      created: true,
    });
    expect(closure.closureId).not.toBe('');
    expect(closure.closureId).toBe('0123456789');

    expect(recorder.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /api/auth/v1/authenticate',
      'GET /api/account/v1/SearchAccount',
      'GET /api/account/v1/getbyaccountnumber',
      'POST /api/postings/v1/closeaccount',
    ]);
    const post = recorder.requests[3];
    expect(post?.headers['request-reference']).toMatch(
      new RegExp(`^${udara360ReferencePrefix('close-0123456789')}-[0-9a-f]{32}$`),
    );
    expect(post?.headers.authorization).toMatch(/^Bearer /);
    expect(JSON.parse(post?.body ?? '')).toEqual({
      accountNumber: '0123456789',
      closureReason: "Customer's request",
      instrumentNumber: expect.stringMatching(GUID_V4),
    });
    expect(sim.control.getAccount('0123456789')?.accountStatus).toBe(3);

    const read = (await adapter.getClosure({ accountId: '0123456789' }))._unsafeUnwrap();
    expect(read).toMatchObject({
      closureId: closure.closureId,
      state: { unified: 'CLOSED' },
      created: null,
      initiatedBy: 'unknown',
    });
    expect((await adapter.getClosure({ closureId: closure.closureId }))._unsafeUnwrap()).toEqual(read);
    expect(sim.control.counters()).toMatchObject({
      closures: { '0123456789': 1 },
      maxClosuresPerAccount: 1,
      requests: { [AUTH]: 1, [SEARCH]: 3, [BALANCE]: 1, [CLOSE]: 1 },
    });
  });

  it('answers a second close from the account read (created: false) and never posts again', async () => {
    const adapter = udara360AdapterFor(sim);
    (await adapter.closeAccount({ accountId: '0123456789', reason: 'CUSTOMER_REQUEST' }))._unsafeUnwrap();
    const again = (await adapter.closeAccount({ accountId: '0123456789', reason: 'FRAUD' }))._unsafeUnwrap();
    expect(again).toMatchObject({ state: { unified: 'CLOSED' }, created: false, closureId: '0123456789' });
    const already = (
      await adapter.closeAccount({ accountId: '0123456791', reason: 'FRAUD' })
    )._unsafeUnwrap();
    expect(already).toMatchObject({ state: { unified: 'CLOSED' }, created: false, initiatedBy: 'unknown' });
    expect(sim.control.counters()).toMatchObject({
      closures: { '0123456789': 1 },
      requests: { [CLOSE]: 1, [SEARCH]: 3 },
    });
  });

  it('refuses a funded account with NON_ZERO_BALANCE before sending anything, and leaves it open', async () => {
    const adapter = udara360AdapterFor(sim);
    const error = (
      await adapter.closeAccount({ accountId: '0123456790', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrapErr();
    expect(error).toMatchObject({
      code: 'NON_ZERO_BALANCE',
      provider: 'udara360',
      providerCode: null,
      retryable: false,
      details: { balances: { ledgerBalance: 150_000, availableBalance: 150_000, lienAmount: 0 } },
    });
    expect(sim.control.getAccount('0123456790')?.accountStatus).toBe(1);
    expect(sim.control.counters()).toMatchObject({ closures: {}, requests: { [BALANCE]: 1 } });
    expect(sim.control.counters().requests[CLOSE]).toBeUndefined();
    const open = (await adapter.getClosure({ accountId: '0123456790' }))._unsafeUnwrapErr();
    expect(open).toMatchObject({
      code: 'CLOSURE_NOT_FOUND',
      details: { accountFound: true, accountStatus: '1' },
    });
  });

  it.each([
    ['PND (4)', '0123456792'],
    ['Frozen (7)', '0123456793'],
  ])('maps a %s account’s 57 to PERMISSION_DENIED', async (_label, accountId) => {
    const error = (
      await udara360AdapterFor(sim).closeAccount({ accountId, reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrapErr();
    expect(error).toMatchObject({ code: 'PERMISSION_DENIED', providerCode: '57', retryable: false });
    expect(sim.control.counters().closures).toEqual({});
  });

  it('maps an unknown account to ACCOUNT_NOT_FOUND without posting', async () => {
    // The simulator's SearchAccount answers 404 errors[] for an unknown number (not an empty
    // list); the adapter's HTTP table maps a 404 on an account read to ACCOUNT_NOT_FOUND.
    const adapter = udara360AdapterFor(sim);
    const error = (
      await adapter.closeAccount({ accountId: '0999999999', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrapErr();
    expect(error).toMatchObject({ code: 'ACCOUNT_NOT_FOUND', provider: 'udara360', httpStatus: 404 });
    const read = (await adapter.getClosure({ accountId: '0999999999' }))._unsafeUnwrapErr();
    expect(read).toMatchObject({ code: 'ACCOUNT_NOT_FOUND', httpStatus: 404, retryable: false });
    expect(sim.control.counters().requests[CLOSE]).toBeUndefined();
  });

  it('maps a posting refused as 25 (the account vanished after the read) to ACCOUNT_NOT_FOUND', async () => {
    sim.control.injectPostingCodes({ code: '25', times: 1 });
    const error = (
      await udara360AdapterFor(sim).closeAccount({ accountId: '0123456789', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrapErr();
    expect(error).toMatchObject({ code: 'ACCOUNT_NOT_FOUND', providerCode: '25' });
    expect(sim.control.counters()).toMatchObject({ closures: {}, requests: { [CLOSE]: 1 } });
  });

  it('re-authenticates once after the simulator revokes the token', async () => {
    const adapter = udara360AdapterFor(sim);
    (await adapter.getClosure({ accountId: '0123456791' }))._unsafeUnwrap();
    sim.control.revokeTokens();
    (await adapter.closeAccount({ accountId: '0123456789', reason: 'CUSTOMER_REQUEST' }))._unsafeUnwrap();
    expect(sim.control.counters().requests).toEqual({ [AUTH]: 2, [SEARCH]: 3, [BALANCE]: 1, [CLOSE]: 1 });
  });

  it('works with the envelope token shape and account statuses given as names', async () => {
    const variant = await startUdara360Simulator({
      seed: 31,
      authResponseShape: 'envelope',
      accountStatusFormat: 'name',
      accounts: [{ accountNumber: '0123456789' }],
    });
    try {
      const adapter = udara360AdapterFor(variant);
      (await adapter.closeAccount({ accountId: '0123456789', reason: 'CUSTOMER_REQUEST' }))._unsafeUnwrap();
      const read = (await adapter.getClosure({ accountId: '0123456789' }))._unsafeUnwrap();
      expect(read.state).toEqual({ unified: 'CLOSED', raw: 'Closed' });
      expect(variant.control.counters().closures).toEqual({ '0123456789': 1 });
    } finally {
      await variant.close();
    }
  });

  it('refuses unsupported reasons and unsupported operations without sending anything', async () => {
    const log = hookLog();
    const adapter = udara360AdapterFor(sim, { hooks: log.hooks });
    expect(
      (await adapter.closeAccount({ accountId: '0123456789', reason: 'DORMANCY' }))._unsafeUnwrapErr().code,
    ).toBe('REASON_NOT_SUPPORTED');
    expect((await adapter.listClosures({}))._unsafeUnwrapErr().code).toBe('OPERATION_NOT_SUPPORTED');
    // A Udara360 closureId is the account number: anything else is refused before sending.
    expect((await adapter.getClosure({ closureId: 'ref-1' }))._unsafeUnwrapErr().code).toBe(
      'INVALID_REQUEST',
    );
    expect((await adapter.parseWebhook({ rawBody: '{}', headers: {} }))._unsafeUnwrapErr().code).toBe(
      'OPERATION_NOT_SUPPORTED',
    );
    expect(
      (await adapter.closeAccount({ accountId: ' ', reason: 'CUSTOMER_REQUEST' }))._unsafeUnwrapErr().code,
    ).toBe('INVALID_REQUEST');
    expect(log.requests).toEqual([]);
    expect(sim.control.counters()).toMatchObject({ totalRequests: 0, maxClosuresPerAccount: 0 });
  });

  it('lien alone blocks too; preflight: false sends, and Udara’s own 51 is reported as the provider said it', async () => {
    sim.control.updateAccount('0123456789', { lienAmount: 10_000 });
    const lien = (
      await udara360AdapterFor(sim).closeAccount({ accountId: '0123456789', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrapErr();
    expect(lien).toMatchObject({ code: 'NON_ZERO_BALANCE', details: { balances: { lienAmount: 10_000 } } });

    // The simulator refuses a funded account with 51 (undocumented precondition, simulator's choice).
    const error = (
      await udara360AdapterFor(sim, { preflight: false }).closeAccount({
        accountId: '0123456790',
        reason: 'CUSTOMER_REQUEST',
      })
    )._unsafeUnwrapErr();
    expect(error).toMatchObject({
      code: 'PROVIDER_ERROR',
      providerCode: '51',
      httpStatus: 200,
      retryable: false,
      details: { statusCode: '51', meaning: 'Insufficient Balance', disposition: 'refused' },
    });
    expect(sim.control.counters()).toMatchObject({ closures: {}, requests: { [BALANCE]: 1, [CLOSE]: 1 } });
  });

  it('closes a funded account with preflight: false where the provider allows it', async () => {
    const lenient = await startUdara360Simulator({
      seed: 31,
      requireZeroBalance: false,
      accounts: [{ accountNumber: '0123456790', balance: 150_000 }],
    });
    try {
      const closure = (
        await udara360AdapterFor(lenient, { preflight: false }).closeAccount({
          accountId: '0123456790',
          reason: 'CUSTOMER_REQUEST',
        })
      )._unsafeUnwrap();
      expect(closure).toMatchObject({ closureId: '0123456790', created: true, state: { unified: 'CLOSED' } });
      expect(lenient.control.counters().requests[BALANCE]).toBeUndefined();
    } finally {
      await lenient.close();
    }
  });

  it('runs concurrent closes of one account one at a time: one posting, the other answers created: false', async () => {
    const adapter = udara360AdapterFor(sim);
    const results = await Promise.all(
      [1, 2, 3].map(() => adapter.closeAccount({ accountId: '0123456789', reason: 'CUSTOMER_REQUEST' })),
    );
    expect(results.map((result) => result._unsafeUnwrap().created).sort()).toEqual([false, false, true]);
    expect(sim.control.counters()).toMatchObject({ closures: { '0123456789': 1 }, requests: { [CLOSE]: 1 } });
  });
});
