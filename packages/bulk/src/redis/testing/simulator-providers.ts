import { createEmbeddedPaymentsAdapter } from '@closekit/embedded-payments';
import { createSolarisAdapter } from '@closekit/solaris';
import { createUdara360Adapter } from '@closekit/udara360';
import type { BulkProvider } from '../../bulk-engine';

/* Test and bench code only: the three providers pointed at simulators, for worker processes. */

export interface WorkerChildConfig {
  redis: string;
  prefix: string;
  run: string;
  concurrency: number;
  requestsPerSecond: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  solaris?: Parameters<typeof createSolarisAdapter>[0];
  embeddedPayments?: Parameters<typeof createEmbeddedPaymentsAdapter>[0];
  udara360?: Parameters<typeof createUdara360Adapter>[0];
}

/** The three providers pointed at simulators, as the crash test and the bench configure them. */
export function simulatorProviders(config: WorkerChildConfig): BulkProvider[] {
  const providers: BulkProvider[] = [];
  const rate = config.requestsPerSecond;
  const { solaris, embeddedPayments, udara360 } = config;
  if (solaris) {
    providers.push({
      name: 'solaris',
      requestsPerSecond: rate,
      createAdapter: (fetch) => createSolarisAdapter({ ...solaris, fetch }),
    });
  }
  if (embeddedPayments) {
    providers.push({
      name: 'embedded-payments',
      requestsPerSecond: rate,
      createAdapter: (fetch) => createEmbeddedPaymentsAdapter({ ...embeddedPayments, fetch }),
    });
  }
  if (udara360) {
    providers.push({
      name: 'udara360',
      requestsPerSecond: rate,
      createAdapter: (fetch) => createUdara360Adapter({ ...udara360, fetch }),
    });
  }
  return providers;
}
