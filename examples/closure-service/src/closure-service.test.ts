import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ClosureEvent, createClosureClient } from '@closekit/core';
import { createEmbeddedPaymentsAdapter } from '@closekit/embedded-payments';
import { type Simulators, startSimulators } from '@closekit/simulator';
import { createSolarisAdapter, signSolarisWebhook } from '@closekit/solaris';
import { createUdara360Adapter } from '@closekit/udara360';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClosureService } from './closure-service';

const SOLARIS_OK = 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1cacc';
const SOLARIS_FUNDED = 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2cacc';
const EP_OK = '0040000001';
const UDARA_OK = '1200000001';

let sims: Simulators;
let server: Server;
let base: string;
const events: ClosureEvent[] = [];
const logged: { message: string; fields: Record<string, unknown> }[] = [];

beforeAll(async () => {
  sims = await startSimulators({ seed: 11 });
  sims.solaris.control.seedAccounts([
    { id: SOLARIS_OK, balance: 0 },
    { id: SOLARIS_FUNDED, balance: 10 },
  ]);
  sims.embeddedPayments.control.seedAccounts([{ id: EP_OK, category: 'LIMITED_DDA', balance: 0 }]);
  sims.udara360.control.seedAccounts([{ accountNumber: UDARA_OK, balance: 0 }]);
  const fast = { backoff: { baseDelayMs: 1, maxDelayMs: 10 }, timeoutMs: 3_000 };
  const client = createClosureClient({
    adapters: [
      createSolarisAdapter({ ...fast, ...sims.solaris.adapterSettings }),
      createEmbeddedPaymentsAdapter({ ...fast, ...sims.embeddedPayments.adapterSettings }),
      createUdara360Adapter({ ...fast, ...sims.udara360.adapterSettings }),
    ],
  });
  const app = createClosureService({
    client,
    webhookProviders: ['solaris', 'embedded-payments'],
    onEvent: (event) => void events.push(event),
    log: (message, fields) => void logged.push({ message, fields }),
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sims.solaris.control.setWebhookUrl(`${base}/webhooks/solaris`);
  sims.embeddedPayments.control.setWebhookUrl(`${base}/webhooks/embedded-payments`);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await sims.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('reference closure service over HTTP', () => {
  it('closes accounts at all three providers through POST /closures', async () => {
    const answers = await Promise.all([
      post('/closures', {
        provider: 'solaris',
        accountId: SOLARIS_OK,
        reason: 'CUSTOMER_REQUEST',
        idempotencyKey: 'svc-1',
      }),
      post('/closures', { provider: 'embedded-payments', accountId: EP_OK, reason: 'CUSTOMER_REQUEST' }),
      post('/closures', { provider: 'udara360', accountId: UDARA_OK, reason: 'CUSTOMER_REQUEST' }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201]);
    const bodies = (await Promise.all(answers.map((answer) => answer.json()))) as {
      closure: { state: { unified: string } };
    }[];
    expect(bodies.map((body) => body.closure.state.unified)).toEqual(['REQUESTED', 'PENDING', 'CLOSED']);

    const repeat = await post('/closures', {
      provider: 'solaris',
      accountId: SOLARIS_OK,
      reason: 'CUSTOMER_REQUEST',
      idempotencyKey: 'svc-1',
    });
    expect(repeat.status).toBe(200);
    expect(sims.solaris.control.counters().maxClosuresPerAccount).toBe(1);
  });

  it('answers refusals and bad input with typed errors', async () => {
    const unknown = await post('/closures', {
      provider: 'solaris',
      accountId: 'c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3cacc',
      reason: 'CUSTOMER_REQUEST',
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'ACCOUNT_NOT_FOUND', provider: 'solaris' } });

    const invalid = await post('/closures', { provider: 'solaris', accountId: '', reason: 'WHIM' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { code: 'INVALID_REQUEST' } });

    const unsupported = await post('/closures', {
      provider: 'udara360',
      accountId: UDARA_OK,
      reason: 'DORMANCY',
    });
    expect(unsupported.status).toBe(422);

    const noProvider = await post('/closures', {
      provider: 'bank-of-nowhere',
      accountId: 'x',
      reason: 'OTHER',
    });
    expect(noProvider.status).toBe(400);

    const malformed = await post('/closures', '{"accountId": ');
    expect(malformed.status).toBe(400);
  });

  it('reads closures by id and by account', async () => {
    const created = (await (
      await post('/closures', { provider: 'solaris', accountId: SOLARIS_FUNDED, reason: 'CUSTOMER_REQUEST' })
    ).json()) as { closure: { closureId: string } };
    sims.solaris.control.advance({ closureId: created.closure.closureId, to: 'end' });
    const byId = await fetch(`${base}/closures/solaris/${created.closure.closureId}`);
    expect(await byId.json()).toMatchObject({
      closure: { state: { unified: 'FAILED' }, failure: { code: 'NON_ZERO_BALANCE' } },
    });
    const byAccount = await fetch(`${base}/closures/udara360?accountId=${UDARA_OK}`);
    expect(await byAccount.json()).toMatchObject({ closure: { state: { unified: 'CLOSED' } } });
    const missing = await fetch(`${base}/closures/embedded-payments?accountId=0049999999`);
    expect(missing.status).toBe(404);
  });

  it('verifies, acknowledges and de-duplicates webhooks from the simulators', async () => {
    sims.solaris.control.advance({ accountId: SOLARIS_OK, to: 'end' });
    sims.embeddedPayments.control.service(EP_OK);
    await Promise.all([sims.solaris.control.flushWebhooks(), sims.embeddedPayments.control.flushWebhooks()]);
    const deliveries = [
      ...sims.solaris.control.webhookDeliveries(),
      ...sims.embeddedPayments.control.webhookDeliveries(),
    ];
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((delivery) => delivery.status === 'delivered')).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(
      events.some(
        (event) =>
          event.provider === 'solaris' && event.type === 'ACCOUNT_CLOSED' && event.accountId === SOLARIS_OK,
      ),
    ).toBe(true);
    expect(
      events.some((event) => event.provider === 'embedded-payments' && event.type === 'ACCOUNT_CLOSED'),
    ).toBe(true);

    // A provider retrying a delivery: acknowledged again, processed once.
    const first = sims.solaris.control.webhookDeliveries()[0];
    const processedBefore = events.length;
    const replay = await post(
      '/webhooks/solaris',
      first?.body ?? '',
      first?.headers as Record<string, string>,
    );
    expect(await replay.json()).toEqual({ received: true, duplicate: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(events.length).toBe(processedBefore);

    const forged = await post(
      '/webhooks/solaris',
      `${first?.body ?? ''} `,
      first?.headers as Record<string, string>,
    );
    expect(forged.status).toBe(401);
    // The refusal is logged with what and where, never the signature or the secret.
    expect(logged.at(-1)).toMatchObject({
      message: 'refused a webhook delivery',
      fields: { provider: 'solaris', code: 'WEBHOOK_SIGNATURE_INVALID' },
    });
    const signature = String(first?.headers['Solaris-Webhook-Signature'] ?? '');
    expect(signature).not.toBe('');
    expect(JSON.stringify(logged)).not.toContain(signature.replace(/^sha256=/, ''));
    expect(JSON.stringify(logged)).not.toContain(sims.solaris.credentials.webhookSecret);
    const ping = await post('/webhooks/solaris', '', {
      'solaris-webhook-event-type': 'WEBHOOK-SUBSCRIPTION',
    });
    expect(ping.status).toBe(200);

    // A genuine delivery about something else: acknowledged so Solaris stops retrying, not processed.
    const other = JSON.stringify({ id: 'person-1' });
    const unrelated = await post('/webhooks/solaris', other, {
      'solaris-webhook-event-type': 'PERSON_CHANGED',
      'solaris-webhook-id': 'evt-person-1',
      'solaris-webhook-signature': signSolarisWebhook(sims.solaris.credentials.webhookSecret, other),
    });
    expect(unrelated.status).toBe(200);
    expect(await unrelated.json()).toEqual({ received: true, ignored: true });
  });

  it('names the field in input errors and answers JSON on unknown routes', async () => {
    const missing = await post('/closures', { provider: 'solaris', reason: 'CUSTOMER_REQUEST' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      error: {
        code: 'INVALID_REQUEST',
        message: 'accountId is required and must be a non-empty string',
        field: 'accountId',
      },
    });
    const misspelt = await post('/closures', {
      accountId: SOLARIS_OK,
      reason: 'CUSTOMER_REQUEST',
      provder: 'solaris',
    });
    expect(await misspelt.json()).toMatchObject({
      error: { field: 'provder', message: 'unknown field "provder"' },
    });
    const notAnObject = await post('/closures', ['solaris']);
    expect(notAnObject.status).toBe(400);
    const noAccount = await fetch(`${base}/closures/udara360`);
    expect(noAccount.status).toBe(400);
    expect(await noAccount.json()).toMatchObject({ error: { field: 'accountId' } });

    const unknownRoute = await fetch(`${base}/nowhere`, { method: 'DELETE' });
    expect(unknownRoute.status).toBe(404);
    expect(unknownRoute.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await unknownRoute.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'no route for DELETE /nowhere' },
    });
  });
});
