import { udara360ReferencePrefix } from '@closekit/udara360';
import { afterEach, describe, expect, it } from 'vitest';
import { startUdara360Simulator, type Udara360Simulator } from '../udara360/udara-simulator';
import { fixedClock, type RecordedRequest, recordingFetch, udara360AdapterFor } from './e2e-support';
import { defineFaultSuite } from './fault-suite';

const CLOSE = '/api/postings/v1/closeaccount';
const SEARCH = '/api/account/v1/SearchAccount';
const BALANCE = '/api/account/v1/getbyaccountnumber';
const GUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Every closeaccount of one logical close carries the key's reference prefix, with a fresh
 * Request-Reference and instrumentNumber each time: a provider that refuses reused values (26)
 * even after a failed posting cannot lock a resend out. The read-back before each resend, not
 * the reference, is what prevents a double close.
 */
function expectFreshReferences(attempts: RecordedRequest[], idempotencyKey: string, accountNumber: string) {
  const prefix = udara360ReferencePrefix(idempotencyKey);
  for (const attempt of attempts) {
    expect(attempt.headers['request-reference']).toMatch(new RegExp(`^${prefix}-[0-9a-f]{32}$`));
    expect(JSON.parse(attempt.body ?? '')).toEqual({
      accountNumber,
      closureReason: "Customer's request",
      instrumentNumber: expect.stringMatching(GUID_V4),
    });
  }
  const references = attempts.map((attempt) => attempt.headers['request-reference']);
  const instruments = attempts.map((attempt) => JSON.parse(attempt.body ?? '').instrumentNumber);
  expect(new Set(references).size).toBe(attempts.length);
  expect(new Set(instruments).size).toBe(attempts.length);
}

defineFaultSuite({
  name: 'Udara360',
  start: () =>
    startUdara360Simulator({ seed: 103, now: fixedClock, accounts: [{ accountNumber: '0100000001' }] }),
  adapter: (sim, overrides) => udara360AdapterFor(sim, overrides),
  accountId: '0100000001',
  closeMatch: { method: 'POST', path: CLOSE },
  readBackMatch: { method: 'GET', path: SEARCH },
  closeRoute: `POST ${CLOSE}`,
  readBackRoute: `GET ${SEARCH}`,
  // The adapter reads the account (status) before every close; the balance read has its own route.
  readsBeforeClose: 1,
  isCloseRequest: (request) => request.method === 'POST' && request.path === CLOSE,
  checkAttempts: (attempts, idempotencyKey) => expectFreshReferences(attempts, idempotencyKey, '0100000001'),
});

/**
 * Udara360's own "outcome unknown" answers: HTTP 200 with posting codes 29/90/96 (uncertain). The
 * adapter reads the account back before any resend, and resends with fresh references, against
 * both provider behaviours for reused values (undocumented, §9): `strictReferences` refuses a
 * failed posting's reference or instrumentNumber with 26, the default lets it be reused.
 */
describe('Udara360: uncertain posting codes from the simulator', () => {
  const ACCOUNT = '0100000002';
  let sim: Udara360Simulator;

  afterEach(async () => {
    await sim.close();
  });

  const run = async () => {
    const recorder = recordingFetch();
    const adapter = udara360AdapterFor(sim, { fetch: recorder.fetch });
    const result = await adapter.closeAccount({
      accountId: ACCOUNT,
      reason: 'CUSTOMER_REQUEST',
      idempotencyKey: 'k-96',
    });
    const posts = recorder.requests.filter((request) => request.method === 'POST' && request.path === CLOSE);
    expectFreshReferences(posts, 'k-96', ACCOUNT);
    expect(sim.control.counters().maxClosuresPerAccount).toBeLessThanOrEqual(1);
    return { result, posts: posts.length, counters: sim.control.counters() };
  };

  for (const strictReferences of [false, true]) {
    const mode = strictReferences ? 'strictReferences on' : 'strictReferences off';

    it(`96 that did close: one read-back finds it Closed, no resend (${mode})`, async () => {
      sim = await startUdara360Simulator({
        seed: 104,
        strictReferences,
        accounts: [{ accountNumber: ACCOUNT }],
      });
      sim.control.injectPostingCodes({ code: '96', closes: true, times: 1 });
      const { result, posts, counters } = await run();
      expect(result._unsafeUnwrap()).toMatchObject({
        closureId: ACCOUNT,
        created: null,
        state: { unified: 'CLOSED' },
      });
      expect(posts).toBe(1);
      expect(counters.closures).toEqual({ [ACCOUNT]: 1 });
      expect(counters.requests[`GET ${SEARCH}`]).toBe(2);
    });

    it(`90 that did not close: read back, resent with fresh references, closed once (${mode})`, async () => {
      sim = await startUdara360Simulator({
        seed: 104,
        strictReferences,
        accounts: [{ accountNumber: ACCOUNT }],
      });
      sim.control.injectPostingCodes({ code: '90', times: 1 });
      const { result, posts, counters } = await run();
      expect(result._unsafeUnwrap()).toMatchObject({
        closureId: ACCOUNT,
        created: true,
        state: { unified: 'CLOSED' },
      });
      expect(posts).toBe(2);
      expect(counters.closures).toEqual({ [ACCOUNT]: 1 });
      // pre-read, read-back after 90
      expect(counters.requests[`GET ${SEARCH}`]).toBe(2);
      expect(counters.requests[`GET ${BALANCE}`]).toBe(1);
    });

    it(`96 every time, not closed: PROVIDER_UNAVAILABLE after the retries, never closed (${mode})`, async () => {
      sim = await startUdara360Simulator({
        seed: 104,
        strictReferences,
        accounts: [{ accountNumber: ACCOUNT }],
      });
      sim.control.injectPostingCodes({ code: '96', times: 3 });
      const { result, posts, counters } = await run();
      expect(result._unsafeUnwrapErr()).toMatchObject({
        code: 'PROVIDER_UNAVAILABLE',
        providerCode: '96',
        retryable: true,
      });
      expect(posts).toBe(3);
      expect(counters.closures).toEqual({});
      expect(counters.requests[`GET ${SEARCH}`]).toBe(4);
    });
  }

  it('a caller retrying with the same key after a failed close is not locked out (strictReferences on)', async () => {
    sim = await startUdara360Simulator({
      seed: 104,
      strictReferences: true,
      accounts: [{ accountNumber: ACCOUNT }],
    });
    sim.control.injectPostingCodes({ code: '96', times: 3 });
    expect((await run()).result._unsafeUnwrapErr().code).toBe('PROVIDER_UNAVAILABLE');
    const { result, counters } = await run();
    expect(result._unsafeUnwrap()).toMatchObject({ closureId: ACCOUNT, created: true });
    expect(counters.closures).toEqual({ [ACCOUNT]: 1 });
  });

  it('a 26 is confirmed by one read-back: Closed is success, never a resend', async () => {
    sim = await startUdara360Simulator({
      seed: 104,
      duplicateReference: 'reject',
      accounts: [{ accountNumber: ACCOUNT }],
    });
    // Another system closed it between our read and our posting: 26 is confirmed by one read-back.
    sim.control.injectPostingCodes({ code: '26', closes: true, times: 1 });
    const { result, posts } = await run();
    expect(result._unsafeUnwrap()).toMatchObject({
      closureId: ACCOUNT,
      created: null,
      initiatedBy: 'partner',
    });
    expect(posts).toBe(1);
  });
});
