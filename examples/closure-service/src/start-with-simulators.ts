/**
 * The reference service against the three local simulators, with accounts to close:
 * `pnpm --filter @closekit/example-closure-service start:simulators`. No credentials, no network.
 */
import { createClosureClient } from '@closekit/core';
import { createEmbeddedPaymentsAdapter } from '@closekit/embedded-payments';
import { startSimulators } from '@closekit/simulator';
import { createSolarisAdapter } from '@closekit/solaris';
import { createUdara360Adapter } from '@closekit/udara360';
import { createClosureService, logClosureEvent } from './closure-service';

const port = Number(process.env.PORT ?? 3000);
const sims = await startSimulators({ seed: 1 });
const accounts = {
  solaris: '5526853938474f3e92b22a03ea57a544cacc',
  'embedded-payments': '0030000131',
  udara360: '1100000001',
};
sims.solaris.control.seedAccounts([{ id: accounts.solaris, balance: 0 }]);
sims.embeddedPayments.control.seedAccounts([
  { id: accounts['embedded-payments'], category: 'LIMITED_DDA', balance: 0 },
]);
sims.udara360.control.seedAccounts([{ accountNumber: accounts.udara360, balance: 0 }]);

const client = createClosureClient({
  adapters: [
    createSolarisAdapter(sims.solaris.adapterSettings),
    createEmbeddedPaymentsAdapter(sims.embeddedPayments.adapterSettings),
    createUdara360Adapter(sims.udara360.adapterSettings),
  ],
});
const app = createClosureService({
  client,
  webhookProviders: ['solaris', 'embedded-payments'],
  onEvent: logClosureEvent,
});
const server = app.listen(port, () => {
  const base = `http://localhost:${port}`;
  sims.solaris.control.setWebhookUrl(`${base}/webhooks/solaris`);
  sims.embeddedPayments.control.setWebhookUrl(`${base}/webhooks/embedded-payments`);
  console.log(
    `closure service on ${base}, against local simulators (control APIs: GET <simulator>/__control)`,
  );
  console.log('Try:');
  for (const [provider, accountId] of Object.entries(accounts))
    console.log(
      `  curl -s -X POST ${base}/closures -H 'content-type: application/json' -d '{"provider":"${provider}","accountId":"${accountId}","reason":"CUSTOMER_REQUEST"}'`,
    );
  console.log(`  curl -s ${base}/closures/udara360?accountId=${accounts.udara360}`);
});

const stop = () => {
  server.close();
  void sims.close();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
