/**
 * Starts the reference closure service against real providers, configured from the environment
 * (see README.md). Run it with your TypeScript runner of choice, e.g. `npx tsx src/main.ts`.
 */
import { createClosureClient } from '@closekit/core';
import { createEmbeddedPaymentsAdapter } from '@closekit/embedded-payments';
import { createSolarisAdapter } from '@closekit/solaris';
import { createUdara360Adapter } from '@closekit/udara360';
import { createClosureService } from './closure-service';

const client = createClosureClient({
  adapters: [
    createSolarisAdapter({
      webhookSecrets: (process.env.SOLARIS_WEBHOOK_SECRETS ?? '').split(',').filter(Boolean),
    }),
    createEmbeddedPaymentsAdapter({
      webhookCredentials: (process.env.EMBEDDED_PAYMENTS_WEBHOOK_CREDENTIALS ?? '')
        .split(',')
        .filter(Boolean),
    }),
    createUdara360Adapter(),
  ],
});

const app = createClosureService({
  client,
  webhookProviders: ['solaris', 'embedded-payments'],
  onEvent: (event) =>
    console.log('closure event', event.provider, event.type, event.accountId, event.closure?.state),
});
const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => console.log(`closure service listening on :${port}`));
