import type { SimulatorCounters } from '@closekit/simulator';
import type { ChildMessage } from './child-process';

/** What simulators-child.ts reports once its three simulators listen. */
export interface SimulatorsReady extends ChildMessage {
  type: 'ready';
  solaris: { url: string; tokenUrl: string; clientId: string; clientSecret: string };
  embeddedPayments: { v1BaseUrl: string };
  udara360: { url: string; clientId: string; clientSecret: string };
}

/** The three simulators' counters, as simulators-child.ts answers a `counters` request. */
export interface CountersReply {
  solaris: SimulatorCounters;
  embeddedPayments: SimulatorCounters;
  udara360: SimulatorCounters;
}
