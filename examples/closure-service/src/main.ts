/**
 * Starts the reference closure service against the providers configured in the environment
 * (README.md): `pnpm --filter @closekit/example-closure-service start`.
 */
import { openSqliteBulkEngine } from '@closekit/bulk';
import { createClosureClient } from '@closekit/core';
import { createEmbeddedPaymentsAdapter } from '@closekit/embedded-payments';
import { createSolarisAdapter } from '@closekit/solaris';
import { createUdara360Adapter } from '@closekit/udara360';
import { createClosureService, logClosureEvent } from './closure-service';
import { readServiceConfig } from './service-config';
import { openServiceStore } from './service-store';

const config = readServiceConfig(process.env);
for (const warning of config.warnings) console.warn(`warning: ${warning}`);

const client = createClosureClient({
  adapters: [
    createSolarisAdapter(config.solaris),
    createEmbeddedPaymentsAdapter(config.embeddedPayments),
    createUdara360Adapter(config.udara360),
  ],
});

// No providers: the service only feeds the run's webhooks; `closekit bulk run` does the closing.
const bulk = config.bulkStorePath
  ? (await openSqliteBulkEngine({ path: config.bulkStorePath, providers: [] })).match(
      (engine) => engine,
      (error) => {
        console.error(`BULK_STORE ${config.bulkStorePath}: ${error.message}`);
        process.exit(2);
      },
    )
  : undefined;

const store = openServiceStore(config.databasePath);
const app = createClosureService({
  client,
  store,
  bulk,
  webhookProviders: ['solaris', 'embedded-payments'],
  onEvent: logClosureEvent,
});
const server = app.listen(config.port, () => {
  console.log(`closure service listening on http://localhost:${config.port}`);
  console.log(
    `records in ${config.databasePath}${bulk ? `, feeding the bulk run in ${config.bulkStorePath}` : ''}`,
  );
});

const stop = () => {
  server.close(() => {
    store.close();
    void bulk?.close();
  });
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
