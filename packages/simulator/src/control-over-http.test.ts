import { afterEach, describe, expect, it } from 'vitest';
import { http, postJson } from './common/test-support';
import { startWebhookReceiver, type WebhookReceiver } from './common/webhook-receiver';
import { type Simulators, startSimulators } from './start-simulators';

let sims: Simulators | null = null;
let receiver: WebhookReceiver | null = null;

afterEach(async () => {
  await sims?.close();
  await receiver?.close();
  sims = null;
  receiver = null;
});

const control = (base: string, method: string, path: string, body?: unknown) =>
  http(`${base}/__control${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('startSimulators', () => {
  it('starts all three on distinct loopback ports with one seed, and closes them together', async () => {
    sims = await startSimulators({ seed: 4 });
    const urls = [sims.solaris.url, sims.embeddedPayments.url, sims.udara360.url];
    expect(new Set(urls).size).toBe(3);
    for (const url of urls) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sims.embeddedPayments.v1BaseUrl).toBe(`${sims.embeddedPayments.url}/embedded/v1`);
    expect(sims.solaris.tokenUrl).toBe(`${sims.solaris.url}/oauth2/token`);
    const index = await control(sims.udara360.url, 'GET', '');
    expect(index.body).toMatchObject({ provider: 'udara360', url: sims.udara360.url });
  });
});

describe('control API over HTTP', () => {
  it('seeds, patches, reads accounts and reports counters (Solaris lifecycle end to end)', async () => {
    sims = await startSimulators();
    const base = sims.solaris.url;
    receiver = await startWebhookReceiver();
    const seeded = await control(base, 'POST', '/accounts', { accounts: [{ id: 'h1cacc', balance: 3 }] });
    expect(seeded.status).toBe(200);
    expect(seeded.body).toMatchObject({ accounts: [{ id: 'h1cacc', balance: 3, status: 'ACTIVE' }] });
    expect((await control(base, 'PATCH', '/accounts/h1cacc', { balance: 0 })).body).toMatchObject({
      balance: 0,
    });
    expect((await control(base, 'PUT', '/webhook', { url: receiver.url })).body).toEqual({
      url: receiver.url,
    });

    const created = await control(base, 'POST', '/provider-closures', { accountId: 'h1cacc' });
    expect(created.status).toBe(201);
    const acrId = (created.body as { id: string }).id;
    expect((await control(base, 'POST', '/advance', { closureId: acrId, to: 'end' })).body).toMatchObject({
      status: 'COMPLETED',
    });
    expect((await control(base, 'GET', `/closures/${acrId}`)).body).toMatchObject({ status: 'COMPLETED' });
    const flushed = await control(base, 'POST', '/webhooks/flush');
    expect(
      (flushed.body as { deliveries: { eventType: string; status: string }[] }).deliveries.map((d) => [
        d.eventType,
        d.status,
      ]),
    ).toEqual([
      ['ACCOUNT_CLOSURE_REQUEST', 'delivered'],
      ['ACCOUNT_CLOSURE_REQUEST_UPDATE', 'delivered'],
      ['ACCOUNT_CLOSURE_REQUEST_UPDATE', 'delivered'],
      ['ACCOUNT_CLOSURE_REQUEST_UPDATE', 'delivered'],
      ['ACCOUNT_CLOSURE', 'delivered'],
    ]);
    expect((await control(base, 'GET', '/counters')).body).toEqual({
      closures: { h1cacc: 1 },
      maxClosuresPerAccount: 1,
      // The close went through the control API, not the provider route: no close request counted.
      closeRequests: {},
      maxCloseRequestsPerAccount: 0,
      requests: {},
      totalRequests: 0,
    });
  });

  it('injects, lists and clears faults (regex via pathRegex), and resets', async () => {
    sims = await startSimulators({ embeddedPayments: { accounts: [{ id: 'e1' }] } });
    const base = sims.embeddedPayments.url;
    const injected = await control(base, 'POST', '/faults', {
      rules: [
        {
          match: { method: 'GET', pathRegex: '/accounts/e1$' },
          fault: { type: 'status', code: 500 },
          times: 2,
        },
      ],
    });
    expect(injected.body).toEqual({
      rules: [
        {
          index: 0,
          rule: {
            match: { method: 'GET', pathRegex: '/accounts/e1$' },
            fault: { type: 'status', code: 500 },
            times: 2,
          },
          remaining: 2,
          applied: 0,
        },
      ],
    });
    expect((await http(`${sims.embeddedPayments.v2BaseUrl}/accounts/e1`)).status).toBe(500);
    expect((await control(base, 'GET', '/faults')).body).toMatchObject({
      rules: [{ remaining: 1, applied: 1 }],
    });
    expect((await control(base, 'DELETE', '/faults')).body).toEqual({ rules: [] });
    expect((await http(`${sims.embeddedPayments.v2BaseUrl}/accounts/e1`)).status).toBe(200);

    await postJson(`${sims.embeddedPayments.v1BaseUrl}/accounts/e1`, {
      state: 'CLOSED',
      closureReason: 'OTHER',
    });
    expect((await control(base, 'POST', '/advance', { accountId: 'e1' })).body).toMatchObject({
      outcome: 'closed',
      account: { state: 'CLOSED' },
    });
    expect((await control(base, 'POST', '/reset')).body).toEqual({ reset: true });
    expect((await control(base, 'GET', '/accounts/e1')).body).toMatchObject({ state: 'OPEN' });
    expect((await control(base, 'GET', '/counters')).body).toMatchObject({ closures: {}, totalRequests: 0 });
  });

  it('scripts Udara posting codes and revokes tokens', async () => {
    sims = await startSimulators({ udara360: { accounts: [{ accountNumber: '7' }] } });
    const base = sims.udara360.url;
    expect((await control(base, 'POST', '/posting-codes', { codes: [{ code: '90' }] })).status).toBe(200);
    const token = (
      (await postJson(`${base}/api/auth/v1/authenticate`, sims.udara360.credentials)).body as {
        accessToken: string;
      }
    ).accessToken;
    const closeWith = (reference: string) =>
      postJson(
        `${base}/api/postings/v1/closeaccount`,
        { accountNumber: '7', closureReason: 'Duplication' },
        { authorization: `Bearer ${token}`, 'request-reference': reference },
      );
    expect((await closeWith('r1')).body).toMatchObject({ data: { statusCode: '90' } });
    expect((await closeWith('r2')).body).toMatchObject({ data: { statusCode: '00' } });
    await control(base, 'POST', '/tokens/revoke');
    expect((await closeWith('r3')).status).toBe(401);
  });

  it('answers invalid control input with 400 and the issues, unknown things with 404', async () => {
    sims = await startSimulators();
    const base = sims.embeddedPayments.url;
    const invalid = await control(base, 'POST', '/accounts', [{ id: 'x'.repeat(35), state: 'WEIRD' }]);
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({
      error: {
        code: 'INVALID_CONTROL_INPUT',
        message: expect.stringContaining('Invalid Embedded Payments accounts'),
        issues: [expect.stringMatching(/^0\.id:/), expect.stringMatching(/^0\.state:/)],
      },
    });
    expect((await control(base, 'POST', '/faults', { fault: { type: 'nope' } })).status).toBe(400);
    expect((await control(base, 'PUT', '/webhook', { url: 'ftp://x' })).status).toBe(400);
    expect((await control(base, 'GET', '/accounts/nope')).status).toBe(404);
    expect((await control(base, 'PATCH', '/accounts/nope', { balance: 1 })).body).toMatchObject({
      error: { code: 'ACCOUNT_NOT_FOUND' },
    });
    expect((await control(base, 'GET', '/nothing')).status).toBe(404);
    expect((await http(`${base}/__control/reset`, { method: 'POST', body: '{' })).status).toBe(400);
    expect((await control(sims.solaris.url, 'POST', '/advance', { closureId: 'none' })).body).toMatchObject({
      error: { code: 'CLOSURE_NOT_FOUND' },
    });
  });
});
