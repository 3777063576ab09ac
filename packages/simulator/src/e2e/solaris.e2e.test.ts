import type { Closure, ClosureEvent, ClosurePage } from '@closekit/core';
import type { SolarisAdapterSettings } from '@closekit/solaris';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../common/webhook-receiver';
import { type SolarisSimulator, startSolarisSimulator } from '../solaris/solaris-simulator';
import {
  solarisAdapterFor as fastAdapterFor,
  fixedClock,
  hookLog,
  recordingFetch,
  TODAY,
} from './e2e-support';

const ACRS = '/v1/account_closure_requests';
const ACR_ID = /^[0-9a-f]{32}acrq$/;
const CREATE = `POST ${ACRS}`;
const LIST = `GET ${ACRS}`;
const GET = `GET ${ACRS}/:id`;
const TOKEN = 'POST /oauth2/token';

let sim: SolarisSimulator;
let receiver: WebhookReceiver | null = null;

beforeEach(async () => {
  sim = await startSolarisSimulator({
    seed: 11,
    now: fixedClock,
    webhookRetry: { baseDelayMs: 1, maxDelayMs: 5 },
    accounts: [
      { id: 'acc1cacc', iban: 'DE02100100109307118603', personId: 'p1cper' },
      { id: 'richcacc', balance: 12.5 },
      { id: 'debtcacc', balance: -3 },
      { id: 'closedcacc', status: 'CLOSED' },
      { id: 'blockedcacc', complianceBlock: true },
    ],
  });
});

afterEach(async () => {
  await sim.close();
  await receiver?.close();
  receiver = null;
});

const requests = () => sim.control.counters().requests;

/**
 * These scenarios inject no faults and count requests exactly: a per-attempt timeout roomy enough
 * that a loaded machine never turns a slow answer into a retry (the fault suites keep FAST's).
 */
const solarisAdapterFor = (target: SolarisSimulator, overrides: SolarisAdapterSettings = {}) =>
  fastAdapterFor(target, { timeoutMs: 10_000, ...overrides });

describe('Solaris end to end: closing', () => {
  it('creates an ACR, follows the lifecycle driven by the simulator and reads it back as CLOSED', async () => {
    const adapter = solarisAdapterFor(sim);
    const created = (
      await adapter.closeAccount({ accountId: 'acc1cacc', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrap();
    expect(created).toMatchObject({
      provider: 'solaris',
      accountId: 'acc1cacc',
      state: { unified: 'REQUESTED', raw: 'INITIATED' },
      reason: { unified: 'CUSTOMER_REQUEST', raw: 'CUSTOMER_WISH' },
      initiatedBy: 'partner',
      created: true,
      failure: null,
      legalClosureDate: null,
      technicalClosureDate: null,
    });
    expect(created.closureId).toMatch(ACR_ID);

    const steps: [string, string][] = [];
    for (let step = 0; step < 3; step++) {
      sim.control.advance({ closureId: created.closureId });
      const read = (await adapter.getClosure({ closureId: created.closureId }))._unsafeUnwrap();
      steps.push([read.state.unified, read.state.raw]);
    }
    expect(steps).toEqual([
      ['PENDING', 'CONFIRMED'],
      ['PENDING', 'IN_PROGRESS'],
      ['CLOSED', 'COMPLETED'],
    ]);
    const closed = (await adapter.getClosure({ accountId: 'acc1cacc' }))._unsafeUnwrap();
    expect(closed).toMatchObject({
      closureId: created.closureId,
      state: { unified: 'CLOSED', raw: 'COMPLETED' },
      legalClosureDate: TODAY,
      technicalClosureDate: TODAY,
      failure: null,
      payoutAllowed: false,
    });
    expect(sim.control.getAccount('acc1cacc')?.status).toBe('CLOSED');

    const counters = sim.control.counters();
    expect(counters.closures).toEqual({ acc1cacc: 1 });
    // One token for the whole session, one create, three reads by id, one list by account.
    expect(counters.requests).toEqual({ [TOKEN]: 1, [CREATE]: 1, [GET]: 3, [LIST]: 1 });
  });

  it('sends exactly the documented create request with the bearer token', async () => {
    const recorder = recordingFetch();
    // REVOCATION needs Solaris' agreement first (provider doc §3): enabled here as a user would.
    const adapter = solarisAdapterFor(sim, {
      fetch: recorder.fetch,
      reasonMap: { REVOCATION: 'ACCOUNT_REVOCATION' },
    });
    (await adapter.closeAccount({ accountId: 'acc1cacc', reason: 'REVOCATION' }))._unsafeUnwrap();
    expect(recorder.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /oauth2/token',
      `POST ${ACRS}`,
    ]);
    const [token, create] = recorder.requests;
    expect(token?.body).toBe('grant_type=client_credentials&scope=partners');
    expect(token?.headers.authorization).toBe(
      `Basic ${Buffer.from('solaris-sim-client:solaris-sim-secret').toString('base64')}`,
    );
    expect(create?.headers.authorization).toMatch(/^Bearer [0-9a-f]{48}$/);
    expect(JSON.parse(create?.body ?? '')).toEqual({
      account_id: 'acc1cacc',
      closure_reason: 'ACCOUNT_REVOCATION',
    });
  });

  it('answers a repeat close with the existing ACR (created: false) and never creates a second one', async () => {
    const adapter = solarisAdapterFor(sim);
    const first = (
      await adapter.closeAccount({ accountId: 'acc1cacc', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrap();
    const second = (
      await adapter.closeAccount({ accountId: 'acc1cacc', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrap();
    expect(second).toMatchObject({ closureId: first.closureId, created: false });
    sim.control.advance({ closureId: first.closureId, to: 'end' });
    const third = (
      await adapter.closeAccount({ accountId: 'acc1cacc', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrap();
    expect(third).toMatchObject({ closureId: first.closureId, created: false, state: { unified: 'CLOSED' } });
    expect(sim.control.counters()).toMatchObject({ closures: { acc1cacc: 1 }, maxClosuresPerAccount: 1 });
  });

  it.each([
    ['a positive balance', 'richcacc', 'positive_balance', 'NON_ZERO_BALANCE'],
    ['a negative balance', 'debtcacc', 'negative_balance', 'NON_ZERO_BALANCE'],
    ['an account that is already closed', 'closedcacc', 'account_inactive', 'ALREADY_CLOSED'],
  ] as const)(
    'reports %s asynchronously: FAILED with failure %s',
    async (_label, accountId, providerCode, code) => {
      const adapter = solarisAdapterFor(sim);
      const created = (await adapter.closeAccount({ accountId, reason: 'CUSTOMER_REQUEST' }))._unsafeUnwrap();
      expect(created.state.unified).toBe('REQUESTED');
      sim.control.advance({ closureId: created.closureId, to: 'end' });
      const failed = (await adapter.getClosure({ accountId }))._unsafeUnwrap();
      expect(failed.state).toEqual({ unified: 'FAILED', raw: 'FAILED' });
      expect(failed.failure).toEqual({ code, providerCode, message: expect.any(String) });
      expect(failed.technicalClosureDate).toBeNull();
    },
  );

  it('maps an unknown account to ACCOUNT_NOT_FOUND and unknown ids to CLOSURE_NOT_FOUND', async () => {
    const adapter = solarisAdapterFor(sim);
    const close = (
      await adapter.closeAccount({ accountId: 'nosuchcacc', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrapErr();
    expect(close).toMatchObject({
      code: 'ACCOUNT_NOT_FOUND',
      provider: 'solaris',
      httpStatus: 404,
      providerCode: 'model_not_found',
      retryable: false,
    });
    const byId = (await adapter.getClosure({ closureId: `${'0'.repeat(32)}acrq` }))._unsafeUnwrapErr();
    expect(byId).toMatchObject({ code: 'CLOSURE_NOT_FOUND', httpStatus: 404 });
    const byAccount = (await adapter.getClosure({ accountId: 'acc1cacc' }))._unsafeUnwrapErr();
    expect(byAccount.code).toBe('CLOSURE_NOT_FOUND');
    expect(sim.control.counters().closures).toEqual({});
  });

  it('maps a refusal that names a compliance block to ACCOUNT_BLOCKED, whatever its status', async () => {
    // The simulator's default refusal is 403 unauthorized_action with a detail naming the block.
    // The adapter's table checks the detail before the 403 rules: naming the block is more specific.
    const adapter = solarisAdapterFor(sim);
    const byCode = (
      await adapter.closeAccount({ accountId: 'blockedcacc', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrapErr();
    expect(byCode).toMatchObject({
      code: 'ACCOUNT_BLOCKED',
      httpStatus: 403,
      providerCode: 'unauthorized_action',
      retryable: false,
    });
    expect(byCode.message).toContain('compliance block');
    expect(requests()[CREATE]).toBe(1);

    const undocumented = await startSolarisSimulator({
      seed: 11,
      accounts: [{ id: 'blockedcacc', complianceBlock: true }],
      complianceBlockResponse: { status: 422, code: 'unprocessable_entity' },
    });
    try {
      const byDetail = (
        await solarisAdapterFor(undocumented).closeAccount({
          accountId: 'blockedcacc',
          reason: 'CUSTOMER_REQUEST',
        })
      )._unsafeUnwrapErr();
      expect(byDetail).toMatchObject({
        code: 'ACCOUNT_BLOCKED',
        httpStatus: 422,
        providerCode: 'unprocessable_entity',
        retryable: false,
      });
      expect(undocumented.control.counters().closures).toEqual({});
    } finally {
      await undocumented.close();
    }
  });

  it('reads a token-policy refusal that says "blocked" as PERMISSION_DENIED, not ACCOUNT_BLOCKED', async () => {
    const policy = await startSolarisSimulator({
      seed: 11,
      accounts: [{ id: 'acc1cacc' }],
      agreedReasons: ['CUSTOMER_WISH'],
    });
    try {
      // The user opted in to FRAUD, but Solaris has not agreed it for this partner.
      const adapter = solarisAdapterFor(policy, { reasonMap: { FRAUD: 'COMPLIANCE_IMMEDIATE_PARTNER' } });
      const error = (
        await adapter.closeAccount({ accountId: 'acc1cacc', reason: 'FRAUD' })
      )._unsafeUnwrapErr();
      expect(error).toMatchObject({
        code: 'PERMISSION_DENIED',
        httpStatus: 403,
        providerCode: 'unauthorized_action',
        retryable: false,
      });
      expect(error.message).toContain('Action blocked by token policy');
      expect(policy.control.counters().closures).toEqual({});
    } finally {
      await policy.close();
    }
  });

  it('answers an account closed earlier with Ok, CLOSED, created: false and the same closureId', async () => {
    const adapter = solarisAdapterFor(sim);
    const first = (
      await adapter.closeAccount({ accountId: 'acc1cacc', reason: 'CUSTOMER_REQUEST', idempotencyKey: 'k-1' })
    )._unsafeUnwrap();
    sim.control.advance({ closureId: first.closureId, to: 'end' });
    const again = (
      await adapter.closeAccount({ accountId: 'acc1cacc', reason: 'CUSTOMER_REQUEST', idempotencyKey: 'k-1' })
    )._unsafeUnwrap();
    expect(again).toMatchObject({
      closureId: first.closureId,
      state: { unified: 'CLOSED', raw: 'COMPLETED' },
      created: false,
    });
    // The closureId of every path is the ACR id, and getClosure finds it.
    const read = (await adapter.getClosure({ closureId: again.closureId }))._unsafeUnwrap();
    expect(read).toMatchObject({ closureId: first.closureId, state: { unified: 'CLOSED' } });
    expect(sim.control.counters().closures).toEqual({ acc1cacc: 1 });
  });

  it('re-authenticates once when the simulator revokes the token', async () => {
    const adapter = solarisAdapterFor(sim);
    (await adapter.closeAccount({ accountId: 'acc1cacc', reason: 'CUSTOMER_REQUEST' }))._unsafeUnwrap();
    sim.control.revokeTokens();
    (await adapter.getClosure({ accountId: 'acc1cacc' }))._unsafeUnwrap();
    expect(requests()).toEqual({ [TOKEN]: 2, [CREATE]: 1, [LIST]: 2 });
  });
});

describe('Solaris end to end: shared guarantees', () => {
  it('refuses an unsupported reason before anything is sent, even the token request', async () => {
    const adapter = solarisAdapterFor(sim);
    const error = (
      await adapter.closeAccount({ accountId: 'acc1cacc', reason: 'COURT_ORDER' })
    )._unsafeUnwrapErr();
    expect(error.code).toBe('REASON_NOT_SUPPORTED');
    // Reasons other than CUSTOMER_REQUEST need Solaris' agreement: off until enabled (provider doc §3).
    for (const reason of ['FRAUD', 'REGULATORY', 'REVOCATION', 'PARTNER_OFFBOARDING'] as const) {
      const refusal = (await adapter.closeAccount({ accountId: 'acc1cacc', reason }))._unsafeUnwrapErr();
      expect(refusal.code).toBe('REASON_NOT_SUPPORTED');
    }
    const refused = solarisAdapterFor(sim, { reasonMap: { CUSTOMER_REQUEST: null } });
    expect(
      (await refused.closeAccount({ accountId: 'acc1cacc', reason: 'CUSTOMER_REQUEST' }))._unsafeUnwrapErr()
        .code,
    ).toBe('REASON_NOT_SUPPORTED');
    expect(sim.control.counters()).toMatchObject({
      totalRequests: 0,
      requests: {},
      maxClosuresPerAccount: 0,
    });
  });

  it('refuses invalid input before anything is sent', async () => {
    const adapter = solarisAdapterFor(sim);
    const error = (
      await adapter.closeAccount({ accountId: '', reason: 'NOT_A_REASON' } as never)
    )._unsafeUnwrapErr();
    expect(error.code).toBe('INVALID_REQUEST');
    expect((error.details as { issues: unknown[] }).issues).toHaveLength(2);
    expect((await adapter.listClosures({ pageSize: 0 }))._unsafeUnwrapErr().code).toBe('INVALID_REQUEST');
    expect(sim.control.counters().totalRequests).toBe(0);
  });

  it('never shows the client secret or the token in hooks or raw payloads', async () => {
    const log = hookLog();
    const adapter = solarisAdapterFor(sim, { hooks: log.hooks });
    const closure = (
      await adapter.closeAccount({ accountId: 'acc1cacc', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrap();
    const seen = JSON.stringify([log.requests, log.responses, log.retries, closure]);
    expect(seen).not.toContain(sim.credentials.clientSecret);
    expect(seen).not.toMatch(/Bearer|Basic/);
    expect(log.requests.map((event) => event.operation)).toEqual(['authenticate', 'closeAccount']);
  });
});

describe('Solaris end to end: listClosures', () => {
  const accounts = ['l1cacc', 'l2cacc', 'l3cacc', 'l4cacc', 'l5cacc'];

  beforeEach(async () => {
    sim.control.seedAccounts(accounts.map((id) => ({ id })));
    const adapter = solarisAdapterFor(sim);
    for (const accountId of accounts) {
      (await adapter.closeAccount({ accountId, reason: 'CUSTOMER_REQUEST' }))._unsafeUnwrap();
    }
  });

  it('pages through every ACR with page/pageSize and a nextPage from the Link header', async () => {
    const adapter = solarisAdapterFor(sim);
    const seen: string[] = [];
    const nextPages: (number | null)[] = [];
    let page: number | null = 1;
    while (page !== null) {
      const result: ClosurePage = (await adapter.listClosures({ page, pageSize: 2 }))._unsafeUnwrap();
      seen.push(...result.items.map((closure: Closure) => closure.accountId));
      nextPages.push(result.nextPage);
      page = result.nextPage;
    }
    expect(seen).toEqual(accounts);
    expect(nextPages).toEqual([2, 3, null]);
  });

  it('filters by account and by state on the provider side', async () => {
    const adapter = solarisAdapterFor(sim);
    sim.control.advance({ accountId: 'l2cacc', to: 'end' });
    sim.control.advance({ accountId: 'l3cacc' });
    const byAccount = (await adapter.listClosures({ accountId: 'l4cacc' }))._unsafeUnwrap();
    expect(byAccount.items.map((closure) => closure.accountId)).toEqual(['l4cacc']);
    expect(byAccount.nextPage).toBeNull();
    const closed = (await adapter.listClosures({ state: 'CLOSED' }))._unsafeUnwrap();
    expect(closed.items.map((closure) => [closure.accountId, closure.state.raw])).toEqual([
      ['l2cacc', 'COMPLETED'],
    ]);
    const requested = (await adapter.listClosures({ state: 'REQUESTED' }))._unsafeUnwrap();
    expect(requested.items.map((closure) => closure.accountId)).toEqual(['l1cacc', 'l4cacc', 'l5cacc']);
    const pending = (await adapter.listClosures({ state: 'PENDING' }))._unsafeUnwrap();
    expect(pending.items.map((closure) => [closure.accountId, closure.state.raw])).toEqual([
      ['l3cacc', 'CONFIRMED'],
    ]);
    const legal = (
      await adapter.listClosures({ legalClosureDateMin: TODAY, legalClosureDateMax: TODAY })
    )._unsafeUnwrap();
    expect(legal.items.map((closure) => closure.accountId)).toEqual(['l2cacc', 'l3cacc']);
  });
});

describe('Solaris end to end: webhooks', () => {
  async function listen(respond?: (index: number) => number) {
    receiver = await startWebhookReceiver(respond ? { respond: (_webhook, index) => respond(index) } : {});
    sim.control.setWebhookUrl(receiver.url);
    return receiver;
  }

  const parseAll = async (adapter: ReturnType<typeof solarisAdapterFor>, target: WebhookReceiver) =>
    Promise.all(
      target.received.map(async (webhook) =>
        adapter.parseWebhook({ rawBody: webhook.rawBody, headers: webhook.headers }),
      ),
    );

  it('delivers signed lifecycle webhooks that the adapter verifies and normalises', async () => {
    const target = await listen();
    const adapter = solarisAdapterFor(sim);
    const created = (
      await adapter.closeAccount({ accountId: 'acc1cacc', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrap();
    sim.control.advance({ closureId: created.closureId, to: 'end' });
    await sim.control.flushWebhooks();

    const events = (await parseAll(adapter, target)).map((result) => result._unsafeUnwrap());
    expect(events.map((event) => [event.type, event.closure?.state.raw ?? null])).toEqual([
      ['CLOSURE_UPDATED', 'CONFIRMED'],
      ['CLOSURE_UPDATED', 'IN_PROGRESS'],
      ['CLOSURE_UPDATED', 'COMPLETED'],
      ['ACCOUNT_CLOSED', null],
    ]);
    for (const [index, event] of events.entries()) {
      expect(event.eventId).toBe(target.received[index]?.headers['solaris-webhook-id']);
      expect(event.accountId).toBe('acc1cacc');
    }
    const last = events[2] as ClosureEvent;
    expect(last.closure).toMatchObject({
      closureId: created.closureId,
      state: { unified: 'CLOSED' },
      initiatedBy: 'partner',
      technicalClosureDate: TODAY,
    });
    expect(target.received[0]?.headers['solaris-webhook-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('refuses the same deliveries with a wrong secret, and accepts them during a rotation', async () => {
    const target = await listen();
    const adapter = solarisAdapterFor(sim);
    (await adapter.closeAccount({ accountId: 'acc1cacc', reason: 'CUSTOMER_REQUEST' }))._unsafeUnwrap();
    sim.control.advance({ accountId: 'acc1cacc', to: 'end' });
    await sim.control.flushWebhooks();
    expect(target.received).toHaveLength(4);

    const wrong = solarisAdapterFor(sim, { webhookSecrets: ['not-the-subscription-secret'] });
    for (const result of await parseAll(wrong, target)) {
      const error = result._unsafeUnwrapErr();
      expect(error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
      expect(JSON.stringify(error)).not.toContain('not-the-subscription-secret');
    }
    const rotating = solarisAdapterFor(sim, {
      webhookSecrets: ['the-new-secret-not-live-yet', sim.credentials.webhookSecret],
    });
    expect((await parseAll(rotating, target)).every((result) => result.isOk())).toBe(true);
  });

  it('retries a refused delivery with the same Solaris-Webhook-Id, so the event id de-duplicates', async () => {
    const target = await listen((index) => (index === 0 ? 503 : 200));
    const adapter = solarisAdapterFor(sim);
    (await adapter.closeAccount({ accountId: 'acc1cacc', reason: 'CUSTOMER_REQUEST' }))._unsafeUnwrap();
    sim.control.advance({ accountId: 'acc1cacc' });
    await sim.control.flushWebhooks();
    expect(target.received.map((webhook) => webhook.headers['solaris-webhook-attempt'])).toEqual(['1', '2']);
    const [first, second] = (await parseAll(adapter, target)).map((result) => result._unsafeUnwrap());
    expect(first?.eventId).toBe(second?.eventId);
    expect(first).toEqual(second);
  });

  it('sees a Solaris-initiated closure as initiatedBy provider, by webhook and by getClosure', async () => {
    const target = await listen();
    const adapter = solarisAdapterFor(sim);
    const acr = sim.control.createProviderClosure({ accountId: 'acc1cacc' });
    await sim.control.flushWebhooks();
    expect(target.received).toHaveLength(1);
    expect(target.received[0]?.headers['solaris-webhook-event-type']).toBe('ACCOUNT_CLOSURE_REQUEST');

    const event = (
      await adapter.parseWebhook({
        rawBody: target.received[0]?.rawBody ?? '',
        headers: target.received[0]?.headers ?? {},
      })
    )._unsafeUnwrap();
    expect(event).toMatchObject({
      type: 'CLOSURE_REQUESTED',
      accountId: 'acc1cacc',
      closure: {
        closureId: acr.id,
        initiatedBy: 'provider',
        reason: { unified: 'REGULATORY', raw: 'COMPLIANCE_IMMEDIATE_INTERNAL' },
        state: { unified: 'REQUESTED', raw: 'INITIATED' },
      },
    });
    const read = (await adapter.getClosure({ closureId: acr.id }))._unsafeUnwrap();
    expect(read.initiatedBy).toBe('provider');
    // A partner close of the same account afterwards returns Solaris' ACR instead of creating one.
    const close = (
      await adapter.closeAccount({ accountId: 'acc1cacc', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrap();
    expect(close).toMatchObject({ closureId: acr.id, created: false, initiatedBy: 'provider' });
    expect(sim.control.counters().closures).toEqual({ acc1cacc: 1 });
  });
});
