/**
 * Starts the reference closure service against the providers configured in the environment
 * (README.md): `pnpm --filter @closekit/example-closure-service start`.
 */
import { createClosureClient } from '@closekit/core';
import { createEmbeddedPaymentsAdapter } from '@closekit/embedded-payments';
import { createSolarisAdapter } from '@closekit/solaris';
import { createUdara360Adapter } from '@closekit/udara360';
import { createClosureService } from './closure-service';
import { readServiceConfig } from './service-config';

const config = readServiceConfig(process.env);
for (const warning of config.warnings) console.warn(`warning: ${warning}`);

const client = createClosureClient({
  adapters: [
    createSolarisAdapter(config.solaris),
    createEmbeddedPaymentsAdapter(config.embeddedPayments),
    createUdara360Adapter(config.udara360),
  ],
});

const app = createClosureService({
  client,
  webhookProviders: ['solaris', 'embedded-payments'],
  onEvent: (event) =>
    console.log('closure event', event.provider, event.type, event.accountId, event.closure?.state),
});
app.listen(config.port, () => console.log(`closure service listening on http://localhost:${config.port}`));
