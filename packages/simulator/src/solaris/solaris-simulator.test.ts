import { verifyHmacSha256Hex } from '@closekit/core/adapter';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXED_NOW, fixedClock, http } from '../common/test-support';
import { startWebhookReceiver, type WebhookReceiver } from '../common/webhook-receiver';
import { type SolarisSimulator, startSolarisSimulator } from './solaris-simulator';

const ACRS = '/v1/account_closure_requests';
const TODAY = FIXED_NOW.toISOString().slice(0, 10);
const ACR_ID = /^[0-9a-f]{32}acrq$/;

let sim: SolarisSimulator;
let receiver: WebhookReceiver | null = null;

beforeEach(async () => {
  sim = await startSolarisSimulator({
    seed: 7,
    now: fixedClock,
    webhookRetry: { baseDelayMs: 1, maxDelayMs: 5 },
    accounts: [
      { id: 'acc1cacc', iban: 'DE00000000000000000001', personId: 'p1cper' },
      { id: 'acc2cacc', balance: 12.5 },
      { id: 'acc3cacc', balance: -3 },
      { id: 'blockedcacc', complianceBlock: true },
    ],
  });
});

afterEach(async () => {
  await sim.close();
  await receiver?.close();
  receiver = null;
});

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

function requestToken(authorization: string, body = 'grant_type=client_credentials&scope=partners') {
  return http(sim.tokenUrl, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}

async function token(): Promise<string> {
  const result = await requestToken(basic(sim.credentials.clientId, sim.credentials.clientSecret));
  return (result.body as { access_token: string }).access_token;
}

async function api(path: string, init: RequestInit = {}) {
  const bearer = await token();
  return http(`${sim.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...init.headers },
  });
}

const create = (accountId: unknown, reason: unknown = 'CUSTOMER_WISH') =>
  api(ACRS, { method: 'POST', body: JSON.stringify({ account_id: accountId, closure_reason: reason }) });

describe('Solaris OAuth token endpoint', () => {
  it('issues a bearer token for Basic client credentials with scope=partners', async () => {
    const result = await requestToken(basic('solaris-sim-client', 'solaris-sim-secret'));
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      access_token: expect.stringMatching(/^[0-9a-f]{48}$/),
      expires_in: 3599,
      scope: 'partners',
      token_type: 'bearer',
    });
  });

  it('refuses wrong credentials, a missing scope and another grant type', async () => {
    const wrong = await requestToken(basic('solaris-sim-client', 'nope'));
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({
      error: 'invalid_client',
      error_description: 'Client authentication failed.',
    });
    const good = basic('solaris-sim-client', 'solaris-sim-secret');
    expect((await requestToken(good, 'grant_type=client_credentials')).body).toMatchObject({
      error: 'invalid_scope',
    });
    expect((await requestToken(good, 'grant_type=password&scope=partners')).body).toMatchObject({
      error: 'unsupported_grant_type',
    });
  });

  it('answers the configured success status (201 like the public mock)', async () => {
    await sim.close();
    sim = await startSolarisSimulator({ tokenResponseStatus: 201, clientId: 'id', clientSecret: 'secret' });
    expect((await requestToken(basic('id', 'secret'))).status).toBe(201);
  });
});

describe('Solaris bearer requirement', () => {
  it('answers 401 token_required without a token and invalid_token for an unknown or revoked one', async () => {
    const missing = await http(`${sim.url}${ACRS}`);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({
      errors: [
        {
          id: expect.any(String),
          status: 401,
          code: 'token_required',
          title: 'Token Required',
          detail: 'Authorization token is required.',
        },
      ],
    });
    const unknown = await http(`${sim.url}${ACRS}`, { headers: { authorization: 'Bearer nope' } });
    expect(unknown.body).toMatchObject({ errors: [{ status: 401, code: 'invalid_token' }] });

    const bearer = await token();
    expect((await http(`${sim.url}${ACRS}`, { headers: { authorization: `Bearer ${bearer}` } })).status).toBe(
      200,
    );
    sim.control.revokeTokens();
    const revoked = await http(`${sim.url}${ACRS}`, { headers: { authorization: `Bearer ${bearer}` } });
    expect(revoked.body).toMatchObject({ errors: [{ code: 'invalid_token' }] });
  });

  it('expires tokens after expires_in seconds', async () => {
    let now = FIXED_NOW.getTime();
    await sim.close();
    sim = await startSolarisSimulator({ now: () => new Date(now), tokenTtlSeconds: 60 });
    const bearer = await token();
    now += 61_000;
    const result = await http(`${sim.url}${ACRS}`, { headers: { authorization: `Bearer ${bearer}` } });
    expect(result.status).toBe(401);
  });
});

describe('Solaris ACR create', () => {
  it('answers 201 with a new INITIATED ACR, then 200 with the same ACR for the same account', async () => {
    const first = await create('acc1cacc');
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.stringMatching(ACR_ID),
      closure_reason: 'CUSTOMER_WISH',
      status: 'INITIATED',
      account_id: 'acc1cacc',
      technical_closure_date: null,
      legal_closure_date: null,
      failure_reason: {},
      payout_allowed: false,
      updated_at: FIXED_NOW.toISOString(),
    });
    const repeat = await create('acc1cacc', 'ACCOUNT_REVOCATION');
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(first.body);
    expect(sim.control.closuresApplied('acc1cacc')).toBe(1);
    expect(sim.control.counters()).toMatchObject({
      closures: { acc1cacc: 1 },
      maxClosuresPerAccount: 1,
      requests: { 'POST /oauth2/token': 2, 'POST /v1/account_closure_requests': 2 },
    });
  });

  it('lists every validation problem in errors[] (missing, padded, wrong type, unknown reason)', async () => {
    const missing = await api(ACRS, { method: 'POST', body: JSON.stringify({ account_id: null }) });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      errors: [
        {
          id: expect.any(String),
          status: 400,
          code: 'validation_error',
          title: 'Validation Error',
          detail: 'account_id is missing',
          source: { field: 'account_id', message: 'account_id is missing' },
        },
        {
          id: expect.any(String),
          status: 400,
          code: 'validation_error',
          title: 'Validation Error',
          detail: 'closure_reason is missing',
          source: { field: 'closure_reason', message: 'closure_reason is missing' },
        },
      ],
    });
    expect((await create(' acc1cacc')).body).toMatchObject({
      errors: [{ code: 'validation_error', source: { field: 'account_id' } }],
    });
    expect((await create(42)).body).toMatchObject({
      errors: [{ code: 'type_error', source: { field: 'account_id' } }],
    });
    // Enums are case-sensitive and *_INTERNAL reasons are Solaris-only (§1, §6).
    for (const reason of ['customer_wish', 'CUSTOMER_WISH_INTERNAL']) {
      expect((await create('acc1cacc', reason)).body).toMatchObject({
        errors: [{ code: 'validation_error', source: { field: 'closure_reason' } }],
      });
    }
    const notJson = await api(ACRS, { method: 'POST', body: '{"account_id":' });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ errors: [{ code: 'invalid_json', status: 400 }] });
    expect(sim.control.counters().closures).toEqual({});
  });

  it('answers 404 model_not_found for an unknown account', async () => {
    const result = await create('unknowncacc');
    expect(result.status).toBe(404);
    expect(result.body).toMatchObject({
      errors: [
        {
          status: 404,
          code: 'model_not_found',
          detail: "Couldn't find 'Solaris::Account' for id 'unknowncacc'.",
        },
      ],
    });
  });

  it('refuses an account under a compliance block with the configured refusal', async () => {
    const result = await create('blockedcacc');
    expect(result.status).toBe(403);
    expect(result.body).toMatchObject({
      errors: [
        {
          code: 'unauthorized_action',
          detail: 'The account is under a compliance block: no account closure request can be created.',
        },
      ],
    });
    expect(sim.control.closuresApplied('blockedcacc')).toBe(0);
  });

  it('refuses a reason the partner has not agreed with Solaris by token policy (403 unauthorized_action)', async () => {
    await sim.close();
    sim = await startSolarisSimulator({
      seed: 7,
      accounts: [{ id: 'acc1cacc' }],
      agreedReasons: ['CUSTOMER_WISH'],
    });
    const refused = await create('acc1cacc', 'COMPLIANCE_IMMEDIATE_PARTNER');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      errors: [
        { code: 'unauthorized_action', detail: expect.stringContaining('Action blocked by token policy') },
      ],
    });
    expect(sim.control.closuresApplied('acc1cacc')).toBe(0);
    expect((await create('acc1cacc', 'CUSTOMER_WISH')).status).toBe(201);
  });

  it('allows a new ACR after a FAILED one (and counts both)', async () => {
    const first = (await create('acc2cacc')).body as { id: string };
    expect(sim.control.advance({ closureId: first.id, to: 'end' }).status).toBe('FAILED');
    const second = await create('acc2cacc');
    expect(second.status).toBe(201);
    expect((second.body as { id: string }).id).not.toBe(first.id);
    expect(sim.control.closuresApplied('acc2cacc')).toBe(2);
  });
});

describe('Solaris ACR read-back', () => {
  it('gets one ACR by id and answers 404 model_not_found for an unknown id', async () => {
    const created = (await create('acc1cacc')).body as { id: string };
    const found = await api(`${ACRS}/${created.id}`);
    expect(found.status).toBe(200);
    expect(found.body).toEqual(created);
    const missing = await api(`${ACRS}/nopeacrq`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ errors: [{ code: 'model_not_found' }] });
  });

  it('lists a bare array with filters, paging and total / per-page / link headers', async () => {
    const a = (await create('acc1cacc')).body as { id: string };
    const b = (await create('acc2cacc')).body as { id: string };
    const c = (await create('acc3cacc')).body as { id: string };
    sim.control.advance({ closureId: b.id });

    const page1 = await api(`${ACRS}?page[size]=2&page[number]=1`);
    expect(page1.status).toBe(200);
    expect((page1.body as { id: string }[]).map((acr) => acr.id)).toEqual([a.id, b.id]);
    expect(page1.headers.get('total')).toBe('3');
    expect(page1.headers.get('per-page')).toBe('2');
    expect(page1.headers.get('link')).toBe(
      [
        `<${sim.url}${ACRS}?page[size]=2&page[number]=1>; rel="first"`,
        `<${sim.url}${ACRS}?page[size]=2&page[number]=2>; rel="last"`,
        `<${sim.url}${ACRS}?page[size]=2&page[number]=2>; rel="next"`,
      ].join(', '),
    );
    const page2 = await api(`${ACRS}?page[size]=2&page[number]=2`);
    expect((page2.body as { id: string }[]).map((acr) => acr.id)).toEqual([c.id]);
    expect(page2.headers.get('link')).toContain('rel="prev"');
    expect(page2.headers.get('link')).not.toContain('rel="next"');

    const byAccount = await api(`${ACRS}?filter[account_id]=acc2cacc`);
    expect(byAccount.body).toEqual([expect.objectContaining({ id: b.id, status: 'CONFIRMED' })]);
    const byStatus = await api(`${ACRS}?filter[status]=INITIATED`);
    expect((byStatus.body as { id: string }[]).map((acr) => acr.id)).toEqual([a.id, c.id]);
    const byDate = await api(
      `${ACRS}?filter[legal_closure_date][min]=${TODAY}&filter[legal_closure_date][max]=${TODAY}`,
    );
    expect((byDate.body as { id: string }[]).map((acr) => acr.id)).toEqual([b.id]);
    const sorted = await api(`${ACRS}?sort=-created_at`);
    expect((sorted.body as { id: string }[]).map((acr) => acr.id)).toEqual([c.id, b.id, a.id]);
    const defaultPage = await api(ACRS);
    expect(defaultPage.headers.get('per-page')).toBe('10');
  });

  it('refuses bad paging and filter values with validation_error', async () => {
    const result = await api(`${ACRS}?page[size]=1001&filter[status]=DONE&sort=name`);
    expect(result.status).toBe(400);
    expect(
      (result.body as { errors: { source: { field: string } }[] }).errors.map((entry) => entry.source.field),
    ).toEqual(['page[size]', 'filter[status]', 'sort']);
  });
});

describe('Solaris lifecycle', () => {
  it('steps INITIATED -> CONFIRMED -> IN_PROGRESS -> COMPLETED and closes the account', async () => {
    const created = (await create('acc1cacc')).body as { id: string };
    const confirmed = sim.control.advance({ closureId: created.id });
    expect(confirmed).toMatchObject({
      status: 'CONFIRMED',
      legal_closure_date: TODAY,
      technical_closure_date: null,
    });
    expect(sim.control.advance({ accountId: 'acc1cacc' }).status).toBe('IN_PROGRESS');
    const completed = sim.control.advance({ accountId: 'acc1cacc' });
    expect(completed).toMatchObject({
      status: 'COMPLETED',
      technical_closure_date: TODAY,
      failure_reason: {},
    });
    expect(sim.control.getAccount('acc1cacc')?.status).toBe('CLOSED');
    expect((await api(`${ACRS}/${created.id}`)).body).toEqual(completed);
    expect(() => sim.control.advance({ closureId: created.id })).toThrow(/already COMPLETED/);
  });

  it('fails at the technical step with positive_balance / negative_balance / account_inactive', async () => {
    await create('acc2cacc');
    await create('acc3cacc');
    expect(sim.control.advance({ accountId: 'acc2cacc', to: 'end' })).toMatchObject({
      status: 'FAILED',
      failure_reason: {
        code: 'positive_balance',
        detail: "Account balance is positive, can't perform technical closure.",
      },
    });
    expect(sim.control.advance({ accountId: 'acc3cacc', to: 'end' }).failure_reason).toEqual({
      code: 'negative_balance',
      detail: "Account balance is negative, can't perform technical closure.",
    });
    sim.control.seedAccounts([{ id: 'closedcacc', status: 'CLOSED' }]);
    await create('closedcacc');
    expect(sim.control.advance({ accountId: 'closedcacc', to: 'end' }).failure_reason).toMatchObject({
      code: 'account_inactive',
    });
  });

  it('lets the balance be fixed before the technical step', async () => {
    await create('acc2cacc');
    sim.control.advance({ accountId: 'acc2cacc' });
    sim.control.setBalance('acc2cacc', 0);
    expect(sim.control.advance({ accountId: 'acc2cacc', to: 'end' }).status).toBe('COMPLETED');
  });

  it('fails or revokes an open ACR on request', async () => {
    await create('acc1cacc');
    expect(sim.control.failClosure({ accountId: 'acc1cacc', code: 'processing_timeout' })).toMatchObject({
      status: 'FAILED',
      failure_reason: { code: 'processing_timeout' },
    });
    await create('acc1cacc');
    expect(sim.control.revokeClosure({ accountId: 'acc1cacc' }).status).toBe('REVOKED');
  });
});

describe('Solaris webhooks', () => {
  const header = (value: string | string[] | undefined) =>
    (Array.isArray(value) ? value[0] : value) as string;

  it('sends signed ACCOUNT_CLOSURE_REQUEST_UPDATE per transition and ACCOUNT_CLOSURE on completion', async () => {
    receiver = await startWebhookReceiver();
    sim.control.setWebhookUrl(receiver.url);
    const created = (await create('acc1cacc')).body as { id: string };
    sim.control.advance({ closureId: created.id, to: 'end' });
    await sim.control.flushWebhooks();
    const received = await receiver.waitFor(4);
    expect(received.map((webhook) => header(webhook.headers['solaris-webhook-event-type']))).toEqual([
      'ACCOUNT_CLOSURE_REQUEST_UPDATE',
      'ACCOUNT_CLOSURE_REQUEST_UPDATE',
      'ACCOUNT_CLOSURE_REQUEST_UPDATE',
      'ACCOUNT_CLOSURE',
    ]);
    expect(received.map((webhook) => (JSON.parse(webhook.rawBody) as { status?: string }).status)).toEqual([
      'CONFIRMED',
      'IN_PROGRESS',
      'COMPLETED',
      undefined,
    ]);
    for (const webhook of received) {
      const signature = header(webhook.headers['solaris-webhook-signature']);
      expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(
        verifyHmacSha256Hex({
          rawBody: webhook.rawBody,
          signatureHex: signature.slice('sha256='.length),
          secrets: [sim.credentials.webhookSecret],
        }),
      ).toBe(true);
      expect(webhook.headers['content-type']).toBe('application/json');
      expect(webhook.headers['solaris-webhook-attempt']).toBe('1');
      expect(webhook.headers['solaris-webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(webhook.headers['solaris-webhook-subscription-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(received[0]?.headers['solaris-entity-id']).toBe(created.id);
    expect(received[3]?.headers['solaris-entity-id']).toBe('acc1cacc');
    expect(JSON.parse(received[3]?.rawBody ?? '')).toEqual({
      account_id: 'acc1cacc',
      person_id: 'p1cper',
      business_id: 'null',
      iban: 'DE00000000000000000001',
    });
    expect(sim.control.webhookDeliveries().map((delivery) => delivery.status)).toEqual([
      'delivered',
      'delivered',
      'delivered',
      'delivered',
    ]);
  });

  it('creates a Solaris-initiated closure with an ACCOUNT_CLOSURE_REQUEST webhook', async () => {
    receiver = await startWebhookReceiver();
    sim.control.setWebhookUrl(receiver.url);
    const acr = sim.control.createProviderClosure({
      accountId: 'acc1cacc',
      reason: 'SEIZURES_ORDINARY_INTERNAL',
    });
    expect(acr).toMatchObject({ status: 'INITIATED', closure_reason: 'SEIZURES_ORDINARY_INTERNAL' });
    const [webhook] = await receiver.waitFor(1);
    expect(webhook?.headers['solaris-webhook-event-type']).toBe('ACCOUNT_CLOSURE_REQUEST');
    expect(JSON.parse(webhook?.rawBody ?? '')).toEqual(acr);
    const partner = await create('acc1cacc');
    expect(partner.status).toBe(200);
    expect(partner.body).toEqual(acr);
    expect(sim.control.closuresApplied('acc1cacc')).toBe(1);
  });

  it('retries a non-2xx answer with the same id and signature, counting attempts', async () => {
    receiver = await startWebhookReceiver({ respond: (_webhook, index) => (index < 2 ? 500 : 200) });
    sim.control.setWebhookUrl(receiver.url);
    sim.control.createProviderClosure({ accountId: 'acc1cacc' });
    await sim.control.flushWebhooks();
    const received = await receiver.waitFor(3);
    expect(received.map((webhook) => webhook.headers['solaris-webhook-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(received.map((webhook) => webhook.headers['solaris-webhook-id'])).size).toBe(1);
    expect(new Set(received.map((webhook) => webhook.rawBody)).size).toBe(1);
    const [delivery] = sim.control.webhookDeliveries();
    expect(delivery).toMatchObject({ status: 'delivered', eventType: 'ACCOUNT_CLOSURE_REQUEST' });
    expect(delivery?.attempts.map((attempt) => attempt.status)).toEqual([500, 500, 200]);
  });

  it('gives up after maxAttempts, and does not retry 422 or 410', async () => {
    receiver = await startWebhookReceiver({ respond: () => 503 });
    sim.control.setWebhookUrl(receiver.url);
    sim.control.createProviderClosure({ accountId: 'acc1cacc' });
    await sim.control.flushWebhooks();
    expect(receiver.received).toHaveLength(5);
    expect(sim.control.webhookDeliveries()[0]?.status).toBe('failed');

    await receiver.close();
    receiver = await startWebhookReceiver({ respond: () => 422 });
    sim.control.setWebhookUrl(receiver.url);
    sim.control.createProviderClosure({ accountId: 'acc2cacc' });
    await sim.control.flushWebhooks();
    expect(receiver.received).toHaveLength(1);
    expect(sim.control.webhookDeliveries()[1]?.status).toBe('rejected');
  });

  it('records events raised with no registered URL as no-target', async () => {
    sim.control.createProviderClosure({ accountId: 'acc1cacc' });
    await sim.control.flushWebhooks();
    expect(sim.control.webhookDeliveries()).toEqual([
      expect.objectContaining({ status: 'no-target', url: null, attempts: [] }),
    ]);
  });
});
