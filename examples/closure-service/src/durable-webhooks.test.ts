import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BulkEngine, openSqliteBulkEngine } from '@closekit/bulk';
import { type ClosureEvent, createClosureClient } from '@closekit/core';
import { type Simulators, startSimulators } from '@closekit/simulator';
import { createSolarisAdapter, signSolarisWebhook } from '@closekit/solaris';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ClosureServiceOptions, createClosureService } from './closure-service';
import { openServiceStore, type ServiceStore } from './service-store';

const BEFORE_RESTART = 'd4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4cacc';
const AFTER_RESTART = 'e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5cacc';
const IN_BULK_RUN = 'f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6cacc';
const STORE_GONE = 'a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7cacc';
const FEED_FAILS = 'b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8cacc';
const fast = { backoff: { baseDelayMs: 1, maxDelayMs: 10 }, timeoutMs: 3_000 };

let sims: Simulators;
let directory: string;
const running = new Set<{ stop: () => Promise<void> }>();

beforeAll(async () => {
  sims = await startSimulators({ seed: 13 });
  sims.solaris.control.seedAccounts(
    [BEFORE_RESTART, AFTER_RESTART, IN_BULK_RUN, STORE_GONE, FEED_FAILS].map((id) => ({ id, balance: 0 })),
  );
  directory = await mkdtemp(join(tmpdir(), 'closure-service-'));
});

afterEach(async () => {
  for (const service of running) await service.stop();
});

afterAll(async () => {
  await sims.close();
  await rm(directory, { recursive: true, force: true });
});

/** One service process: its own store on `databasePath`, Solaris webhooks pointed at it. */
async function startService(databasePath: string, extra: Partial<ClosureServiceOptions> = {}) {
  const store: ServiceStore = openServiceStore(databasePath);
  const events: ClosureEvent[] = [];
  const client = createClosureClient({
    adapters: [createSolarisAdapter({ ...fast, ...sims.solaris.adapterSettings })],
  });
  const app = createClosureService({
    client,
    store,
    webhookProviders: ['solaris'],
    onEvent: (event) => void events.push(event),
    log: () => {},
    ...extra,
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sims.solaris.control.setWebhookUrl(`${base}/webhooks/solaris`);
  const service = {
    base,
    store,
    events,
    stop: async () => {
      running.delete(service);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      store.close();
    },
  };
  running.add(service);
  return service;
}

const post = (url: string, body: string, headers: Record<string, string>) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

/** A genuine Solaris ACCOUNT_CLOSURE delivery, signed by the test with the simulator's secret. */
function accountClosedDelivery(accountId: string, eventId: string) {
  const body = JSON.stringify({ account_id: accountId });
  const headers = {
    'solaris-webhook-event-type': 'ACCOUNT_CLOSURE',
    'solaris-webhook-id': eventId,
    'solaris-webhook-signature': signSolarisWebhook(sims.solaris.credentials.webhookSecret, body),
  };
  return { body, headers };
}

/** Closes an account at the Solaris simulator through the service, then lets the closure finish. */
async function closeAndFinish(base: string, accountId: string) {
  const answer = await post(
    `${base}/closures`,
    JSON.stringify({ provider: 'solaris', accountId, reason: 'CUSTOMER_REQUEST' }),
    {},
  );
  expect(answer.status).toBe(201);
  await finishAtSolaris(accountId);
}

async function finishAtSolaris(accountId: string) {
  const deliveredBefore = sims.solaris.control.webhookDeliveries().length;
  sims.solaris.control.advance({ accountId, to: 'end' });
  await sims.solaris.control.flushWebhooks();
  await new Promise((resolve) => setImmediate(resolve));
  const deliveries = sims.solaris.control.webhookDeliveries().slice(deliveredBefore);
  expect(deliveries.length).toBeGreaterThan(0);
  expect(deliveries.every((delivery) => delivery.status === 'delivered')).toBe(true);
  return deliveries;
}

describe('webhook de-duplication and closure records in SQLite', () => {
  it('survives a restart: a replayed delivery is acknowledged, not applied twice', async () => {
    const databasePath = join(directory, 'service.db');
    const first = await startService(databasePath);
    const deliveredBefore = sims.solaris.control.webhookDeliveries().length;
    await closeAndFinish(first.base, BEFORE_RESTART);
    const deliveries = sims.solaris.control.webhookDeliveries().slice(deliveredBefore);
    const appliedByFirst = first.events.filter((event) => event.accountId === BEFORE_RESTART);
    expect(appliedByFirst.length).toBe(deliveries.length);
    expect(appliedByFirst.some((event) => event.type === 'ACCOUNT_CLOSED')).toBe(true);
    expect(first.store.latestClosure('solaris', BEFORE_RESTART)).toMatchObject({ state: 'CLOSED' });
    await first.stop();

    const second = await startService(databasePath);
    // The provider delivering the same events again, to the new process on the same file.
    for (const delivery of deliveries) {
      const replay = await post(
        `${second.base}/webhooks/solaris`,
        delivery.body,
        delivery.headers as Record<string, string>,
      );
      expect(replay.status).toBe(200);
      expect(await replay.json()).toEqual({ received: true, duplicate: true });
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(second.events).toEqual([]);
    expect(second.store.latestClosure('solaris', BEFORE_RESTART)).toMatchObject({ state: 'CLOSED' });

    // New events still get through after the restart.
    await closeAndFinish(second.base, AFTER_RESTART);
    expect(second.events.some((event) => event.accountId === AFTER_RESTART)).toBe(true);
    expect(second.store.latestClosure('solaris', AFTER_RESTART)).toMatchObject({ state: 'CLOSED' });
  });

  it('answers 503 when the database is gone, so the provider delivers again', async () => {
    const service = await startService(join(directory, 'closed.db'));
    service.store.close();
    // The closure was made at the provider: the caller gets it even though recording it fails.
    const closed = await post(
      `${service.base}/closures`,
      JSON.stringify({ provider: 'solaris', accountId: STORE_GONE, reason: 'CUSTOMER_REQUEST' }),
      {},
    );
    expect(closed.status).toBe(201);
    const delivery = accountClosedDelivery(STORE_GONE, 'evt-store-gone-1');
    const answer = await post(`${service.base}/webhooks/solaris`, delivery.body, delivery.headers);
    expect(answer.status).toBe(503);
    expect(await answer.json()).toEqual({ error: { code: 'STORE_UNAVAILABLE' } });
    expect(service.events).toEqual([]);
  });
});

/** The engine `closekit bulk run --store bulkPath` works with: closes at the Solaris simulator. */
async function openBulkRun(bulkPath: string) {
  const opened = await openSqliteBulkEngine({
    path: bulkPath,
    providers: [
      {
        name: 'solaris',
        requestsPerSecond: 100,
        createAdapter: (fetch) => createSolarisAdapter({ ...fast, ...sims.solaris.adapterSettings, fetch }),
      },
    ],
  });
  return opened._unsafeUnwrap();
}

describe('webhooks feed a bulk run', () => {
  it("closes the run's account from the webhook, without polling", async () => {
    const bulkPath = join(directory, 'bulk.sqlite');
    const worker = await openBulkRun(bulkPath);
    // What main.ts does with BULK_STORE: an engine without providers, only to feed events.
    const feeder: BulkEngine = (
      await openSqliteBulkEngine({ path: bulkPath, providers: [] })
    )._unsafeUnwrap();
    try {
      const imported = await worker.importRows([
        {
          line: 2,
          provider: 'solaris',
          accountId: IN_BULK_RUN,
          reason: 'CUSTOMER_REQUEST',
          idempotencyKey: null,
        },
      ]);
      expect(imported._unsafeUnwrap()).toEqual({ added: 1, existing: 0 });
      const submitted = await worker.runUntil({ until: 'submitted' });
      expect(submitted._unsafeUnwrap().reached).toBe(true);
      const rowOf = async () => (await worker.report())._unsafeUnwrap()[0];
      expect(await rowOf()).toMatchObject({ accountId: IN_BULK_RUN, state: 'SUBMITTED' });

      const service = await startService(join(directory, 'with-bulk.db'), { bulk: feeder });
      const deliveries = await finishAtSolaris(IN_BULK_RUN);
      expect(await rowOf()).toMatchObject({ state: 'CLOSED' });
      const steps = (await worker.audit({ provider: 'solaris', accountId: IN_BULK_RUN }))._unsafeUnwrap();
      expect(steps.map((entry) => entry.step)).not.toContain('POLL');
      expect(steps.at(-1)?.step).toBe('WEBHOOK');

      // A redelivery reaches the run again and changes nothing there either.
      const last = deliveries.at(-1);
      const replay = await post(
        `${service.base}/webhooks/solaris`,
        last?.body ?? '',
        last?.headers as Record<string, string>,
      );
      expect(await replay.json()).toEqual({ received: true, duplicate: true });
      const stepsAfter = (
        await worker.audit({ provider: 'solaris', accountId: IN_BULK_RUN })
      )._unsafeUnwrap();
      expect(stepsAfter).toEqual(steps);
    } finally {
      await feeder.close();
      await worker.close();
    }
  });

  it('answers 503 when the run cannot be fed, and the redelivery reaches the run', async () => {
    const bulkPath = join(directory, 'bulk-feed-fails.sqlite');
    const worker = await openBulkRun(bulkPath);
    let feeder: BulkEngine = (await openSqliteBulkEngine({ path: bulkPath, providers: [] }))._unsafeUnwrap();
    try {
      await worker.importRows([
        {
          line: 2,
          provider: 'solaris',
          accountId: FEED_FAILS,
          reason: 'CUSTOMER_REQUEST',
          idempotencyKey: null,
        },
      ]);
      expect((await worker.runUntil({ until: 'submitted' }))._unsafeUnwrap().reached).toBe(true);
      const rowOf = async () => (await worker.report())._unsafeUnwrap()[0];
      const service = await startService(join(directory, 'feed-fails.db'), {
        bulk: { feedEvent: (event) => feeder.feedEvent(event) },
      });
      const delivery = accountClosedDelivery(FEED_FAILS, 'evt-feed-fails-1');

      await feeder.close(); // a closed engine answers every feed with an error
      const refused = await post(`${service.base}/webhooks/solaris`, delivery.body, delivery.headers);
      expect(refused.status).toBe(503);
      expect(await rowOf()).toMatchObject({ state: 'SUBMITTED' });

      feeder = (await openSqliteBulkEngine({ path: bulkPath, providers: [] }))._unsafeUnwrap();
      const redelivered = await post(`${service.base}/webhooks/solaris`, delivery.body, delivery.headers);
      // Not a duplicate for the service either: it records an event only once the run has it.
      expect(await redelivered.json()).toEqual({ received: true, duplicate: false });
      expect(await rowOf()).toMatchObject({ accountId: FEED_FAILS, state: 'CLOSED' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(service.events.map((event) => event.eventId)).toEqual(['evt-feed-fails-1']);
    } finally {
      await feeder.close();
      await worker.close();
    }
  });
});
