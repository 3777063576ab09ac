import { deriveUdara360IdempotencyMaterial } from '@closekit/udara360';
import { expect } from 'vitest';
import { startUdara360Simulator } from '../udara360/udara-simulator';
import { fixedClock, udara360AdapterFor } from './e2e-support';
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
