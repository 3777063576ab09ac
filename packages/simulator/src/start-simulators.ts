import {
  type EmbeddedPaymentsSimulator,
  type EmbeddedPaymentsSimulatorOptions,
  startEmbeddedPaymentsSimulator,
} from './embedded-payments/ep-simulator';
import {
  type SolarisSimulator,
  type SolarisSimulatorOptions,
  startSolarisSimulator,
} from './solaris/solaris-simulator';
import {
  startUdara360Simulator,
  type Udara360Simulator,
  type Udara360SimulatorOptions,
} from './udara360/udara-simulator';

export interface SimulatorsOptions {
  /** Seed for all three, unless a provider's own options set one. */
  seed?: number;
  solaris?: SolarisSimulatorOptions;
  embeddedPayments?: EmbeddedPaymentsSimulatorOptions;
  udara360?: Udara360SimulatorOptions;
}

export interface Simulators {
  solaris: SolarisSimulator;
  embeddedPayments: EmbeddedPaymentsSimulator;
  udara360: Udara360Simulator;
  /** Closes all three. */
  close(): Promise<void>;
}

/** Starts the three simulators, each on its own loopback port. */
export async function startSimulators(options: SimulatorsOptions = {}): Promise<Simulators> {
  const withSeed = <T extends { seed?: number }>(own: T | undefined): T =>
    ({ ...(options.seed === undefined ? {} : { seed: options.seed }), ...own }) as T;
  const started = await Promise.allSettled([
    startSolarisSimulator(withSeed(options.solaris)),
    startEmbeddedPaymentsSimulator(withSeed(options.embeddedPayments)),
    startUdara360Simulator(withSeed(options.udara360)),
  ]);
  const [solaris, embeddedPayments, udara360] = started;
  if (
    solaris.status !== 'fulfilled' ||
    embeddedPayments.status !== 'fulfilled' ||
    udara360.status !== 'fulfilled'
  ) {
    await Promise.all(
      started.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)),
    );
    const failure = started.find((result) => result.status === 'rejected');
    throw failure?.reason instanceof Error ? failure.reason : new Error('A simulator failed to start');
  }
  return {
    solaris: solaris.value,
    embeddedPayments: embeddedPayments.value,
    udara360: udara360.value,
    close: async () => {
      await Promise.all([solaris.value.close(), embeddedPayments.value.close(), udara360.value.close()]);
    },
  };
}
