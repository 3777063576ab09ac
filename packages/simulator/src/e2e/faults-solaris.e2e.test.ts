import { expect } from 'vitest';
import { startSolarisSimulator } from '../solaris/solaris-simulator';
import { fixedClock, solarisAdapterFor } from './e2e-support';
import { defineFaultSuite } from './fault-suite';

const ACRS = '/v1/account_closure_requests';

defineFaultSuite({
  name: 'Solaris',
  start: () => startSolarisSimulator({ seed: 101, now: fixedClock, accounts: [{ id: 'faultcacc' }] }),
  adapter: (sim, overrides) => solarisAdapterFor(sim, overrides),
  accountId: 'faultcacc',
  closeMatch: { method: 'POST', path: ACRS },
  readBackMatch: { method: 'GET', path: `${ACRS}?` },
  closeRoute: `POST ${ACRS}`,
  readBackRoute: `GET ${ACRS}`,
  readsBeforeClose: 0,
  isCloseRequest: (request) => request.method === 'POST' && request.path === ACRS,
  checkAttempts: (attempts) => {
    // Solaris has no idempotency header: the body itself must not change between attempts.
    for (const attempt of attempts) {
      expect(JSON.parse(attempt.body ?? '')).toEqual({
        account_id: 'faultcacc',
        closure_reason: 'CUSTOMER_WISH',
      });
      expect(Object.keys(attempt.headers).filter((name) => /idempotency/i.test(name))).toEqual([]);
    }
  },
});
