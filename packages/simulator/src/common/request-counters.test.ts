import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  embeddedPaymentsAdapterFor,
  fixedClock,
  solarisAdapterFor,
  udara360AdapterFor,
} from '../e2e/e2e-support';
import { type Simulators, startSimulators } from '../start-simulators';

let sims: Simulators;

beforeAll(async () => {
  sims = await startSimulators({
    seed: 7,
    solaris: { now: fixedClock, accounts: [{ id: 'cnt1cacc' }, { id: 'cnt2cacc', balance: 25 }] },
    embeddedPayments: { now: fixedClock, accounts: [{ id: 'epcnt01' }, { id: 'epcnt02', balance: 25 }] },
    udara360: {
      now: fixedClock,
      accounts: [{ accountNumber: '0200000001' }, { accountNumber: '0200000002', balance: 2_500 }],
    },
  });
});

afterAll(async () => {
  await sims.close();
});

describe('close-request counters', () => {
  it('count every close request per account, refused ones too, beside the closures applied', async () => {
    const adapters = [
      { adapter: solarisAdapterFor(sims.solaris), sim: sims.solaris, ids: ['cnt1cacc', 'cnt2cacc'] },
      {
        adapter: embeddedPaymentsAdapterFor(sims.embeddedPayments, 'v1', { preflight: false }),
        sim: sims.embeddedPayments,
        ids: ['epcnt01', 'epcnt02'],
      },
      {
        // Pre-flight off so the funded account's close is sent and refused by the simulator.
        adapter: udara360AdapterFor(sims.udara360, { preflight: false }),
        sim: sims.udara360,
        ids: ['0200000001', '0200000002'],
      },
    ];
    for (const { adapter, sim, ids } of adapters) {
      const [empty, funded] = ids as [string, string | undefined];
      await adapter.closeAccount({ accountId: empty, reason: 'CUSTOMER_REQUEST' });
      const counters = () => sim.control.counters();
      expect(counters().closeRequests[empty], adapter.provider).toBe(1);
      expect(counters().closures[empty], adapter.provider).toBe(1);
      if (funded === undefined) continue;
      await adapter.closeAccount({ accountId: funded, reason: 'CUSTOMER_REQUEST' });
      expect(counters().closeRequests[funded], adapter.provider).toBe(1);
      expect(counters().maxCloseRequestsPerAccount, adapter.provider).toBe(1);
    }
  });
});
