import { ClosureError } from '@closekit/core';
import type { OutgoingRequest } from '@closekit/core/adapter';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import accountV1ClosedProbate from './__fixtures__/account-v1-closed-probate.json';
import accountV1Open from './__fixtures__/account-v1-open.json';
import accountV2Closed from './__fixtures__/account-v2-closed.json';
import accountV2PendingClose from './__fixtures__/account-v2-pending-close.json';
import balancesV1 from './__fixtures__/balances-v1.json';
import balancesV2 from './__fixtures__/balances-v2.json';
import closeResponse from './__fixtures__/close-response.json';
import errorV1BadRequest from './__fixtures__/error-v1-bad-request.json';
import { createEmbeddedPaymentsAdapter } from './embedded-payments-adapter';
import {
  EMBEDDED_PAYMENTS_BASE_URLS,
  type EmbeddedPaymentsAdapterSettings,
} from './embedded-payments-settings';

const HOST = 'https://api-sandbox.payments.jpmorgan.com';
const ID = accountV1Open.id;
const V1 = `/embedded/v1/accounts/${ID}`;
const V2 = `/embedded/v2/accounts/${ID}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const FAST = { backoff: { baseDelayMs: 1, maxDelayMs: 5 }, timeoutMs: 2_000 } as const;

interface Captured {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** Records what each intercepted request carried, then answers. */
function recorder() {
  const captured: Captured[] = [];
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    function (
      this: { req: { method?: string; path?: string; headers: Record<string, string> } },
      uri: string,
      requestBody: unknown,
    ) {
      captured.push({
        method: this.req.method ?? '',
        path: uri,
        headers: { ...this.req.headers },
        body: requestBody === '' ? undefined : requestBody,
      });
      return [status, body, headers] as [number, unknown, Record<string, string>];
    };
  return { captured, reply };
}

const adapterFor = (settings: EmbeddedPaymentsAdapterSettings = {}) =>
  createEmbeddedPaymentsAdapter({ ...FAST, ...settings });

const zeroBalancesV1 = {
  id: ID,
  date: '2026-01-02',
  currency: 'USD',
  balanceTypes: [
    { typeCode: 'ITAV', amount: 0 },
    { typeCode: 'ITBD', amount: 0.0 },
  ],
};
const zeroBalancesV2 = {
  id: ID,
  items: [
    {
      effectiveDate: '2026-01-02',
      currency: 'USD',
      balances: [{ type: 'INTERIM_AVAILABLE', amount: '0.00' }],
    },
  ],
};
const pendingV1 = { ...accountV1Open, state: 'PENDING_CLOSE', closureReason: 'ELECTIVE' };

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('closeAccount: the exact requests', () => {
  it('v1 sends POST /accounts/{id} with {state, closureReason} and a request-id (pre-flight off)', async () => {
    const { captured, reply } = recorder();
    const scope = nock(HOST).post(V1).reply(reply(202, closeResponse));
    const result = await adapterFor({ preflight: false }).closeAccount({
      accountId: ID,
      reason: 'CUSTOMER_REQUEST',
    });
    expect(scope.isDone()).toBe(true);
    expect(captured).toHaveLength(1);
    const [post] = captured;
    expect(post?.method).toBe('POST');
    expect(post?.body).toEqual({ state: 'CLOSED', closureReason: 'ELECTIVE' });
    expect(post?.headers['content-type']).toBe('application/json');
    expect(post?.headers.accept).toBe('application/json');
    expect(post?.headers['request-id']).toMatch(UUID);
    expect(post?.headers.authorization).toBeUndefined();
    expect(post?.headers.token).toBeUndefined();
    expect(result._unsafeUnwrap()).toEqual({
      provider: 'embedded-payments',
      // One handle on every path: the account id sent, which getClosure reads; was the 202 body's id.
      closureId: ID,
      accountId: ID,
      state: { unified: 'PENDING', raw: 'PENDING_CLOSE' },
      reason: { unified: 'CUSTOMER_REQUEST', raw: 'ELECTIVE' },
      initiatedBy: 'partner',
      created: true,
      blockers: [],
      failure: null,
      legalClosureDate: null,
      technicalClosureDate: null,
      payoutAllowed: null,
      updatedAt: null,
      raw: closeResponse,
    });
  });

  it('v2 reads the account and balances, then sends PATCH /accounts/{id} (pre-flight on)', async () => {
    const { captured, reply } = recorder();
    nock(`${HOST}`)
      .get(V2)
      .reply(reply(200, { ...accountV2PendingClose, id: ID, state: 'OPEN', closureReason: undefined }))
      .get(`${V2}/balances`)
      .reply(reply(200, zeroBalancesV2))
      .patch(V2)
      .reply(
        reply(
          202,
          { id: ID, state: 'PENDING_CLOSE', closureReason: 'SUBJECTED_TO_FRAUD' },
          { 'request-id': 'x' },
        ),
      );
    const result = await adapterFor({ apiVersion: 'v2' }).closeAccount({ accountId: ID, reason: 'FRAUD' });
    expect(captured.map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET ${V2}`,
      `GET ${V2}/balances`,
      `PATCH ${V2}`,
    ]);
    expect(captured[2]?.body).toEqual({ state: 'CLOSED', closureReason: 'SUBJECTED_TO_FRAUD' });
    expect(captured[0]?.body).toBeUndefined();
    const closure = result._unsafeUnwrap();
    expect(closure).toMatchObject({
      state: { unified: 'PENDING', raw: 'PENDING_CLOSE' },
      reason: { unified: 'FRAUD', raw: 'SUBJECTED_TO_FRAUD' },
      created: true,
      initiatedBy: 'partner',
    });
  });

  it('sends a fresh request-id on every attempt and every read-back, never reused', async () => {
    const { captured, reply } = recorder();
    nock(HOST)
      .post(V1)
      .reply(reply(503, { title: 'Service Unavailable', httpStatus: 503, error: 'SERVICE_UNAVAILABLE' }))
      .get(V1)
      .reply(reply(200, accountV1Open))
      .post(V1)
      .reply(reply(202, closeResponse));
    const result = await adapterFor({ preflight: false }).closeAccount({ accountId: ID, reason: 'DORMANCY' });
    expect(result.isOk()).toBe(true);
    expect(captured.map((request) => `${request.method} ${request.path}`)).toEqual([
      `POST ${V1}`,
      `GET ${V1}`,
      `POST ${V1}`,
    ]);
    const ids = captured.map((request) => request.headers['request-id']);
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(3);
    // The body is the same on both attempts: the close is one logical call.
    expect(captured[0]?.body).toEqual(captured[2]?.body);
  });

  it('invokes the signer with the final body and headers, and sends what it returns', async () => {
    const seen: OutgoingRequest[] = [];
    const signRequest = (request: OutgoingRequest): OutgoingRequest => {
      seen.push(structuredClone(request));
      return {
        ...request,
        headers: { ...request.headers, 'content-type': 'text/plain', 'x-test-signed': 'yes' },
        body: `jwt.${Buffer.from(request.body ?? '').toString('base64url')}.sig`,
      };
    };
    const { captured, reply } = recorder();
    nock(HOST).post(V1).reply(reply(202, closeResponse));
    const result = await adapterFor({ preflight: false, signRequest }).closeAccount({
      accountId: ID,
      reason: 'OTHER',
    });
    expect(result.isOk()).toBe(true);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: `${HOST}${V1}`,
      body: '{"state":"CLOSED","closureReason":"OTHER"}',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
    });
    expect(seen[0]?.headers['request-id']).toMatch(UUID);
    expect(captured[0]?.headers['content-type']).toBe('text/plain');
    expect(captured[0]?.headers['x-test-signed']).toBe('yes');
    expect(captured[0]?.headers['request-id']).toBe(seen[0]?.headers['request-id']);
    expect(captured[0]?.body).toBe(
      `jwt.${Buffer.from('{"state":"CLOSED","closureReason":"OTHER"}').toString('base64url')}.sig`,
    );
  });

  it('does not sign reads (only the close carries a body to sign)', async () => {
    const signed: string[] = [];
    nock(HOST).get(V1).reply(200, pendingV1);
    await adapterFor({
      signRequest: (request) => {
        signed.push(request.method);
        return request;
      },
    }).getClosure({
      accountId: ID,
    });
    expect(signed).toEqual([]);
  });

  it('reports a failing signer as INVALID_REQUEST and sends nothing', async () => {
    const scope = nock(HOST).post(V1).reply(202, closeResponse);
    const result = await adapterFor({
      preflight: false,
      signRequest: () => {
        throw new Error('HSM offline');
      },
    }).closeAccount({ accountId: ID, reason: 'OTHER' });
    expect(result._unsafeUnwrapErr().code).toBe('INVALID_REQUEST');
    expect(scope.isDone()).toBe(false);
  });
});

describe('closeAccount: pre-flight refusals send no close', () => {
  const refusedWith = async (
    account: Record<string, unknown>,
    balances: Record<string, unknown> | null,
    settings: EmbeddedPaymentsAdapterSettings = {},
  ) => {
    const scope = nock(HOST).get(V1).reply(200, account);
    if (balances !== null) scope.get(`${V1}/balances`).reply(200, balances);
    const close = nock(HOST).post(V1).reply(202, closeResponse);
    const result = await adapterFor(settings).closeAccount({ accountId: ID, reason: 'CUSTOMER_REQUEST' });
    expect(scope.isDone()).toBe(true);
    expect(close.isDone()).toBe(false);
    return result;
  };

  it('refuses a category J.P. Morgan cannot close with OPERATION_NOT_SUPPORTED', async () => {
    const error = (await refusedWith({ ...accountV1Open, category: 'DDA' }, null))._unsafeUnwrapErr();
    expect(error).toMatchObject({
      code: 'OPERATION_NOT_SUPPORTED',
      retryable: false,
      httpStatus: null,
      closure: null,
      details: { preflight: true, category: 'DDA', state: 'OPEN' },
    });
    expect(error.message).toContain('LIMITED_DDA and LIMITED_DDA_PAYMENTS');
  });

  it('refuses a v2 TRANSACTION_ACCOUNT too (unconfirmed by J.P. Morgan)', async () => {
    nock(HOST)
      .get(V2)
      .reply(200, { ...accountV2PendingClose, id: ID, state: 'OPEN', category: 'TRANSACTION_ACCOUNT' });
    const close = nock(HOST).patch(V2).reply(202, closeResponse);
    const result = await adapterFor({ apiVersion: 'v2' }).closeAccount({ accountId: ID, reason: 'OTHER' });
    expect(result._unsafeUnwrapErr().code).toBe('OPERATION_NOT_SUPPORTED');
    expect(close.isDone()).toBe(false);
  });

  it('answers a CLOSED account with Ok, CLOSED, created false, sending nothing', async () => {
    // Already closed (was: ALREADY_CLOSED with the closure attached).
    const closure = (await refusedWith({ ...accountV1ClosedProbate, id: ID }, null))._unsafeUnwrap();
    expect(closure).toMatchObject({
      closureId: ID,
      state: { unified: 'CLOSED', raw: 'CLOSED' },
      reason: { unified: 'OTHER', raw: 'PROBATE' },
      initiatedBy: 'unknown',
      created: false,
    });
  });

  it('refuses a non-zero balance with NON_ZERO_BALANCE listing every balance as a blocker', async () => {
    const error = (await refusedWith(accountV1Open, balancesV1))._unsafeUnwrapErr();
    expect(error.code).toBe('NON_ZERO_BALANCE');
    expect(error.closure).toBeNull();
    expect(error.details).toMatchObject({
      preflight: true,
      blockers: [
        { code: 'NON_ZERO_BALANCE', message: expect.stringContaining('ITAV is 245645.65 USD on 2023-10-28') },
        { code: 'NON_ZERO_BALANCE', message: expect.stringContaining('ITBD is 552145.33 USD') },
      ],
      balances: [
        { type: 'ITAV', amount: '245645.65', currency: 'USD', date: '2023-10-28' },
        { type: 'ITBD', amount: '552145.33', currency: 'USD', date: '2023-10-28' },
      ],
    });
  });

  it('refuses a negative balance too', async () => {
    const negative = { ...zeroBalancesV1, balanceTypes: [{ typeCode: 'ITAV', amount: -12.5 }] };
    expect((await refusedWith(accountV1Open, negative))._unsafeUnwrapErr().code).toBe('NON_ZERO_BALANCE');
  });

  it('refuses a PENDING_OPEN account with OPERATION_NOT_SUPPORTED', async () => {
    const error = (await refusedWith({ ...accountV1Open, state: 'PENDING_OPEN' }, null))._unsafeUnwrapErr();
    expect(error.code).toBe('OPERATION_NOT_SUPPORTED');
  });

  it('returns an account already PENDING_CLOSE as the existing closure (created false) without sending', async () => {
    const result = await refusedWith({ ...accountV2PendingClose, id: ID }, balancesV2, {
      baseUrl: EMBEDDED_PAYMENTS_BASE_URLS.v1.sandbox,
    });
    const closure = result._unsafeUnwrap();
    expect(closure).toMatchObject({
      closureId: ID,
      state: { unified: 'PENDING', raw: 'PENDING_CLOSE' },
      reason: { unified: 'CUSTOMER_REQUEST', raw: 'ELECTIVE' },
      created: false,
      updatedAt: '2026-01-05T10:00:00.000Z',
    });
    expect(closure.blockers.map((blocker) => blocker.message.split(';')[0])).toEqual([
      'balance INTERIM_AVAILABLE is 1590.23 USD on 2023-02-13',
      'balance INTERIM_BOOKED is 208.8 USD on 2023-02-13',
      'balance INTERIM_EXPECTED is 353.79 USD on 2023-02-13',
    ]);
  });

  it('answers ACCOUNT_NOT_FOUND when the pre-flight read finds no account', async () => {
    nock(HOST)
      .get(V1)
      .reply(404, { title: 'Not Found', httpStatus: 404, error: 'NOT_FOUND', traceId: 't-404' });
    const close = nock(HOST).post(V1).reply(202, closeResponse);
    const error = (await adapterFor().closeAccount({ accountId: ID, reason: 'OTHER' }))._unsafeUnwrapErr();
    expect(error).toMatchObject({
      code: 'ACCOUNT_NOT_FOUND',
      httpStatus: 404,
      requestId: 't-404',
      providerCode: 'NOT_FOUND',
    });
    expect(close.isDone()).toBe(false);
  });
});

describe('closeAccount: refusals from J.P. Morgan', () => {
  it('attaches the PENDING_CLOSE snapshot to the 400 for a non-zero balance (the 400 still moved the account)', async () => {
    const { captured, reply } = recorder();
    nock(HOST)
      .get(V1)
      .reply(reply(200, accountV1Open))
      .get(`${V1}/balances`)
      .reply(reply(200, zeroBalancesV1))
      .post(V1)
      .reply(
        reply(400, {
          title: 'BAD_REQUEST',
          httpStatus: 400,
          traceId: 'trace-nzb-1',
          context: [
            {
              code: 'ACCOUNT_HAS_NON_ZERO_BALANCE',
              location: 'BODY',
              message: 'Account balance must be zero',
            },
          ],
        }),
      )
      .get(V1)
      .reply(
        reply(200, { ...pendingV1, restrictions: [{ restrictionId: 'r1', restrictionType: 'CREDITS' }] }),
      )
      .get(`${V1}/balances`)
      .reply(reply(200, { ...zeroBalancesV1, balanceTypes: [{ typeCode: 'ITAV', amount: 20.5 }] }));
    // Funds arrived between the pre-flight and the close: J.P. Morgan refuses yet moves the account.
    const error = (
      await adapterFor().closeAccount({ accountId: ID, reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrapErr();
    expect(captured.map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET ${V1}`,
      `GET ${V1}/balances`,
      `POST ${V1}`,
      `GET ${V1}`,
      `GET ${V1}/balances`,
    ]);
    expect(error).toMatchObject({
      code: 'NON_ZERO_BALANCE',
      retryable: false,
      httpStatus: 400,
      providerCode: 'ACCOUNT_HAS_NON_ZERO_BALANCE',
      requestId: 'trace-nzb-1',
      details: { balances: [{ type: 'ITAV', amount: '20.5', currency: 'USD', date: '2026-01-02' }] },
    });
    expect(error.closure).toMatchObject({
      closureId: ID,
      state: { unified: 'PENDING', raw: 'PENDING_CLOSE' },
      reason: { unified: 'CUSTOMER_REQUEST', raw: 'ELECTIVE' },
      created: true,
      blockers: [{ code: 'NON_ZERO_BALANCE', message: expect.stringContaining('ITAV is 20.5 USD') }],
    });
  });

  it('lets the read-back decide when the 400 names no code it knows', async () => {
    nock(HOST)
      .post(V1)
      .reply(400, errorV1BadRequest)
      .get(V1)
      .reply(200, pendingV1)
      .get(`${V1}/balances`)
      .reply(200, balancesV1);
    const error = (
      await adapterFor({ preflight: false }).closeAccount({ accountId: ID, reason: 'OTHER' })
    )._unsafeUnwrapErr();
    expect(error.code).toBe('NON_ZERO_BALANCE');
    expect(error.providerCode).toBe('BAD_REQUEST');
    expect(error.closure?.state).toEqual({ unified: 'PENDING', raw: 'PENDING_CLOSE' });
    expect(error.closure?.created).toBeNull();
  });

  it('keeps INVALID_REQUEST when the read-back shows the account untouched', async () => {
    nock(HOST).post(V1).reply(400, errorV1BadRequest).get(V1).reply(200, accountV1Open);
    const error = (
      await adapterFor({ preflight: false }).closeAccount({ accountId: ID, reason: 'OTHER' })
    )._unsafeUnwrapErr();
    expect(error).toMatchObject({
      code: 'INVALID_REQUEST',
      httpStatus: 400,
      closure: null,
      providerCode: 'BAD_REQUEST',
    });
  });

  it('keeps the refusal and says so when the read-back fails', async () => {
    nock(HOST)
      .post(V1)
      .reply(400, errorV1BadRequest)
      .get(V1)
      .reply(403, { title: 'Forbidden', httpStatus: 403, error: 'FORBIDDEN' });
    const error = (
      await adapterFor({ preflight: false }).closeAccount({ accountId: ID, reason: 'OTHER' })
    )._unsafeUnwrapErr();
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.details).toMatchObject({ readBackFailed: { code: 'PERMISSION_DENIED' } });
  });

  it('answers ACCOUNT_ALREADY_CLOSED with Ok: the CLOSED snapshot, created false', async () => {
    nock(HOST)
      .patch(V2)
      .reply(422, {
        title: 'Unprocessable',
        httpStatus: 422,
        traceId: 'trace-ac',
        context: [{ code: 'ACCOUNT_ALREADY_CLOSED', message: 'Account is already closed' }],
      })
      .get(V2)
      .reply(200, { ...accountV2Closed, id: ID });
    const closure = (
      await adapterFor({ apiVersion: 'v2', preflight: false }).closeAccount({
        accountId: ID,
        reason: 'CUSTOMER_REQUEST',
      })
    )._unsafeUnwrap();
    expect(closure).toMatchObject({
      closureId: ID,
      created: false,
      state: { unified: 'CLOSED', raw: 'CLOSED' },
      reason: { unified: 'CUSTOMER_REQUEST', raw: 'Elective' },
      updatedAt: '2024-10-20T15:08:31.654Z',
    });
  });

  it('reads OPERATION_NOT_SUPPORTED from the account read when only a message names it', async () => {
    nock(HOST)
      .post(V1)
      .reply(400, {
        title: 'Bad Request',
        httpStatus: 400,
        context: [{ message: 'OPERATION_NOT_SUPPORTED: only LIMITED_DDA' }],
      })
      .get(V1)
      .reply(200, { ...accountV1Open, category: 'DDA' });
    const error = (
      await adapterFor({ preflight: false }).closeAccount({ accountId: ID, reason: 'OTHER' })
    )._unsafeUnwrapErr();
    // Messages are not code fields: the code comes from the read-back's category, and
    // providerCode stays what the code fields said.
    expect(error).toMatchObject({
      code: 'OPERATION_NOT_SUPPORTED',
      providerCode: 'Bad Request',
      closure: null,
    });
  });

  it('reads back after a 500 and returns the closure it finds, without sending twice', async () => {
    const { captured, reply } = recorder();
    nock(HOST)
      .post(V1)
      .reply(reply(500, { title: 'Internal Server Error', httpStatus: 500, error: 'INTERNAL_SERVER_ERROR' }))
      .get(V1)
      .reply(reply(200, pendingV1));
    const closure = (
      await adapterFor({ preflight: false }).closeAccount({ accountId: ID, reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrap();
    expect(captured.filter((request) => request.method === 'POST')).toHaveLength(1);
    expect(closure).toMatchObject({
      state: { unified: 'PENDING', raw: 'PENDING_CLOSE' },
      created: null,
      initiatedBy: 'partner',
    });
  });

  it('answers OUTCOME_UNKNOWN when the read-back after a 500 fails', async () => {
    nock(HOST)
      .post(V1)
      .reply(500, { title: 'Internal Server Error', httpStatus: 500 })
      .get(V1)
      .times(3)
      .reply(503, { title: 'Service Unavailable', httpStatus: 503 });
    const error = (
      await adapterFor({ preflight: false }).closeAccount({ accountId: ID, reason: 'OTHER' })
    )._unsafeUnwrapErr();
    expect(error).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryable: false, httpStatus: 500 });
  });
});

describe('error mapping (getClosure)', () => {
  const cases: [number, Record<string, unknown>, string, boolean][] = [
    [
      401,
      { title: 'Unauthorized Request', httpStatus: 401, error: 'UNAUTHORIZED', traceId: 'tr-401' },
      'AUTHENTICATION_FAILED',
      false,
    ],
    [403, { title: 'Forbidden', httpStatus: 403, traceId: 'tr-403' }, 'PERMISSION_DENIED', false],
    [
      404,
      { title: 'Not Found', httpStatus: 404, error: 'NOT_FOUND', traceId: 'tr-404' },
      'ACCOUNT_NOT_FOUND',
      false,
    ],
    [500, { title: 'Internal Server Error', httpStatus: 500, traceId: 'tr-500' }, 'PROVIDER_ERROR', false],
    [503, { title: 'Service Unavailable', httpStatus: 503, traceId: 'tr-503' }, 'PROVIDER_UNAVAILABLE', true],
    [502, { title: 'Bad Gateway', traceId: 'tr-502' }, 'PROVIDER_UNAVAILABLE', true],
    [429, { title: 'Too Many Requests', traceId: 'tr-429' }, 'RATE_LIMITED', true],
  ];
  for (const [status, body, code, retryable] of cases) {
    it(`maps HTTP ${status} to ${code} and keeps traceId as requestId`, async () => {
      const attempts = status >= 500 || status === 429 ? 3 : 1;
      const scope = nock(HOST)
        .get(V1)
        .times(attempts)
        .reply(status, body, { 'request-id': 'our-own-echo', 'retry-after': '0' });
      const error = (await adapterFor({ maxRetries: 2 }).getClosure({ accountId: ID }))._unsafeUnwrapErr();
      expect(scope.isDone()).toBe(true);
      expect(ClosureError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        code,
        httpStatus: status,
        requestId: body.traceId,
        retryable,
        provider: 'embedded-payments',
      });
    });
  }

  it('falls back to the response header when the body has no traceId', async () => {
    nock(HOST)
      .get(V1)
      .reply(403, '<html>denied</html>', { 'x-jpmc-traceid': 'hdr-trace', 'content-type': 'text/html' });
    const error = (await adapterFor().getClosure({ accountId: ID }))._unsafeUnwrapErr();
    expect(error).toMatchObject({
      code: 'PERMISSION_DENIED',
      requestId: 'hdr-trace',
      details: { excerpt: '<html>denied</html>' },
    });
  });
});

describe('getClosure and listClosures', () => {
  it('answers CLOSURE_NOT_FOUND for an OPEN account', async () => {
    nock(HOST).get(V1).reply(200, accountV1Open);
    const error = (await adapterFor().getClosure({ accountId: ID }))._unsafeUnwrapErr();
    expect(error).toMatchObject({ code: 'CLOSURE_NOT_FOUND', details: { state: 'OPEN' } });
  });

  it('reads a closed v2 account by closureId (= account id) into a whole Closure', async () => {
    nock(HOST).get(`/embedded/v2/accounts/${accountV2Closed.id}`).reply(200, accountV2Closed);
    const closure = (
      await adapterFor({ apiVersion: 'v2' }).getClosure({ closureId: accountV2Closed.id })
    )._unsafeUnwrap();
    expect(closure).toEqual({
      provider: 'embedded-payments',
      closureId: accountV2Closed.id,
      accountId: accountV2Closed.id,
      state: { unified: 'CLOSED', raw: 'CLOSED' },
      reason: { unified: 'CUSTOMER_REQUEST', raw: 'Elective' },
      initiatedBy: 'partner',
      created: null,
      blockers: [],
      failure: null,
      legalClosureDate: null,
      technicalClosureDate: null,
      payoutAllowed: null,
      updatedAt: '2024-10-20T15:08:31.654Z',
      raw: accountV2Closed,
    });
  });

  it('reports an account OPEN again after a closure request as CANCELLED, raw OPEN, flagged', async () => {
    nock(HOST)
      .get(V1)
      .reply(200, { ...accountV1Open, closureReason: 'ELECTIVE' });
    const closure = (await adapterFor().getClosure({ accountId: ID }))._unsafeUnwrap();
    expect(closure.state).toEqual({ unified: 'CANCELLED', raw: 'OPEN' });
    expect(closure.failure?.message).toContain('does not document this reversal');
  });

  it('refuses differing closureId and accountId, and ids over 34 characters, before sending', async () => {
    const adapter = adapterFor();
    const differ = await adapter.getClosure({ accountId: ID, closureId: 'other' });
    expect(differ._unsafeUnwrapErr().code).toBe('INVALID_REQUEST');
    const long = await adapter.getClosure({ accountId: 'x'.repeat(35) });
    expect(long._unsafeUnwrapErr().code).toBe('INVALID_REQUEST');
    const close = await adapter.closeAccount({ accountId: 'x'.repeat(35), reason: 'OTHER' });
    expect(close._unsafeUnwrapErr().code).toBe('INVALID_REQUEST');
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('turns an account body without category into INVALID_RESPONSE', async () => {
    nock(HOST).get(V1).reply(200, { id: ID, state: 'CLOSED' });
    expect((await adapterFor().getClosure({ accountId: ID }))._unsafeUnwrapErr().code).toBe(
      'INVALID_RESPONSE',
    );
  });

  it('says listClosures is not supported, and validates the query first', async () => {
    const adapter = adapterFor();
    expect(adapter.capabilities).toEqual({
      getClosure: true,
      listClosures: false,
      webhooks: true,
      asyncClosure: true,
      reasons: ['CUSTOMER_REQUEST', 'FRAUD', 'DORMANCY', 'OVERDRAFT', 'OTHER'],
    });
    expect((await adapter.listClosures({ accountId: ID }))._unsafeUnwrapErr().code).toBe(
      'OPERATION_NOT_SUPPORTED',
    );
    expect((await adapter.listClosures({ page: 0 }))._unsafeUnwrapErr().code).toBe('INVALID_REQUEST');
  });
});

describe('reasons and settings', () => {
  it('refuses reasons without an equivalent before any request, and honours a user mapping', async () => {
    const refused = await adapterFor().closeAccount({ accountId: ID, reason: 'COURT_ORDER' });
    expect(refused._unsafeUnwrapErr().code).toBe('REASON_NOT_SUPPORTED');
    const { captured, reply } = recorder();
    nock(HOST)
      .post(V1)
      .reply(reply(202, { id: ID, state: 'PENDING_CLOSE', closureReason: 'OTHER' }));
    const mapped = await adapterFor({
      preflight: false,
      reasonMap: { COURT_ORDER: 'OTHER', OTHER: null },
    }).closeAccount({
      accountId: ID,
      reason: 'COURT_ORDER',
    });
    expect(mapped.isOk()).toBe(true);
    expect(captured[0]?.body).toEqual({ state: 'CLOSED', closureReason: 'OTHER' });
  });

  it('throws one error listing every invalid setting', () => {
    expect(() =>
      createEmbeddedPaymentsAdapter({
        apiVersion: 'v3',
        preflight: 'yes',
        webhookCredentials: ['short'],
        webhookCredentialHeader: 'bad header',
        signRequest: 'sign',
        reasonMap: { OTHER: 'x'.repeat(51) },
        preflights: false,
      } as never),
    ).toThrowError(
      /apiVersion.*preflight.*signRequest.*webhookCredentials\.0.*webhookCredentialHeader.*(preflights|Unrecognized)/s,
    );
  });

  it('defaults to the v1 sandbox and the v2 sandbox for apiVersion v2', async () => {
    nock('https://api-sandbox.payments.jpmorgan.com')
      .get(V1)
      .reply(200, pendingV1)
      .get(V2)
      .reply(200, pendingV1);
    expect((await createEmbeddedPaymentsAdapter().getClosure({ accountId: ID })).isOk()).toBe(true);
    expect(
      (await createEmbeddedPaymentsAdapter({ apiVersion: 'v2' }).getClosure({ accountId: ID })).isOk(),
    ).toBe(true);
  });
});

describe('closeAccount: shared semantics', () => {
  const badRequest = { title: 'Bad Request', httpStatus: 400, error: 'BAD_REQUEST', traceId: 'trace-400' };

  it('reports a 400 that still moved the account to PENDING_CLOSE as a closure, never INVALID_REQUEST', async () => {
    const { captured, reply } = recorder();
    nock(HOST)
      .get(V1)
      .reply(reply(200, accountV1Open))
      .get(`${V1}/balances`)
      .reply(reply(200, zeroBalancesV1))
      .post(V1)
      .reply(reply(400, badRequest))
      .get(V1)
      .reply(reply(200, pendingV1))
      .get(`${V1}/balances`)
      .reply(reply(200, zeroBalancesV1));
    const error = (
      await adapterFor().closeAccount({ accountId: ID, reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrapErr();
    expect(captured.filter((request) => request.method === 'POST')).toHaveLength(1);
    expect(error).toMatchObject({
      code: 'PROVIDER_ERROR',
      retryable: false,
      httpStatus: 400,
      providerCode: 'BAD_REQUEST',
      requestId: 'trace-400',
    });
    expect(error.message).toContain('the account is now PENDING_CLOSE: a closure exists');
    expect(error.closure).toMatchObject({
      closureId: ID,
      state: { unified: 'PENDING', raw: 'PENDING_CLOSE' },
      created: true,
      blockers: [],
    });
  });

  it('keeps the closure attached when the balances cannot be read after such a 400', async () => {
    nock(HOST)
      .post(V1)
      .reply(400, badRequest)
      .get(V1)
      .reply(200, pendingV1)
      .get(`${V1}/balances`)
      .reply(403, { title: 'Forbidden', httpStatus: 403 });
    const error = (
      await adapterFor({ preflight: false }).closeAccount({ accountId: ID, reason: 'OTHER' })
    )._unsafeUnwrapErr();
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.closure).toMatchObject({ state: { unified: 'PENDING' }, created: null });
    expect(error.details).toMatchObject({ balancesReadFailed: { code: 'PERMISSION_DENIED' } });
  });

  it('answers Ok, CLOSED, created false when ACCOUNT_ALREADY_CLOSED comes back and the read-back fails', async () => {
    nock(HOST)
      .post(V1)
      .reply(400, { title: 'Bad Request', httpStatus: 400, error: 'ACCOUNT_ALREADY_CLOSED' })
      .get(V1)
      .reply(403, { title: 'Forbidden', httpStatus: 403 });
    const closure = (
      await adapterFor({ preflight: false }).closeAccount({ accountId: ID, reason: 'OTHER' })
    )._unsafeUnwrap();
    expect(closure).toMatchObject({
      closureId: ID,
      accountId: ID,
      state: { unified: 'CLOSED', raw: 'ACCOUNT_ALREADY_CLOSED' },
      created: false,
    });
  });

  it('treats a 5xx naming a business code as a 5xx: read back, no business refusal', async () => {
    const { captured, reply } = recorder();
    nock(HOST)
      .post(V1)
      .reply(
        reply(500, {
          title: 'ACCOUNT_HAS_NON_ZERO_BALANCE',
          httpStatus: 500,
          error: 'ACCOUNT_ALREADY_CLOSED',
        }),
      )
      .get(V1)
      .reply(reply(200, accountV1Open))
      .post(V1)
      .reply(reply(202, closeResponse));
    const closure = (
      await adapterFor({ preflight: false }).closeAccount({ accountId: ID, reason: 'OTHER' })
    )._unsafeUnwrap();
    // OPEN after the 500: the close was not applied, so it is resent (provider notes §7 step 4).
    expect(captured.map((request) => request.method)).toEqual(['POST', 'GET', 'POST']);
    expect(closure).toMatchObject({ state: { unified: 'PENDING' }, created: true });
  });

  it('sends the close when only an expected balance (pending credits) is non-zero, and says so', async () => {
    const pendingCredits = {
      id: ID,
      items: [
        {
          effectiveDate: '2026-01-02',
          currency: 'USD',
          balances: [
            { type: 'INTERIM_AVAILABLE', amount: '0.00' },
            { type: 'INTERIM_BOOKED', amount: '0.00' },
            { type: 'INTERIM_EXPECTED', amount: '40.00' },
          ],
        },
      ],
    };
    nock(HOST)
      .get(V2)
      .reply(200, { ...accountV2PendingClose, id: ID, state: 'OPEN', closureReason: null })
      .get(`${V2}/balances`)
      .reply(200, pendingCredits)
      .patch(V2)
      .reply(202, closeResponse);
    const closure = (
      await adapterFor({ apiVersion: 'v2' }).closeAccount({ accountId: ID, reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrap();
    expect(closure).toMatchObject({ state: { unified: 'PENDING' }, created: true });
    expect(closure.blockers).toEqual([
      {
        code: 'NON_ZERO_BALANCE',
        message: expect.stringContaining(
          'balance INTERIM_EXPECTED is 40.00 USD on 2026-01-02: pending credits only',
        ),
      },
    ]);
  });

  it('with preflight: false sends the close first, reading nothing, even for a funded account', async () => {
    const { captured, reply } = recorder();
    nock(HOST).post(V1).reply(reply(202, closeResponse));
    const closure = (
      await adapterFor({ preflight: false }).closeAccount({ accountId: ID, reason: 'OTHER' })
    )._unsafeUnwrap();
    expect(captured.map((request) => `${request.method} ${request.path}`)).toEqual([`POST ${V1}`]);
    expect(closure.created).toBe(true);
  });

  it('returns the same closure with created false for a repeat with the same key, found by getClosure', async () => {
    nock(HOST)
      .get(V1)
      .reply(200, accountV1Open)
      .get(`${V1}/balances`)
      .reply(200, zeroBalancesV1)
      .post(V1)
      .reply(202, { ...closeResponse, id: ID })
      .get(V1)
      .reply(200, pendingV1)
      .get(`${V1}/balances`)
      .reply(200, zeroBalancesV1)
      .get(V1)
      .reply(200, pendingV1);
    const adapter = adapterFor();
    const request = { accountId: ID, reason: 'CUSTOMER_REQUEST', idempotencyKey: 'key-1' } as const;
    const first = (await adapter.closeAccount(request))._unsafeUnwrap();
    const again = (await adapter.closeAccount(request))._unsafeUnwrap();
    expect(first).toMatchObject({ closureId: ID, created: true });
    expect(again).toMatchObject({ closureId: ID, created: false, state: { unified: 'PENDING' } });
    const found = (await adapter.getClosure({ closureId: first.closureId }))._unsafeUnwrap();
    expect(found.closureId).toBe(ID);
  });
});
