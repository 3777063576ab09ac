import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../common/webhook-receiver';
import {
  type EmbeddedPaymentsSimulator,
  startEmbeddedPaymentsSimulator,
} from '../embedded-payments/ep-simulator';
import { embeddedPaymentsAdapterFor, fixedClock, recordingFetch } from './e2e-support';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let sim: EmbeddedPaymentsSimulator;
let receiver: WebhookReceiver | null = null;

beforeEach(async () => {
  sim = await startEmbeddedPaymentsSimulator({
    seed: 23,
    now: fixedClock,
    webhookRetry: { baseDelayMs: 1, maxDelayMs: 5 },
    accounts: [
      { id: 'ep0001', clientId: '1000010400' },
      { id: 'ep0002', category: 'LIMITED_DDA_PAYMENTS', balance: 12.5 },
      { id: 'ep0003', balance: -4 },
      { id: 'dda0001', category: 'DDA' },
      { id: 'closed01', state: 'CLOSED', closureReason: 'ELECTIVE' },
      { id: 'opening1', state: 'PENDING_OPEN' },
    ],
  });
});

afterEach(async () => {
  await sim.close();
  await receiver?.close();
  receiver = null;
});

describe.each([
  { version: 'v1' as const, closeMethod: 'POST' },
  { version: 'v2' as const, closeMethod: 'PATCH' },
])('Embedded Payments $version end to end', ({ version, closeMethod }) => {
  const prefix = `/embedded/${version}`;
  const ACCOUNT = `GET ${prefix}/accounts/:id`;
  const BALANCES = `GET ${prefix}/accounts/:id/balances`;
  const CLOSE = `${closeMethod} ${prefix}/accounts/:id`;
  const adapterFor = (overrides: Parameters<typeof embeddedPaymentsAdapterFor>[2] = {}) =>
    embeddedPaymentsAdapterFor(sim, version, overrides);

  it('closes after the pre-flight, then the servicing step makes getClosure CLOSED', async () => {
    const recorder = recordingFetch();
    const adapter = adapterFor({ fetch: recorder.fetch });
    const closure = (
      await adapter.closeAccount({ accountId: 'ep0001', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrap();
    expect(closure).toMatchObject({
      provider: 'embedded-payments',
      closureId: 'ep0001',
      accountId: 'ep0001',
      state: { unified: 'PENDING', raw: 'PENDING_CLOSE' },
      reason: { unified: 'CUSTOMER_REQUEST', raw: 'ELECTIVE' },
      initiatedBy: 'partner',
      created: true,
    });
    expect(recorder.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET ${prefix}/accounts/ep0001`,
      `GET ${prefix}/accounts/ep0001/balances`,
      `${closeMethod} ${prefix}/accounts/ep0001`,
    ]);
    const close = recorder.requests[2];
    expect(JSON.parse(close?.body ?? '')).toEqual({ state: 'CLOSED', closureReason: 'ELECTIVE' });
    expect(close?.headers['content-type']).toBe('application/json');
    // A fresh correlation id on every request, never reused.
    const ids = recorder.requests.map((request) => request.headers['request-id']);
    expect(ids.every((id) => UUID.test(id ?? ''))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(sim.control.getAccount('ep0001')?.state).toBe('PENDING_CLOSE');

    const pending = (await adapter.getClosure({ accountId: 'ep0001' }))._unsafeUnwrap();
    expect(pending.state).toEqual({ unified: 'PENDING', raw: 'PENDING_CLOSE' });
    expect(sim.control.advance({ accountId: 'ep0001' }).outcome).toBe('closed');
    const closed = (await adapter.getClosure({ closureId: 'ep0001' }))._unsafeUnwrap();
    expect(closed).toMatchObject({
      closureId: 'ep0001',
      state: { unified: 'CLOSED', raw: 'CLOSED' },
      reason: { unified: 'CUSTOMER_REQUEST', raw: 'ELECTIVE' },
    });
    expect(sim.control.counters()).toMatchObject({
      closures: { ep0001: 1 },
      maxClosuresPerAccount: 1,
      requests: { [ACCOUNT]: 3, [BALANCES]: 1, [CLOSE]: 1 },
    });
  });

  it('returns an account already PENDING_CLOSE or CLOSED without sending a second close', async () => {
    const adapter = adapterFor();
    (await adapter.closeAccount({ accountId: 'ep0001', reason: 'CUSTOMER_REQUEST' }))._unsafeUnwrap();
    const again = (
      await adapter.closeAccount({ accountId: 'ep0001', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrap();
    expect(again).toMatchObject({ state: { unified: 'PENDING' }, created: false, blockers: [] });
    sim.control.service('ep0001');
    // Already closed: Ok, CLOSED, created false (was ALREADY_CLOSED with the closure attached).
    const closed = (
      await adapter.closeAccount({ accountId: 'ep0001', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrap();
    expect(closed).toMatchObject({
      closureId: 'ep0001',
      state: { unified: 'CLOSED', raw: 'CLOSED' },
      created: false,
    });
    expect(sim.control.counters().requests[CLOSE]).toBe(1);
    expect(sim.control.counters().closures).toEqual({ ep0001: 1 });
  });

  it.each([
    ['a positive balance', 'ep0002'],
    ['a negative balance', 'ep0003'],
  ] as const)(
    'refuses %s in the pre-flight with NON_ZERO_BALANCE and sends no close',
    async (_label, accountId) => {
      const adapter = adapterFor();
      const error = (
        await adapter.closeAccount({ accountId, reason: 'CUSTOMER_REQUEST' })
      )._unsafeUnwrapErr();
      expect(error).toMatchObject({
        code: 'NON_ZERO_BALANCE',
        provider: 'embedded-payments',
        retryable: false,
        details: { preflight: true },
      });
      const blockers = (error.details as { blockers: { code: string }[] }).blockers;
      expect(blockers.length).toBeGreaterThan(0);
      expect(blockers.every((blocker) => blocker.code === 'NON_ZERO_BALANCE')).toBe(true);
      expect(sim.control.getAccount(accountId)?.state).toBe('OPEN');
      expect(sim.control.counters().requests[CLOSE]).toBeUndefined();
      expect(sim.control.counters().closures).toEqual({});
    },
  );

  it.each([
    ['a positive balance', 'ep0002', ['CREDITS']],
    ['a negative balance', 'ep0003', ['DEBITS']],
  ] as const)(
    'without the pre-flight, maps the 400 for %s to NON_ZERO_BALANCE with the PENDING snapshot attached',
    async (_label, accountId, restrictions) => {
      const adapter = adapterFor({ preflight: false });
      const error = (
        await adapter.closeAccount({ accountId, reason: 'CUSTOMER_REQUEST' })
      )._unsafeUnwrapErr();
      expect(error).toMatchObject({
        code: 'NON_ZERO_BALANCE',
        httpStatus: 400,
        providerCode: 'ACCOUNT_HAS_NON_ZERO_BALANCE',
        retryable: false,
        closure: {
          closureId: accountId,
          state: { unified: 'PENDING', raw: 'PENDING_CLOSE' },
          reason: { unified: 'CUSTOMER_REQUEST', raw: 'ELECTIVE' },
        },
      });
      expect(error.closure?.blockers.map((blocker) => blocker.code)).toContain('NON_ZERO_BALANCE');
      expect((error.details as { balances?: unknown }).balances).toBeDefined();
      // J.P. Morgan's documented quirk, reproduced: refused, yet moved to PENDING_CLOSE with a restriction.
      const account = sim.control.getAccount(accountId);
      expect(account?.state).toBe('PENDING_CLOSE');
      expect(account?.restrictions.map((restriction) => restriction.restrictionType)).toEqual(restrictions);
      expect(sim.control.counters()).toMatchObject({
        closures: { [accountId]: 1 },
        maxClosuresPerAccount: 1,
        requests: { [CLOSE]: 1 },
      });
      // The servicing team cannot close it while money is left.
      expect(sim.control.service(accountId)).toMatchObject({
        outcome: 'blocked',
        reason: 'NON_ZERO_BALANCE',
      });
    },
  );

  it('maps an already closed account, another category and PENDING_OPEN, with and without the pre-flight', async () => {
    const withPreflight = adapterFor();
    const without = adapterFor({ preflight: false });
    const codes = async (accountId: string) => [
      (await withPreflight.closeAccount({ accountId, reason: 'CUSTOMER_REQUEST' }))._unsafeUnwrapErr().code,
      (await without.closeAccount({ accountId, reason: 'CUSTOMER_REQUEST' }))._unsafeUnwrapErr().code,
    ];
    // Already closed is Ok, CLOSED, created false on both paths (was ALREADY_CLOSED twice).
    for (const adapter of [withPreflight, without]) {
      const closed = (
        await adapter.closeAccount({ accountId: 'closed01', reason: 'CUSTOMER_REQUEST' })
      )._unsafeUnwrap();
      expect(closed).toMatchObject({
        closureId: 'closed01',
        state: { unified: 'CLOSED', raw: 'CLOSED' },
        created: false,
      });
    }
    expect(await codes('dda0001')).toEqual(['OPERATION_NOT_SUPPORTED', 'OPERATION_NOT_SUPPORTED']);
    expect(await codes('opening1')).toEqual(['OPERATION_NOT_SUPPORTED', 'INVALID_REQUEST']);
    expect(sim.control.counters().requests[CLOSE]).toBe(3);
    expect(sim.control.counters().closures).toEqual({});
  });

  it('sends the close when only credits are pending, listing them on the closure (v2 INTERIM_EXPECTED)', async () => {
    sim.control.seedAccounts([{ id: 'incoming1', pendingCredits: 30 }]);
    const recorder = recordingFetch();
    const closure = (
      await adapterFor({ fetch: recorder.fetch }).closeAccount({
        accountId: 'incoming1',
        reason: 'CUSTOMER_REQUEST',
      })
    )._unsafeUnwrap();
    expect(closure).toMatchObject({ state: { unified: 'PENDING', raw: 'PENDING_CLOSE' }, created: true });
    expect(recorder.requests.map((request) => request.method)).toEqual(['GET', 'GET', closeMethod]);
    // v1 has no expected balance type: nothing to list. v2 lists the pending credits, never silently.
    expect(closure.blockers.map((blocker) => blocker.message.split(':')[0])).toEqual(
      version === 'v2' ? ['balance INTERIM_EXPECTED is 30.00 USD on 2026-03-02'] : [],
    );
  });

  it('reports a 400 naming no code that still moved a funded account as NON_ZERO_BALANCE with the closure', async () => {
    await sim.close();
    sim = await startEmbeddedPaymentsSimulator({
      seed: 23,
      now: fixedClock,
      nonZeroBalanceCode: 'BAD_REQUEST',
      accounts: [{ id: 'ep0002', balance: 12.5 }],
    });
    const error = (
      await adapterFor({ preflight: false }).closeAccount({ accountId: 'ep0002', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrapErr();
    expect(error).toMatchObject({
      code: 'NON_ZERO_BALANCE',
      httpStatus: 400,
      providerCode: 'BAD_REQUEST',
      closure: { closureId: 'ep0002', state: { unified: 'PENDING', raw: 'PENDING_CLOSE' }, created: null },
    });
    expect(sim.control.getAccount('ep0002')?.state).toBe('PENDING_CLOSE');
    expect(sim.control.counters().requests[CLOSE]).toBe(1);
  });

  it('keeps a 5xx whose body names a business code a 5xx: reads back, then resends once OPEN', async () => {
    sim.control.injectFaults({
      match: { method: closeMethod, path: '/accounts/ep0001' },
      fault: {
        type: 'status',
        code: 503,
        body: { title: 'ACCOUNT_ALREADY_CLOSED', error: 'ACCOUNT_HAS_NON_ZERO_BALANCE' },
      },
      times: 1,
    });
    const closure = (
      await adapterFor({ preflight: false }).closeAccount({ accountId: 'ep0001', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrap();
    expect(closure).toMatchObject({ closureId: 'ep0001', state: { unified: 'PENDING' }, created: true });
    expect(sim.control.counters().requests).toMatchObject({ [CLOSE]: 2, [ACCOUNT]: 1 });
    expect(sim.control.counters().closures).toEqual({ ep0001: 1 });
  });

  it('maps an unknown account to ACCOUNT_NOT_FOUND and an open account to CLOSURE_NOT_FOUND', async () => {
    for (const adapter of [adapterFor(), adapterFor({ preflight: false })]) {
      const error = (
        await adapter.closeAccount({ accountId: 'nosuch01', reason: 'CUSTOMER_REQUEST' })
      )._unsafeUnwrapErr();
      expect(error).toMatchObject({ code: 'ACCOUNT_NOT_FOUND', httpStatus: 404, retryable: false });
    }
    const open = (await adapterFor().getClosure({ accountId: 'ep0001' }))._unsafeUnwrapErr();
    expect(open).toMatchObject({ code: 'CLOSURE_NOT_FOUND', details: { state: 'OPEN' } });
  });

  it('delivers the ACCOUNT_CLOSED notification, accepted with the bearer token and refused with another', async () => {
    receiver = await startWebhookReceiver();
    sim.control.setWebhookUrl(receiver.url);
    const adapter = adapterFor();
    (await adapter.closeAccount({ accountId: 'ep0001', reason: 'CUSTOMER_REQUEST' }))._unsafeUnwrap();
    sim.control.service('ep0001');
    await sim.control.flushWebhooks();
    expect(receiver.received).toHaveLength(1);
    const webhook = receiver.received[0];
    if (!webhook) throw new Error('no webhook');
    expect(webhook.headers.authorization).toBe(`Bearer ${sim.credentials.webhookBearerToken}`);

    const event = (
      await adapter.parseWebhook({ rawBody: webhook.rawBody, headers: webhook.headers })
    )._unsafeUnwrap();
    expect(event).toMatchObject({
      provider: 'embedded-payments',
      eventId: (JSON.parse(webhook.rawBody) as { eventId: string }).eventId,
      type: 'ACCOUNT_CLOSED',
      accountId: 'ep0001',
      closure: { closureId: 'ep0001', state: { unified: 'CLOSED', raw: 'CLOSED' } },
    });
    expect(event.eventId).toMatch(/^\d{12}$/);

    const wrong = adapterFor({ webhookCredentials: ['a-different-token-0123456789'] });
    const refused = (
      await wrong.parseWebhook({ rawBody: webhook.rawBody, headers: webhook.headers })
    )._unsafeUnwrapErr();
    expect(refused.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect(JSON.stringify(refused)).not.toContain(sim.credentials.webhookBearerToken ?? 'unreachable');
    const unconfigured = adapterFor({ webhookCredentials: [] });
    expect(
      (
        await unconfigured.parseWebhook({ rawBody: webhook.rawBody, headers: webhook.headers })
      )._unsafeUnwrapErr().code,
    ).toBe('WEBHOOK_SIGNATURE_INVALID');
  });

  it('refuses an unsupported reason and answers listClosures without sending anything', async () => {
    const adapter = adapterFor();
    const error = (
      await adapter.closeAccount({ accountId: 'ep0001', reason: 'REVOCATION' })
    )._unsafeUnwrapErr();
    expect(error.code).toBe('REASON_NOT_SUPPORTED');
    expect((await adapter.listClosures({}))._unsafeUnwrapErr().code).toBe('OPERATION_NOT_SUPPORTED');
    expect(
      (
        await adapter.closeAccount({ accountId: 'x'.repeat(35), reason: 'CUSTOMER_REQUEST' })
      )._unsafeUnwrapErr().code,
    ).toBe('INVALID_REQUEST');
    expect(sim.control.counters()).toMatchObject({ totalRequests: 0, maxClosuresPerAccount: 0 });
  });
});

describe('Embedded Payments notifications with a custom credential header', () => {
  it('verifies the raw header value the portal configured instead of a bearer token', async () => {
    const custom = await startEmbeddedPaymentsSimulator({
      seed: 23,
      webhookBearerToken: null,
      webhookHeaders: { 'X-CustomKey1': 'custom-header-credential-42' },
      webhookRetry: { baseDelayMs: 1, maxDelayMs: 5 },
      accounts: [{ id: 'ep0001', state: 'PENDING_CLOSE', closureReason: 'ELECTIVE' }],
    });
    receiver = await startWebhookReceiver();
    try {
      custom.control.setWebhookUrl(receiver.url);
      custom.control.service('ep0001');
      await custom.control.flushWebhooks();
      const webhook = receiver.received[0];
      if (!webhook) throw new Error('no webhook');
      expect(webhook.headers.authorization).toBeUndefined();
      const adapter = embeddedPaymentsAdapterFor(custom, 'v1', {
        webhookCredentials: ['custom-header-credential-42'],
        webhookCredentialHeader: 'X-CustomKey1',
      });
      const event = (
        await adapter.parseWebhook({ rawBody: webhook.rawBody, headers: webhook.headers })
      )._unsafeUnwrap();
      expect(event).toMatchObject({ type: 'ACCOUNT_CLOSED', accountId: 'ep0001' });
      const bearerOnly = embeddedPaymentsAdapterFor(custom, 'v1', {
        webhookCredentials: ['custom-header-credential-42'],
      });
      expect(
        (
          await bearerOnly.parseWebhook({ rawBody: webhook.rawBody, headers: webhook.headers })
        )._unsafeUnwrapErr().code,
      ).toBe('WEBHOOK_SIGNATURE_INVALID');
    } finally {
      await custom.close();
    }
  });
});
