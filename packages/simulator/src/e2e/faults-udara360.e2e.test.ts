import { deriveUdara360IdempotencyMaterial } from '@closekit/udara360';
import { afterEach, describe, expect, it } from 'vitest';
import { startUdara360Simulator, type Udara360Simulator } from '../udara360/udara-simulator';
import { fixedClock, recordingFetch, udara360AdapterFor } from './e2e-support';
import { defineFaultSuite } from './fault-suite';

const CLOSE = '/api/postings/v1/closeaccount';
const SEARCH = '/api/account/v1/SearchAccount';

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
  // The adapter reads the account before every close.
  readsBeforeClose: 1,
  isCloseRequest: (request) => request.method === 'POST' && request.path === CLOSE,
  checkAttempts: (attempts, idempotencyKey) => {
    // Request-Reference and instrumentNumber: derived from the key, identical on every attempt.
    const material = deriveUdara360IdempotencyMaterial(idempotencyKey);
    for (const attempt of attempts) {
      expect(attempt.headers['request-reference']).toBe(material.requestReference);
      expect(JSON.parse(attempt.body ?? '')).toEqual({
        accountNumber: '0100000001',
        closureReason: "Customer's request",
        instrumentNumber: material.instrumentNumber,
      });
    }
  },
});

/**
 * Udara360's own "outcome unknown" answers: HTTP 200 with posting codes 29/90/96 (uncertain), which
 * the adapter reads back before any replay with the same Request-Reference and instrumentNumber.
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
    const material = deriveUdara360IdempotencyMaterial('k-96');
    for (const post of posts) expect(post.headers['request-reference']).toBe(material.requestReference);
    expect(sim.control.counters().maxClosuresPerAccount).toBeLessThanOrEqual(1);
    return { result, posts: posts.length, counters: sim.control.counters() };
  };

  it('96 that did close: one read-back finds it Closed, no replay', async () => {
    sim = await startUdara360Simulator({ seed: 104, accounts: [{ accountNumber: ACCOUNT }] });
    sim.control.injectPostingCodes({ code: '96', closes: true, times: 1 });
    const { result, posts, counters } = await run();
    expect(result._unsafeUnwrap()).toMatchObject({ created: null, state: { unified: 'CLOSED' } });
    expect(posts).toBe(1);
    expect(counters.closures).toEqual({ [ACCOUNT]: 1 });
    expect(counters.requests[`GET ${SEARCH}`]).toBe(2);
  });

  it('90 that did not close, replay refused as a reused Request-Reference (26): DUPLICATE_REQUEST, not closed', async () => {
    // The simulator's default for a reused Request-Reference is "26, never post again" (undocumented at Udara360).
    sim = await startUdara360Simulator({ seed: 104, accounts: [{ accountNumber: ACCOUNT }] });
    sim.control.injectPostingCodes({ code: '90', times: 1 });
    const { result, posts, counters } = await run();
    expect(result._unsafeUnwrapErr()).toMatchObject({ code: 'DUPLICATE_REQUEST', providerCode: '26' });
    expect(posts).toBe(2);
    expect(counters.closures).toEqual({});
    // pre-read, read-back after 90, confirmation of the 26
    expect(counters.requests[`GET ${SEARCH}`]).toBe(3);
  });

  it('96 that did not close, replayed answer 96 each time: PROVIDER_UNAVAILABLE after the retries, not closed', async () => {
    sim = await startUdara360Simulator({
      seed: 104,
      duplicateReference: 'replay',
      accounts: [{ accountNumber: ACCOUNT }],
    });
    sim.control.injectPostingCodes({ code: '96', times: 1 });
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
});
