import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXED_NOW, fixedClock, http, postJson } from '../common/test-support';
import { startUdara360Simulator, type Udara360Simulator } from './udara-simulator';

let sim: Udara360Simulator;

beforeEach(async () => {
  sim = await startUdara360Simulator({
    seed: 11,
    now: fixedClock,
    accounts: [
      { accountNumber: '0123456789', customerId: 'C1', customerName: 'Ada Obi', accountName: 'Ada Obi' },
      { accountNumber: '0000000002', balance: 500050 },
      { accountNumber: '0000000003', accountStatus: 7 },
      { accountNumber: '0000000004', accountStatus: 3 },
    ],
  });
});

afterEach(async () => {
  await sim.close();
});

const authenticate = (clientId: unknown = 'udara-sim-client', clientSecret: unknown = 'udara-sim-secret') =>
  postJson(`${sim.url}/api/auth/v1/authenticate`, { clientId, clientSecret });

async function bearer(): Promise<string> {
  return ((await authenticate()).body as { accessToken: string }).accessToken;
}

async function closeAccount(body: Record<string, unknown>, reference: string | null = 'ref-1') {
  return postJson(`${sim.url}/api/postings/v1/closeaccount`, body, {
    authorization: `bearer ${await bearer()}`,
    ...(reference === null ? {} : { 'request-reference': reference }),
  });
}

const close = (accountNumber: string, reference = `ref-${accountNumber}`) =>
  closeAccount(
    { accountNumber, closureReason: "Customer's request", instrumentNumber: `instr-${accountNumber}` },
    reference,
  );

async function lookup(path: string) {
  return http(`${sim.url}${path}`, { headers: { authorization: `Bearer ${await bearer()}` } });
}

describe('Udara360 authenticate', () => {
  it('issues a JWT-shaped token with tokenValiditySec and expirationTime (flat by default)', async () => {
    const result = await authenticate();
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      accessToken: expect.stringMatching(/^eyJ[\w-]+\.[\w-]+\.[0-9a-f]{43}$/),
      tokenType: 'Bearer',
      expirationTime: Math.floor(FIXED_NOW.getTime() / 1000) + 3600,
      tokenValiditySec: 3600,
    });
  });

  it('wraps the token in {status, message, data} with authResponseShape envelope', async () => {
    await sim.close();
    sim = await startUdara360Simulator({ authResponseShape: 'envelope', tokenValiditySec: 900 });
    expect((await authenticate()).body).toEqual({
      status: true,
      message: 'Authentication successful',
      data: expect.objectContaining({ tokenValiditySec: 900, accessToken: expect.any(String) }),
    });
  });

  it('refuses wrong or missing credentials in the errors[] envelope', async () => {
    const wrong = await authenticate('udara-sim-client', 'nope');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({
      errors: [
        { statusCode: 401, errorCode: 'INVALID_CREDENTIALS', errorMessage: 'Invalid client credentials.' },
      ],
    });
    expect((await authenticate(null, 'x')).status).toBe(400);
    expect((await authenticate('a'.repeat(101), 'x')).status).toBe(400);
  });

  it('requires the bearer on the API and honours revocation', async () => {
    const missing = await postJson(`${sim.url}/api/postings/v1/closeaccount`, {});
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ errors: [{ statusCode: 401, errorCode: 'UNAUTHORIZED' }] });
    const token = await bearer();
    sim.control.revokeTokens();
    const revoked = await http(`${sim.url}/api/account/v1/getbyaccountnumber?AccountNumber=0123456789`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(revoked.status).toBe(401);
  });
});

describe('Udara360 closeaccount', () => {
  it('answers 200 status true and statusCode "00", closing the account', async () => {
    const result = await close('0123456789');
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      status: true,
      message: 'Successful',
      data: {
        statusCode: '00',
        referenceNumber: expect.stringMatching(/^[0-9A-F]{20}$/),
        instrumentNumber: 'instr-0123456789',
        duration: expect.stringMatching(/^\d+\.\d{3}$/),
      },
    });
    expect(sim.control.getAccount('0123456789')?.accountStatus).toBe(3);
    expect(sim.control.counters()).toMatchObject({
      closures: { '0123456789': 1 },
      requests: { 'POST /api/auth/v1/authenticate': 1, 'POST /api/postings/v1/closeaccount': 1 },
    });
  });

  it('generates a GUID instrumentNumber when none is given', async () => {
    const result = await closeAccount({ accountNumber: '0123456789', closureReason: 'Duplication' });
    expect(result.body).toMatchObject({
      data: { statusCode: '00', instrumentNumber: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
  });

  it('never closes twice for a reused Request-Reference: "26" Duplicate Record', async () => {
    expect((await close('0123456789', 'same')).body).toMatchObject({ data: { statusCode: '00' } });
    sim.control.updateAccount('0123456789', { accountStatus: 1 });
    const again = await close('0123456789', 'same');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      status: false,
      message: 'Duplicate Record',
      data: { statusCode: '26' },
    });
    expect(sim.control.getAccount('0123456789')?.accountStatus).toBe(1);
    expect(sim.control.closuresApplied('0123456789')).toBe(1);
  });

  it('replays the first answer for a reused reference with duplicateReference replay', async () => {
    await sim.close();
    sim = await startUdara360Simulator({ duplicateReference: 'replay', accounts: [{ accountNumber: '1' }] });
    const first = await close('1', 'r');
    const second = await close('1', 'r');
    expect(second.body).toEqual(first.body);
    expect(sim.control.closuresApplied('1')).toBe(1);
  });

  it('answers the business refusals with HTTP 200 and status false', async () => {
    const code = async (accountNumber: string) =>
      ((await close(accountNumber)).body as { status: boolean; data: { statusCode: string } }).data
        .statusCode;
    expect(await code('0000000002')).toBe('51');
    expect(await code('9999999999')).toBe('25');
    expect(await code('0000000003')).toBe('57');
    expect(await code('0000000004')).toBe('26');
    expect((await close('0000000002', 'other')).body).toMatchObject({
      status: false,
      message: 'Insufficient Balance',
    });
    expect(sim.control.counters().closures).toEqual({});
  });

  it('answers "09" for a missing field, an over-long value or a missing Request-Reference', async () => {
    const statusCode = (result: { body: unknown }) =>
      (result.body as { data: { statusCode: string } }).data.statusCode;
    expect(statusCode(await closeAccount({ accountNumber: '0123456789' }))).toBe('09');
    expect(
      statusCode(await closeAccount({ accountNumber: '0123456789', closureReason: 'x'.repeat(151) })),
    ).toBe('09');
    expect(
      statusCode(await closeAccount({ accountNumber: '0123456789', closureReason: 'Duplication' }, null)),
    ).toBe('09');
    expect(
      statusCode(
        await closeAccount({ accountNumber: '0123456789', closureReason: 'Duplication' }, 'r'.repeat(101)),
      ),
    ).toBe('09');
    const notJson = await http(`${sim.url}/api/postings/v1/closeaccount`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await bearer()}`, 'content-type': 'application/json' },
      body: '{',
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ errors: [{ statusCode: 400, errorCode: 'INVALID_JSON' }] });
    expect(sim.control.counters().closures).toEqual({});
  });

  it('closes despite a balance when requireZeroBalance is false, and uses the configured code for Closed accounts', async () => {
    await sim.close();
    sim = await startUdara360Simulator({
      requireZeroBalance: false,
      closedAccountStatusCode: '06',
      accounts: [
        { accountNumber: '1', balance: 100 },
        { accountNumber: '2', accountStatus: 3 },
      ],
    });
    expect((await close('1')).body).toMatchObject({ data: { statusCode: '00' } });
    expect((await close('2')).body).toMatchObject({ data: { statusCode: '06' } });
  });

  it('answers injected posting codes, closing the account when asked (a 96 that applied)', async () => {
    sim.control.injectPostingCodes([
      { code: '96', closes: true },
      { code: '90', accountNumber: '0000000002' },
    ]);
    expect((await close('0123456789')).body).toMatchObject({
      status: false,
      message: 'Fatal Error',
      data: { statusCode: '96' },
    });
    expect(sim.control.getAccount('0123456789')?.accountStatus).toBe(3);
    expect((await close('0123456789', 'second')).body).toMatchObject({ data: { statusCode: '26' } });
    expect((await close('0000000002')).body).toMatchObject({ data: { statusCode: '90' } });
    expect(sim.control.counters().closures).toEqual({ '0123456789': 1 });
  });
});

describe('Udara360 account lookups', () => {
  it('getbyaccountnumber returns details, accountStatus and balances in the success envelope', async () => {
    await close('0123456789');
    const result = await lookup('/api/account/v1/getbyaccountnumber?AccountNumber=0123456789');
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      status: true,
      message: 'Successful',
      data: {
        id: 1,
        accountNumber: '0123456789',
        customerID: 'C1',
        customerName: 'Ada Obi',
        accountName: 'Ada Obi',
        accountType: 1,
        accountStatus: 3,
        ledgerBalance: 0,
        availableBalance: 0,
        withdrawableBalance: 0,
        lienAmount: 0,
      },
    });
  });

  it('answers 404 in errors[] for an unknown account and 400 without an account number', async () => {
    const unknown = await lookup('/api/account/v1/getbyaccountnumber?AccountNumber=404');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      errors: [{ statusCode: 404, errorCode: 'NOT_FOUND', errorMessage: 'No Record Found' }],
    });
    expect((await lookup('/api/account/v1/getbyaccountnumber')).status).toBe(400);
  });

  it('serves the balance endpoint, both SearchAccount routes and case-insensitive paths', async () => {
    sim.control.updateAccount('0000000002', { lienAmount: 50 });
    expect(
      (await lookup('/api/account/v1/getaccountbalancebyaccountnumber?accountNumber=0000000002')).body,
    ).toEqual({
      status: true,
      message: 'Successful',
      data: {
        accountNumber: '0000000002',
        ledgerBalance: 500050,
        availableBalance: 500000,
        withdrawableBalance: 500000,
        lienAmount: 50,
      },
    });
    const search = await lookup(
      '/api/account/v1/SearchAccount?accountNumber=0000000004&PageNumber=1&PageSize=10',
    );
    expect(search.body).toMatchObject({
      status: true,
      data: [{ accountNumber: '0000000004', accountStatus: 3 }],
    });
    const filtered = await lookup('/api/account/v1/searchaccount?accountNumber=0000000004&accountStatus=1');
    expect(filtered.body).toMatchObject({ data: [] });
    const put = await http(
      `${sim.url}/api/account/v1/api/account/v1/SearchAccount?accountNumber=0000000004`,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${await bearer()}` },
      },
    );
    expect(put.body).toMatchObject({ data: [{ accountStatus: 3 }] });
  });

  it('reports accountStatus by name with accountStatusFormat name', async () => {
    await sim.close();
    sim = await startUdara360Simulator({
      accountStatusFormat: 'name',
      accounts: [{ accountNumber: '1', accountStatus: 3 }],
    });
    expect((await lookup('/api/account/v1/getbyaccountnumber?accountnumber=1')).body).toMatchObject({
      data: { accountStatus: 'Closed' },
    });
  });
});

describe('Udara360 reused references after a failed posting (strictReferences)', () => {
  const post = (reference: string, instrumentNumber: string) =>
    closeAccount(
      { accountNumber: '0123456789', closureReason: "Customer's request", instrumentNumber },
      reference,
    );
  const codeOf = (result: { body: unknown }) =>
    (result.body as { data: { statusCode: string } }).data.statusCode;

  it("by default lets a failed posting's Request-Reference and instrumentNumber be sent again", async () => {
    sim.control.injectPostingCodes({ code: '96' });
    expect(codeOf(await post('r-1', 'i-1'))).toBe('96');
    expect(codeOf(await post('r-1', 'i-1'))).toBe('00');
    expect(sim.control.closuresApplied('0123456789')).toBe(1);
    // A successful posting's values stay used in both modes.
    sim.control.updateAccount('0123456789', { accountStatus: 1 });
    expect(codeOf(await post('r-2', 'i-1'))).toBe('26');
    expect(codeOf(await post('r-1', 'i-2'))).toBe('26');
    expect(sim.control.closuresApplied('0123456789')).toBe(1);
  });

  it("with strictReferences refuses a failed posting's Request-Reference or instrumentNumber with 26, posting nothing", async () => {
    await sim.close();
    sim = await startUdara360Simulator({
      strictReferences: true,
      accounts: [{ accountNumber: '0123456789' }],
    });
    sim.control.injectPostingCodes({ code: '96' });
    expect(codeOf(await post('r-1', 'i-1'))).toBe('96');
    expect(codeOf(await post('r-1', 'i-2'))).toBe('26');
    expect(codeOf(await post('r-2', 'i-1'))).toBe('26');
    expect(sim.control.getAccount('0123456789')?.accountStatus).toBe(1);
    expect(codeOf(await post('r-3', 'i-3'))).toBe('00');
    expect(sim.control.closuresApplied('0123456789')).toBe(1);
  });
});
