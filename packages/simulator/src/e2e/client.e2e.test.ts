import { type Closure, createClosureClient } from '@closekit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../common/webhook-receiver';
import { type Simulators, startSimulators } from '../start-simulators';
import { embeddedPaymentsAdapterFor, fixedClock, solarisAdapterFor, udara360AdapterFor } from './e2e-support';

let sims: Simulators;
let solarisHooks: WebhookReceiver;
let epHooks: WebhookReceiver;

const fastWebhooks = { baseDelayMs: 1, maxDelayMs: 5 };

beforeAll(async () => {
  sims = await startSimulators({
    seed: 42,
    solaris: {
      now: fixedClock,
      webhookRetry: fastWebhooks,
      accounts: [{ id: 'sol1cacc' }, { id: 'sol2cacc', balance: 25 }],
    },
    embeddedPayments: {
      now: fixedClock,
      webhookRetry: fastWebhooks,
      accounts: [{ id: 'ep0001' }, { id: 'ep0002', balance: 25 }],
    },
    udara360: {
      now: fixedClock,
      accounts: [{ accountNumber: '0123456789' }, { accountNumber: '0123456790', balance: 2_500 }],
    },
  });
  solarisHooks = await startWebhookReceiver();
  epHooks = await startWebhookReceiver();
  sims.solaris.control.setWebhookUrl(solarisHooks.url);
  sims.embeddedPayments.control.setWebhookUrl(epHooks.url);
});

afterAll(async () => {
  await sims.close();
  await solarisHooks.close();
  await epHooks.close();
});

/** Our own records decide the provider: here, by the shape of the account id. */
const route = (accountId: string) =>
  accountId.endsWith('cacc')
    ? 'solaris'
    : accountId.startsWith('ep')
      ? 'embedded-payments'
      : /^\d{10}$/.test(accountId)
        ? 'udara360'
        : null;

const client = () =>
  createClosureClient({
    adapters: [
      solarisAdapterFor(sims.solaris),
      embeddedPaymentsAdapterFor(sims.embeddedPayments, 'v1'),
      udara360AdapterFor(sims.udara360),
    ],
    route,
  });

describe('createClosureClient against the three simulators', () => {
  it('closes at all three providers through one client, routed by account id, and sees them CLOSED', async () => {
    const closekit = client();
    expect(closekit.providers).toEqual(['solaris', 'embedded-payments', 'udara360']);
    const accounts = ['sol1cacc', 'ep0001', '0123456789'];

    const closed: Closure[] = [];
    for (const accountId of accounts) {
      closed.push((await closekit.closeAccount({ accountId, reason: 'CUSTOMER_REQUEST' }))._unsafeUnwrap());
    }
    expect(closed.map((closure) => [closure.provider, closure.accountId, closure.state.unified])).toEqual([
      ['solaris', 'sol1cacc', 'REQUESTED'],
      ['embedded-payments', 'ep0001', 'PENDING'],
      ['udara360', '0123456789', 'CLOSED'],
    ]);

    // The providers finish asynchronously: Solaris' job, J.P. Morgan's servicing team.
    sims.solaris.control.advance({ accountId: 'sol1cacc', to: 'end' });
    sims.embeddedPayments.control.service('ep0001');
    const states = [];
    for (const accountId of accounts) {
      const closure = (await closekit.getClosure({ accountId }))._unsafeUnwrap();
      states.push([closure.provider, closure.state.unified]);
    }
    expect(states).toEqual([
      ['solaris', 'CLOSED'],
      ['embedded-payments', 'CLOSED'],
      ['udara360', 'CLOSED'],
    ]);

    // Verified webhooks, normalised to the same event shape.
    await sims.solaris.control.flushWebhooks();
    await sims.embeddedPayments.control.flushWebhooks();
    const solarisClosed = solarisHooks.received.find(
      (webhook) => webhook.headers['solaris-webhook-event-type'] === 'ACCOUNT_CLOSURE',
    );
    const epClosed = epHooks.received[0];
    if (!solarisClosed || !epClosed) throw new Error('webhooks missing');
    const events = [
      (
        await closekit.parseWebhook({
          provider: 'solaris',
          rawBody: solarisClosed.rawBody,
          headers: solarisClosed.headers,
        })
      )._unsafeUnwrap(),
      (
        await closekit.parseWebhook({
          provider: 'embedded-payments',
          rawBody: Buffer.from(epClosed.rawBody),
          headers: epClosed.headers,
        })
      )._unsafeUnwrap(),
    ];
    expect(events.map((event) => [event.provider, event.type, event.accountId])).toEqual([
      ['solaris', 'ACCOUNT_CLOSED', 'sol1cacc'],
      ['embedded-payments', 'ACCOUNT_CLOSED', 'ep0001'],
    ]);

    for (const sim of [sims.solaris, sims.embeddedPayments, sims.udara360]) {
      expect(sim.control.counters().maxClosuresPerAccount).toBe(1);
    }
  });

  it('translates a non-zero balance to the same neutral code at every provider', async () => {
    const closekit = client();
    const solaris = (
      await closekit.closeAccount({ accountId: 'sol2cacc', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrap();
    sims.solaris.control.advance({ closureId: solaris.closureId, to: 'end' });
    const solarisFailure = (await closekit.getClosure({ accountId: 'sol2cacc' }))._unsafeUnwrap().failure;
    const ep = (
      await closekit.closeAccount({ accountId: 'ep0002', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrapErr();
    const udara = (
      await closekit.closeAccount({ accountId: '0123456790', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrapErr();
    expect([solarisFailure?.code, ep.code, udara.code]).toEqual([
      'NON_ZERO_BALANCE',
      'NON_ZERO_BALANCE',
      'NON_ZERO_BALANCE',
    ]);
    // Udara360's comes from the adapter's pre-flight balance read, before anything is sent.
    expect([solarisFailure?.providerCode, ep.provider, udara.providerCode]).toEqual([
      'positive_balance',
      'embedded-payments',
      null,
    ]);
  });

  it('refuses an account it cannot route, an unknown provider and an unsupported reason without any request', async () => {
    const closekit = client();
    const before = [sims.solaris, sims.embeddedPayments, sims.udara360].map(
      (sim) => sim.control.counters().totalRequests,
    );
    expect(
      (await closekit.closeAccount({ accountId: 'who-knows', reason: 'CUSTOMER_REQUEST' }))._unsafeUnwrapErr()
        .code,
    ).toBe('INVALID_REQUEST');
    expect(
      (
        await closekit.closeAccount({ provider: 'monzo', accountId: 'sol1cacc', reason: 'CUSTOMER_REQUEST' })
      )._unsafeUnwrapErr().code,
    ).toBe('INVALID_REQUEST');
    // No reason is refused by all three tables: each provider gets one of its own refusals.
    const unsupported = [
      ['sol1cacc', 'COURT_ORDER'],
      ['ep0001', 'REVOCATION'],
      ['0123456789', 'DORMANCY'],
    ] as const;
    for (const [accountId, reason] of unsupported) {
      const error = (await closekit.closeAccount({ accountId, reason }))._unsafeUnwrapErr();
      expect([error.provider, error.code]).toEqual([route(accountId), 'REASON_NOT_SUPPORTED']);
    }
    const after = [sims.solaris, sims.embeddedPayments, sims.udara360].map(
      (sim) => sim.control.counters().totalRequests,
    );
    expect(after).toEqual(before);
  });
});
