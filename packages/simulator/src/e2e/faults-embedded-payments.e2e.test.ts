import { expect } from 'vitest';
import { startEmbeddedPaymentsSimulator } from '../embedded-payments/ep-simulator';
import { embeddedPaymentsAdapterFor, fixedClock } from './e2e-support';
import { defineFaultSuite } from './fault-suite';

for (const [version, method] of [
  ['v1', 'POST'],
  ['v2', 'PATCH'],
] as const) {
  const prefix = `/embedded/${version}`;
  defineFaultSuite({
    name: `Embedded Payments ${version}`,
    start: () =>
      startEmbeddedPaymentsSimulator({ seed: 102, now: fixedClock, accounts: [{ id: 'epfault1' }] }),
    adapter: (sim, overrides) => embeddedPaymentsAdapterFor(sim, version, overrides),
    accountId: 'epfault1',
    closeMatch: { method, path: `${prefix}/accounts/epfault1` },
    // GET /accounts/{id} only, not /balances.
    readBackMatch: { method: 'GET', path: new RegExp(`^${prefix}/accounts/epfault1$`) },
    closeRoute: `${method} ${prefix}/accounts/:id`,
    readBackRoute: `GET ${prefix}/accounts/:id`,
    // The pre-flight reads the account once before the close.
    readsBeforeClose: 1,
    isCloseRequest: (request) => request.method === method && request.path === `${prefix}/accounts/epfault1`,
    checkAttempts: (attempts) => {
      for (const attempt of attempts) {
        expect(JSON.parse(attempt.body ?? '')).toEqual({ state: 'CLOSED', closureReason: 'ELECTIVE' });
      }
      // request-id is a correlation id J.P. Morgan wants new on every request, retries included.
      const ids = attempts.map((attempt) => attempt.headers['request-id']);
      expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
      expect(new Set(ids).size).toBe(attempts.length);
    },
  });
}
