/**
 * Hosts the three simulators in their own process for the bulk benchmark, so that their CPU and
 * their growing state (accounts, closures) are not charged to the client process whose memory is
 * watched. Answers `{id, type}` requests over IPC.
 */
import { startSimulators } from '@closekit/simulator';

const sims = await startSimulators({ seed: 7 });

interface Request {
  id?: number;
  type: string;
  solaris?: string[];
  embeddedPayments?: string[];
  udara360?: string[];
}

process.on('message', async (message: Request) => {
  const reply = (payload: Record<string, unknown>) =>
    process.send?.({ ...payload, id: message.id, type: message.type });
  if (message.type === 'seed') {
    // Zero balances, closable states: every closure should succeed at once.
    sims.solaris.control.seedAccounts((message.solaris ?? []).map((id) => ({ id, balance: 0 })));
    sims.embeddedPayments.control.seedAccounts(
      (message.embeddedPayments ?? []).map((id) => ({ id, category: 'LIMITED_DDA', balance: 0 })),
    );
    sims.udara360.control.seedAccounts((message.udara360 ?? []).map((accountNumber) => ({ accountNumber })));
    reply({});
  } else if (message.type === 'counters') {
    reply({
      solaris: sims.solaris.control.counters(),
      embeddedPayments: sims.embeddedPayments.control.counters(),
      udara360: sims.udara360.control.counters(),
      cpu: process.cpuUsage(),
      rss: process.memoryUsage.rss(),
    });
  } else if (message.type === 'close') {
    await sims.close();
    process.exit(0);
  }
});

process.send?.({
  type: 'ready',
  solaris: { url: sims.solaris.url, tokenUrl: sims.solaris.tokenUrl, ...sims.solaris.credentials },
  embeddedPayments: { v1BaseUrl: sims.embeddedPayments.v1BaseUrl },
  udara360: { url: sims.udara360.url, ...sims.udara360.credentials },
});
