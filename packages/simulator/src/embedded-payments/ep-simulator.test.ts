import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXED_NOW, fixedClock, http } from '../common/test-support';
import { startWebhookReceiver, type WebhookReceiver } from '../common/webhook-receiver';
import { type EmbeddedPaymentsSimulator, startEmbeddedPaymentsSimulator } from './ep-simulator';

const NOW = FIXED_NOW.toISOString();
const TODAY = NOW.slice(0, 10);

let sim: EmbeddedPaymentsSimulator;
let receiver: WebhookReceiver | null = null;

beforeEach(async () => {
  sim = await startEmbeddedPaymentsSimulator({
    seed: 3,
    now: fixedClock,
    webhookRetry: { baseDelayMs: 1, maxDelayMs: 5 },
    accounts: [
      { id: 'ldda0001', clientId: '1000010400', accountNumber: '20000097603212' },
      { id: 'ldda0002', category: 'LIMITED_DDA_PAYMENTS', balance: 12.5, clientId: '1000010400' },
      { id: 'ldda0003', balance: -4 },
      { id: 'dda00001', category: 'DDA' },
      { id: 'closed01', state: 'CLOSED' },
    ],
  });
});

afterEach(async () => {
  await sim.close();
  await receiver?.close();
  receiver = null;
});

const closeV1 = (id: string, body: unknown = { state: 'CLOSED', closureReason: 'ELECTIVE' }) =>
  http(`${sim.v1BaseUrl}/accounts/${id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const closeV2 = (
  id: string,
  requestId?: string,
  body: unknown = { state: 'CLOSED', closureReason: 'ELECTIVE' },
) =>
  http(`${sim.v2BaseUrl}/accounts/${id}`, {
    method: 'PATCH',
    headers: {
      'content-type': 'application/json',
      ...(requestId === undefined ? {} : { 'request-id': requestId }),
    },
    body: JSON.stringify(body),
  });

describe('EP account reads', () => {
  it('answers GET /accounts/{id} in the v1 and v2 shapes', async () => {
    const v1 = await http(`${sim.v1BaseUrl}/accounts/ldda0001`);
    expect(v1.status).toBe(200);
    expect(v1.body).toEqual({
      id: 'ldda0001',
      clientId: '1000010400',
      label: 'MAIN',
      state: 'OPEN',
      paymentRoutingInformation: {
        accountNumber: '20000097603212',
        country: 'US',
        routingInformation: [{ type: 'ABA', value: '028000024' }],
        status: 'ACTIVE',
      },
      category: 'LIMITED_DDA',
      createdAt: NOW,
    });
    const v2 = await http(`${sim.v2BaseUrl}/accounts/ldda0001`, { headers: { 'request-id': 'req-1' } });
    expect(v2.headers.get('request-id')).toBe('req-1');
    expect(v2.body).toEqual({
      id: 'ldda0001',
      clientId: '1000010400',
      label: 'MAIN',
      state: 'OPEN',
      category: 'LIMITED_DDA',
      paymentRoutingInformation: {
        accountNumber: '20000097603212',
        country: 'US',
        routingInformation: [{ routingCodeType: 'ABA', routingNumber: '028000024', transactionType: 'ACH' }],
        status: 'ACTIVE',
      },
      createdAt: NOW,
      updatedAt: NOW,
    });
  });

  it('answers 404 as v1 ApiError and v2 ApiErrorV2 (request-id echoed)', async () => {
    const v1 = await http(`${sim.v1BaseUrl}/accounts/unknown`);
    expect(v1.status).toBe(404);
    expect(v1.body).toEqual({
      title: 'Not Found',
      httpStatus: 404,
      error: 'NOT_FOUND',
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      context: [{ code: 'NOT_FOUND', location: 'PATH', field: 'id', message: 'Account unknown not found.' }],
    });
    const v2 = await http(`${sim.v2BaseUrl}/accounts/unknown`, { headers: { 'request-id': 'r-404' } });
    expect(v2.headers.get('request-id')).toBe('r-404');
    expect(v2.body).toEqual({
      title: 'Not Found',
      httpStatus: 404,
      traceId: expect.any(String),
      requestId: 'r-404',
      context: [{ code: 'NOT_FOUND', location: 'PATH', field: 'id', message: 'Account unknown not found.' }],
    });
  });

  it('refuses an id over 34 characters and a request-id over 36', async () => {
    expect((await http(`${sim.v2BaseUrl}/accounts/${'a'.repeat(35)}`)).body).toMatchObject({
      httpStatus: 400,
      context: [{ location: 'PATH', field: 'id' }],
    });
    const longRequestId = await http(`${sim.v2BaseUrl}/accounts/ldda0001`, {
      headers: { 'request-id': 'r'.repeat(37) },
    });
    expect(longRequestId.status).toBe(400);
    expect(longRequestId.body).toMatchObject({ context: [{ location: 'HEADER', field: 'request-id' }] });
  });

  it('answers balances as v1 balanceTypes (numbers) and v2 items (strings)', async () => {
    expect((await http(`${sim.v1BaseUrl}/accounts/ldda0002/balances`)).body).toEqual({
      id: 'ldda0002',
      date: TODAY,
      currency: 'USD',
      balanceTypes: [
        { typeCode: 'ITAV', amount: 12.5 },
        { typeCode: 'ITBD', amount: 12.5 },
      ],
    });
    expect((await http(`${sim.v2BaseUrl}/accounts/ldda0001/balances`)).body).toEqual({
      id: 'ldda0001',
      items: [
        {
          effectiveDate: TODAY,
          currency: 'USD',
          balances: [
            { type: 'INTERIM_AVAILABLE', amount: '0.00' },
            { type: 'INTERIM_BOOKED', amount: '0.00' },
            { type: 'INTERIM_EXPECTED', amount: '0.00' },
          ],
        },
      ],
    });
  });

  it('lists accounts of a client with 0-based pages', async () => {
    const page = await http(`${sim.v1BaseUrl}/accounts?clientId=1000010400&limit=1&page=1`);
    expect(page.body).toEqual({
      metadata: { page: 1, limit: 1, total_items: 2 },
      items: [expect.objectContaining({ id: 'ldda0002', category: 'LIMITED_DDA_PAYMENTS' })],
    });
    expect((await http(`${sim.v1BaseUrl}/accounts?limit=26`)).status).toBe(400);
  });
});

describe('EP close', () => {
  it('v1 POST at zero balance: 202 PENDING_CLOSE with debit and credit restrictions; a repeat changes nothing', async () => {
    const result = await closeV1('ldda0001');
    expect(result.status).toBe(202);
    expect(result.body).toEqual({ id: 'ldda0001', state: 'PENDING_CLOSE', closureReason: 'ELECTIVE' });
    const account = (await http(`${sim.v2BaseUrl}/accounts/ldda0001`)).body as { restrictions: unknown[] };
    expect(account).toMatchObject({ state: 'PENDING_CLOSE', closureReason: 'ELECTIVE' });
    expect(account.restrictions).toEqual([
      {
        restrictionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        restrictionType: 'DEBITS',
        restrictionReason: 'CLIENT_REQUESTED',
        restrictionStatus: 'ACTIVE',
      },
      {
        restrictionId: expect.any(String),
        restrictionType: 'CREDITS',
        restrictionReason: 'CLIENT_REQUESTED',
        restrictionStatus: 'ACTIVE',
      },
    ]);
    const repeat = await closeV1('ldda0001');
    expect(repeat.status).toBe(202);
    expect(sim.control.getAccount('ldda0001')?.restrictions).toHaveLength(2);
    expect(sim.control.closuresApplied('ldda0001')).toBe(1);
  });

  it('non-zero balance: 400 ACCOUNT_HAS_NON_ZERO_BALANCE yet OPEN -> PENDING_CLOSE with one restriction', async () => {
    const positive = await closeV1('ldda0002');
    expect(positive.status).toBe(400);
    expect(positive.body).toEqual({
      title: 'Bad Request',
      httpStatus: 400,
      error: 'ACCOUNT_HAS_NON_ZERO_BALANCE',
      traceId: expect.any(String),
      context: [
        {
          code: 'ACCOUNT_HAS_NON_ZERO_BALANCE',
          location: 'PATH',
          field: 'id',
          message:
            'Account cannot be closed due to an outstanding balance. Account balance must be zero to allow closure.',
        },
      ],
    });
    expect(sim.control.getAccount('ldda0002')).toMatchObject({
      state: 'PENDING_CLOSE',
      restrictions: [expect.objectContaining({ restrictionType: 'CREDITS' })],
    });
    const negative = await closeV2('ldda0003', 'r-neg');
    expect(negative.status).toBe(400);
    expect(negative.headers.get('request-id')).toBe('r-neg');
    expect(negative.body).toMatchObject({
      requestId: 'r-neg',
      context: [{ code: 'ACCOUNT_HAS_NON_ZERO_BALANCE' }],
    });
    expect(sim.control.getAccount('ldda0003')?.restrictions.map((r) => r.restrictionType)).toEqual([
      'DEBITS',
    ]);
    expect(sim.control.counters().closures).toEqual({ ldda0002: 1, ldda0003: 1 });
  });

  it('v2 PATCH: 202 with the request-id header', async () => {
    const result = await closeV2('ldda0001', 'efeacff8-fd2c-4f54-a12e-2a8f90d4d325');
    expect(result.status).toBe(202);
    expect(result.headers.get('request-id')).toBe('efeacff8-fd2c-4f54-a12e-2a8f90d4d325');
    expect(result.body).toEqual({ id: 'ldda0001', state: 'PENDING_CLOSE', closureReason: 'ELECTIVE' });
  });

  it('refuses closed accounts, other categories and bad bodies without changing anything', async () => {
    expect((await closeV1('closed01')).body).toMatchObject({
      httpStatus: 400,
      error: 'ACCOUNT_ALREADY_CLOSED',
      context: [{ code: 'ACCOUNT_ALREADY_CLOSED' }],
    });
    expect((await closeV2('dda00001')).body).toMatchObject({
      httpStatus: 400,
      context: [{ code: 'OPERATION_NOT_SUPPORTED' }],
    });
    expect(sim.control.getAccount('dda00001')?.state).toBe('OPEN');
    const bad = await closeV1('ldda0001', { state: 'OPEN' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      error: 'BAD_REQUEST',
      context: [
        { location: 'BODY', field: 'state' },
        { location: 'BODY', field: 'closureReason' },
      ],
    });
    const notJson = await http(`${sim.v1BaseUrl}/accounts/ldda0001`, { method: 'POST', body: '{' });
    expect(notJson.body).toMatchObject({ httpStatus: 400, error: 'BAD_REQUEST' });
    expect((await closeV1('unknown')).status).toBe(404);
    expect(sim.control.counters().closures).toEqual({});
  });

  it('uses the configured statuses for ACCOUNT_ALREADY_CLOSED and OPERATION_NOT_SUPPORTED', async () => {
    await sim.close();
    sim = await startEmbeddedPaymentsSimulator({
      alreadyClosedStatus: 409,
      notSupportedStatus: 422,
      accounts: [
        { id: 'c', state: 'CLOSED' },
        { id: 'd', category: 'DDA' },
      ],
    });
    expect((await closeV1('c')).status).toBe(409);
    expect((await closeV1('d')).status).toBe(422);
  });

  it('shows pending credits only in the v2 expected balance; they block neither the close nor servicing', async () => {
    sim.control.seedAccounts([{ id: 'incoming', pendingCredits: 7.5 }]);
    expect((await http(`${sim.v2BaseUrl}/accounts/incoming/balances`)).body).toMatchObject({
      items: [
        {
          balances: [
            { type: 'INTERIM_AVAILABLE', amount: '0.00' },
            { type: 'INTERIM_BOOKED', amount: '0.00' },
            { type: 'INTERIM_EXPECTED', amount: '7.5' },
          ],
        },
      ],
    });
    expect((await http(`${sim.v1BaseUrl}/accounts/incoming/balances`)).body).toMatchObject({
      balanceTypes: [
        { typeCode: 'ITAV', amount: 0 },
        { typeCode: 'ITBD', amount: 0 },
      ],
    });
    expect((await closeV2('incoming')).status).toBe(202);
    expect(sim.control.service('incoming').outcome).toBe('closed');
  });

  it('can answer the funded-account 400 with another code, still moving the account to PENDING_CLOSE', async () => {
    await sim.close();
    sim = await startEmbeddedPaymentsSimulator({
      nonZeroBalanceCode: 'BAD_REQUEST',
      accounts: [{ id: 'funded', balance: 3 }],
    });
    const answer = await closeV1('funded');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'BAD_REQUEST', context: [{ code: 'BAD_REQUEST' }] });
    expect(sim.control.getAccount('funded')?.state).toBe('PENDING_CLOSE');
  });

  it('does not route PATCH on v1 nor POST on v2 (405 with Allow)', async () => {
    const patchV1 = await http(`${sim.v1BaseUrl}/accounts/ldda0001`, { method: 'PATCH', body: '{}' });
    expect(patchV1.status).toBe(405);
    expect(patchV1.headers.get('allow')).toBe('GET, POST');
    expect((await http(`${sim.v2BaseUrl}/accounts/ldda0001`, { method: 'POST', body: '{}' })).status).toBe(
      405,
    );
  });
});

describe('EP servicing step and ACCOUNT_CLOSED notification', () => {
  it('closes PENDING_CLOSE only at zero balance and notifies with the bearer token', async () => {
    receiver = await startWebhookReceiver();
    sim.control.setWebhookUrl(receiver.url);
    await closeV1('ldda0002');
    expect(sim.control.service('ldda0002')).toMatchObject({ outcome: 'blocked', reason: 'NON_ZERO_BALANCE' });
    expect(sim.control.service('ldda0001')).toMatchObject({
      outcome: 'blocked',
      reason: 'NOT_PENDING_CLOSE',
    });
    sim.control.setBalance('ldda0002', 0);
    const serviced = sim.control.advance({ accountId: 'ldda0002' });
    expect(serviced).toMatchObject({ outcome: 'closed', reason: null, account: { state: 'CLOSED' } });
    await sim.control.flushWebhooks();
    const [webhook] = await receiver.waitFor(1);
    expect(webhook?.headers.authorization).toBe('Bearer ep-sim-webhook-token');
    const body = JSON.parse(webhook?.rawBody ?? '') as Record<string, unknown>;
    expect(body).toEqual({
      eventId: expect.stringMatching(/^\d{12}$/),
      eventType: 'ACCOUNT_CLOSED',
      resourceType: 'ACCOUNTS',
      resource: expect.any(String),
    });
    expect(JSON.parse(body.resource as string)).toEqual({
      id: 'ldda0002',
      clientId: '1000010400',
      label: 'MAIN',
      state: 'CLOSED',
      type: 'LIMITED_DDA_PAYMENTS',
      createdAt: NOW,
    });
    expect((await http(`${sim.v1BaseUrl}/accounts/ldda0002`)).body).toMatchObject({ state: 'CLOSED' });
    expect((await closeV1('ldda0002')).body).toMatchObject({ error: 'ACCOUNT_ALREADY_CLOSED' });
    expect(sim.control.closuresApplied('ldda0002')).toBe(1);
  });

  it('sends custom header fields and retries until 200', async () => {
    await sim.close();
    receiver = await startWebhookReceiver({ respond: (_webhook, index) => (index === 0 ? 500 : 200) });
    sim = await startEmbeddedPaymentsSimulator({
      webhookUrl: receiver.url,
      webhookBearerToken: null,
      webhookHeaders: { 'X-CustomKey1': 'shared-value' },
      webhookRetry: { baseDelayMs: 1 },
      accounts: [{ id: 'x1', state: 'PENDING_CLOSE' }],
    });
    sim.control.service('x1');
    await sim.control.flushWebhooks();
    const received = await receiver.waitFor(2);
    expect(received[1]?.headers['x-customkey1']).toBe('shared-value');
    expect(received[1]?.headers.authorization).toBeUndefined();
    expect(received[0]?.rawBody).toBe(received[1]?.rawBody);
    expect(sim.control.webhookDeliveries()[0]?.attempts.map((attempt) => attempt.status)).toEqual([500, 200]);
  });
});
