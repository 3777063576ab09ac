import type { ClosureError, HttpHooks } from '@closekit/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import balanceFunded from './__fixtures__/balance-funded.json';
import balanceZero from './__fixtures__/balance-zero.json';
import closeRefused51 from './__fixtures__/close-account-refused-51.json';
import closeSuccess from './__fixtures__/close-account-success.json';
import errorEnvelope400 from './__fixtures__/error-envelope-400.json';
import errorEnvelope500 from './__fixtures__/error-envelope-500.json';
import searchClosed from './__fixtures__/search-account-closed.json';
import searchOpen from './__fixtures__/search-account-open.json';
import token from './__fixtures__/token.json';
import tokenEnvelope from './__fixtures__/token-envelope.json';
import { udara360ReferencePrefix } from './convert-to-udara360-close-request';
import { createUdara360Adapter } from './udara360-adapter';
import { UDARA360_POSTING_CODE_RULES } from './udara360-error';
import {
  UDARA360_LIVE_BASE_URL,
  UDARA360_TEST_BASE_URL,
  type Udara360AdapterSettings,
} from './udara360-settings';

const BASE = UDARA360_TEST_BASE_URL;
const CLIENT_ID = 'client-id-0001';
const CLIENT_SECRET = 'client-secret-very-private-0001';
const ACCOUNT = '1100012345';
const KEY = 'close-1100012345-2026-01-01';
/** Every Request-Reference of one logical close starts with its key's prefix, then a fresh part. */
const REFERENCE = new RegExp(`^${udara360ReferencePrefix(KEY)}-[0-9a-f]{32}$`);
const GUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const AUTH_PATH = '/api/auth/v1/authenticate';
const CLOSE_PATH = '/api/postings/v1/closeaccount';
const SEARCH_PATH = '/api/account/v1/SearchAccount';
const SEARCH_QUERY = { accountNumber: ACCOUNT, PageNumber: '1', PageSize: '10' };
const BALANCE_PATH = '/api/account/v1/getbyaccountnumber';
const BALANCE_QUERY = { AccountNumber: ACCOUNT };
const BEARER = `Bearer ${token.accessToken}`;

interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

/** Records every request nock answers, so tests assert exact method, path, headers and body. */
function recorder() {
  const seen: Seen[] = [];
  const record = (status: number, body: unknown) =>
    function (
      this: { req: { method?: string; path?: string; headers: Record<string, string> } },
      uri: string,
      requestBody: unknown,
    ) {
      seen.push({
        method: this.req.method ?? '',
        path: uri,
        headers: { ...this.req.headers },
        body: requestBody,
      });
      return [status, body] as [number, unknown];
    };
  return { seen, record };
}

function adapterWith(overrides: Partial<Udara360AdapterSettings> = {}) {
  return createUdara360Adapter({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    maxRetries: 2,
    timeoutMs: 2_000,
    backoff: { baseDelayMs: 1, maxDelayMs: 5 },
    ...overrides,
  });
}

const scope = () => nock(BASE);
const authOk = (times = 1) => scope().post(AUTH_PATH).times(times).reply(200, token);
const searchReply = (body: nock.Body, times = 1) =>
  scope().get(SEARCH_PATH).query(SEARCH_QUERY).times(times).reply(200, body);
/** The pre-flight's balance read, answered with an empty account unless told otherwise. */
const balanceReply = (times = 1, body: nock.Body = balanceZero) =>
  scope().get(BALANCE_PATH).query(BALANCE_QUERY).times(times).reply(200, body);
const closeBody = (reason = "Customer's request") => ({
  accountNumber: ACCOUNT,
  closureReason: reason,
  instrumentNumber: expect.stringMatching(GUID_V4),
});
const closeCall = (adapter = adapterWith(), reason: 'CUSTOMER_REQUEST' | 'FRAUD' = 'CUSTOMER_REQUEST') =>
  adapter.closeAccount({ accountId: ACCOUNT, reason, idempotencyKey: KEY });
const posting = (status: boolean, statusCode: string | null, message = 'answer') => ({
  status,
  message,
  data:
    statusCode === null ? null : { statusCode, referenceNumber: null, instrumentNumber: null, duration: '1' },
});

beforeEach(() => {
  nock.disableNetConnect();
  vi.stubEnv('UDARA360_CLIENT_ID', '');
  vi.stubEnv('UDARA360_CLIENT_SECRET', '');
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  vi.unstubAllEnvs();
});

describe('createUdara360Adapter', () => {
  it('declares what Udara360 can do', () => {
    expect(adapterWith().capabilities).toEqual({
      getClosure: true,
      listClosures: false,
      webhooks: false,
      asyncClosure: false,
      reasons: [
        'CUSTOMER_REQUEST',
        'FRAUD',
        'REGULATORY',
        'COURT_ORDER',
        'DUPLICATE_ACCOUNT',
        'RELATIONSHIP_TERMINATION',
      ],
    });
    expect(
      adapterWith({ reasonMap: { OTHER: 'Account no longer needed', FRAUD: null } }).capabilities.reasons,
    ).toEqual([
      'CUSTOMER_REQUEST',
      'REGULATORY',
      'COURT_ORDER',
      'DUPLICATE_ACCOUNT',
      'RELATIONSHIP_TERMINATION',
      'OTHER',
    ]);
  });

  it('throws one error listing every invalid setting', () => {
    let thrown: unknown;
    try {
      createUdara360Adapter({
        baseUrl: 'http://openapi.udara360.io',
        clientSecret: 'x'.repeat(101),
        timeoutMs: 0,
        reasonMap: { OTHER: 'Closed\nby ops', FRAUD: 'y'.repeat(151) },
      });
    } catch (error) {
      thrown = error;
    }
    const error = thrown as ClosureError;
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toMatch(/baseUrl .*https/);
    expect(error.message).toMatch(/clientSecret must be at most 100 characters/);
    expect(error.message).toMatch(/timeoutMs/);
    expect(error.message).toMatch(/reasonMap\.OTHER must not contain control characters/);
    expect(error.message).toMatch(/reasonMap\.FRAUD must be at most 150 characters/);
    expect(error.message).not.toContain('x'.repeat(101));
  });

  it('defaults to the test host and accepts the live one', async () => {
    expect(UDARA360_TEST_BASE_URL).toBe('https://openapi.test.udara360.io');
    expect(UDARA360_LIVE_BASE_URL).toBe('https://openapi.udara360.io');
    nock(UDARA360_LIVE_BASE_URL).post(AUTH_PATH).reply(200, token);
    nock(UDARA360_LIVE_BASE_URL).get(SEARCH_PATH).query(SEARCH_QUERY).reply(200, searchClosed);
    const result = await adapterWith({ baseUrl: UDARA360_LIVE_BASE_URL }).getClosure({ accountId: ACCOUNT });
    expect(result.isOk()).toBe(true);
    expect(nock.isDone()).toBe(true);
  });
});

describe('authentication', () => {
  it('authenticates with {clientId, clientSecret} and sends the bearer token on every call', async () => {
    const { seen, record } = recorder();
    scope().post(AUTH_PATH).reply(record(200, token));
    scope().get(SEARCH_PATH).query(SEARCH_QUERY).reply(record(200, searchOpen));
    scope().get(BALANCE_PATH).query(BALANCE_QUERY).reply(record(200, balanceZero));
    scope().post(CLOSE_PATH).reply(record(200, closeSuccess));
    const result = await closeCall();
    expect(result.isOk()).toBe(true);
    expect(seen.map(({ method, path }) => `${method} ${path}`)).toEqual([
      `POST ${AUTH_PATH}`,
      `GET ${SEARCH_PATH}?accountNumber=${ACCOUNT}&PageNumber=1&PageSize=10`,
      `GET ${BALANCE_PATH}?AccountNumber=${ACCOUNT}`,
      `POST ${CLOSE_PATH}`,
    ]);
    const [auth, search, balance, close] = seen;
    expect(auth!.body).toEqual({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    expect(auth!.headers['content-type']).toBe('application/json');
    expect(auth!.headers.authorization).toBeUndefined();
    expect(search!.headers.authorization).toBe(BEARER);
    expect(balance!.headers.authorization).toBe(BEARER);
    expect(close!.headers.authorization).toBe(BEARER);
  });

  it('falls back to UDARA360_CLIENT_ID / UDARA360_CLIENT_SECRET', async () => {
    vi.stubEnv('UDARA360_CLIENT_ID', 'env-client-id');
    vi.stubEnv('UDARA360_CLIENT_SECRET', 'env-client-secret-0001');
    const { seen, record } = recorder();
    scope().post(AUTH_PATH).reply(record(200, token));
    searchReply(searchClosed);
    const adapter = createUdara360Adapter({ backoff: { baseDelayMs: 1, maxDelayMs: 5 } });
    expect((await adapter.getClosure({ accountId: ACCOUNT })).isOk()).toBe(true);
    expect(seen[0]!.body).toEqual({ clientId: 'env-client-id', clientSecret: 'env-client-secret-0001' });
  });

  it('fails with AUTHENTICATION_FAILED before any request when credentials are missing', async () => {
    const adapter = createUdara360Adapter({ clientId: CLIENT_ID });
    const closed = await adapter.closeAccount({ accountId: ACCOUNT, reason: 'CUSTOMER_REQUEST' });
    const got = await adapter.getClosure({ accountId: ACCOUNT });
    for (const result of [closed, got]) {
      expect(result._unsafeUnwrapErr()).toMatchObject({
        code: 'AUTHENTICATION_FAILED',
        retryable: false,
        provider: 'udara360',
        details: { missing: ['clientSecret (or UDARA360_CLIENT_SECRET)'] },
      });
    }
  });

  it('accepts the token inside the {status, message, data} envelope', async () => {
    scope().post(AUTH_PATH).reply(200, tokenEnvelope);
    scope()
      .get(SEARCH_PATH)
      .query(SEARCH_QUERY)
      .matchHeader('authorization', `Bearer ${tokenEnvelope.data.accessToken}`)
      .reply(200, searchClosed);
    expect((await adapterWith().getClosure({ accountId: ACCOUNT })).isOk()).toBe(true);
    expect(nock.isDone()).toBe(true);
  });

  it('caches the token across calls', async () => {
    authOk(1);
    searchReply(searchClosed, 3);
    const adapter = adapterWith();
    for (let call = 0; call < 3; call++)
      expect((await adapter.getClosure({ accountId: ACCOUNT })).isOk()).toBe(true);
    expect(nock.isDone()).toBe(true);
  });

  it('asks for one token when concurrent calls need one', async () => {
    let authCalls = 0;
    scope()
      .post(AUTH_PATH)
      .times(5)
      .delay(30)
      .reply(() => {
        authCalls++;
        return [200, token];
      });
    searchReply(searchClosed, 5);
    const adapter = adapterWith();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => adapter.getClosure({ accountId: ACCOUNT })),
    );
    expect(results.every((result) => result.isOk())).toBe(true);
    expect(authCalls).toBe(1);
  });

  it('re-authenticates once on 401 and repeats the request with the new token', async () => {
    const { seen, record } = recorder();
    scope().post(AUTH_PATH).reply(record(200, token));
    scope()
      .get(SEARCH_PATH)
      .query(SEARCH_QUERY)
      .reply(
        record(401, { errors: [{ statusCode: 401, errorCode: 'TOKEN_EXPIRED', errorMessage: 'expired' }] }),
      );
    scope().post(AUTH_PATH).reply(record(200, tokenEnvelope));
    scope().get(SEARCH_PATH).query(SEARCH_QUERY).reply(record(200, searchClosed));
    const result = await adapterWith().getClosure({ accountId: ACCOUNT });
    expect(result.isOk()).toBe(true);
    expect(seen.map((request) => request.headers.authorization ?? null)).toEqual([
      null,
      BEARER,
      null,
      `Bearer ${tokenEnvelope.data.accessToken}`,
    ]);
  });

  it('gives up with AUTHENTICATION_FAILED after a second 401', async () => {
    authOk(2);
    scope()
      .get(SEARCH_PATH)
      .query(SEARCH_QUERY)
      .times(2)
      .reply(401, {
        errors: [{ statusCode: 401, errorCode: 'TOKEN_INVALID', errorMessage: 'Token is invalid' }],
      });
    const error = (await adapterWith().getClosure({ accountId: ACCOUNT }))._unsafeUnwrapErr();
    expect(error).toMatchObject({
      code: 'AUTHENTICATION_FAILED',
      httpStatus: 401,
      providerCode: 'TOKEN_INVALID',
    });
    expect(nock.isDone()).toBe(true);
  });

  it('turns refused credentials into AUTHENTICATION_FAILED without showing the secret', async () => {
    scope()
      .post(AUTH_PATH)
      .reply(401, {
        errors: [
          { statusCode: 401, errorCode: 'INVALID_CLIENT', errorMessage: `unknown client ${CLIENT_SECRET}` },
        ],
      });
    const error = (await closeCall())._unsafeUnwrapErr();
    expect(error).toMatchObject({
      code: 'AUTHENTICATION_FAILED',
      httpStatus: 401,
      providerCode: 'INVALID_CLIENT',
    });
    expect(JSON.stringify(error)).not.toContain(CLIENT_SECRET);
    expect(error.message).toContain('[REDACTED]');
  });

  it('treats an HTTP 200 token answer with status false as AUTHENTICATION_FAILED', async () => {
    scope().post(AUTH_PATH).reply(200, { status: false, message: 'Invalid client credentials', data: null });
    const error = (await adapterWith().getClosure({ accountId: ACCOUNT }))._unsafeUnwrapErr();
    expect(error).toMatchObject({ code: 'AUTHENTICATION_FAILED', httpStatus: 200 });
    expect(error.message).toContain('Invalid client credentials');
  });
});

describe('closeAccount', () => {
  it('sends the documented closeaccount request and returns the CLOSED closure', async () => {
    const { seen, record } = recorder();
    authOk();
    searchReply(searchOpen);
    balanceReply();
    scope().post(CLOSE_PATH).reply(record(200, closeSuccess));
    const closure = (await closeCall())._unsafeUnwrap();
    expect(seen).toHaveLength(1);
    const close = seen[0]!;
    expect(close.method).toBe('POST');
    expect(close.path).toBe(CLOSE_PATH);
    expect(close.body).toEqual(closeBody());
    expect(close.headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'application/json',
      authorization: BEARER,
      'request-reference': expect.stringMatching(REFERENCE),
    });
    expect(Object.keys(close.headers).sort()).toEqual(
      expect.arrayContaining(['accept', 'authorization', 'content-type', 'request-reference']),
    );
    expect(closure).toEqual({
      provider: 'udara360',
      // The account number on every path (convert-udara360-to-closure.ts); the posting's reference stays in raw.
      closureId: ACCOUNT,
      accountId: ACCOUNT,
      state: { unified: 'CLOSED', raw: '00' },
      reason: { unified: 'CUSTOMER_REQUEST', raw: "Customer's request" },
      initiatedBy: 'partner',
      created: true,
      blockers: [],
      failure: null,
      legalClosureDate: null,
      technicalClosureDate: null,
      payoutAllowed: null,
      updatedAt: null,
      raw: closeSuccess,
    });
  });

  it('sends a Request-Reference and instrumentNumber within the documented limits', async () => {
    const { seen, record } = recorder();
    authOk();
    searchReply(searchOpen);
    balanceReply();
    scope().post(CLOSE_PATH).reply(record(200, closeSuccess));
    expect((await closeCall()).isOk()).toBe(true);
    const reference = seen[0]!.headers['request-reference']!;
    expect(reference.length).toBeLessThanOrEqual(100);
    expect(reference).toMatch(REFERENCE);
    expect((seen[0]!.body as { instrumentNumber: string }).instrumentNumber).toMatch(GUID_V4);
  });

  it('generates one idempotency key per call when none is given; each resend gets fresh references', async () => {
    const { seen, record } = recorder();
    authOk();
    searchReply(searchOpen, 2);
    balanceReply();
    scope().post(CLOSE_PATH).reply(record(503, errorEnvelope500));
    scope().post(CLOSE_PATH).reply(record(200, closeSuccess));
    const hooks: HttpHooks = { onRequest: vi.fn() };
    const result = await adapterWith({ hooks }).closeAccount({ accountId: ACCOUNT, reason: 'FRAUD' });
    expect(result.isOk()).toBe(true);
    expect(seen).toHaveLength(2);
    // A read-back showed the 503 applied nothing: the resend must not reuse a reference (code 26).
    expect(seen[1]!.headers['request-reference']).not.toBe(seen[0]!.headers['request-reference']);
    const instrument = (request: Seen) => (request.body as { instrumentNumber: string }).instrumentNumber;
    expect(instrument(seen[1]!)).not.toBe(instrument(seen[0]!));
    expect({ ...(seen[1]!.body as object), instrumentNumber: null }).toEqual({
      ...(seen[0]!.body as object),
      instrumentNumber: null,
    });
    const closeEvents = vi
      .mocked(hooks.onRequest!)
      .mock.calls.map(([event]) => event)
      .filter((event) => event.operation === 'closeAccount');
    const key = closeEvents[0]!.idempotencyKey!;
    expect(closeEvents.map((event) => event.idempotencyKey)).toEqual([key, key]);
    for (const request of seen) {
      expect(request.headers['request-reference']!.startsWith(`${udara360ReferencePrefix(key)}-`)).toBe(true);
    }
  });

  it('sends each supported reason verbatim, and overrides from reasonMap', async () => {
    const { seen, record } = recorder();
    authOk();
    searchReply(searchOpen, 2);
    balanceReply(2);
    scope().post(CLOSE_PATH).times(2).reply(record(200, closeSuccess));
    const adapter = adapterWith({ reasonMap: { FRAUD: 'Fraud related concern (AML)' } });
    await closeCall(adapter, 'CUSTOMER_REQUEST');
    await adapter.closeAccount({ accountId: ACCOUNT, reason: 'FRAUD', idempotencyKey: 'k-2' });
    expect(seen.map((request) => (request.body as { closureReason: string }).closureReason)).toEqual([
      "Customer's request",
      'Fraud related concern (AML)',
    ]);
  });

  it('refuses a reason without an equivalent before any request, even without credentials', async () => {
    const adapter = createUdara360Adapter({});
    const error = (await adapter.closeAccount({ accountId: ACCOUNT, reason: 'DORMANCY' }))._unsafeUnwrapErr();
    expect(error).toMatchObject({ code: 'REASON_NOT_SUPPORTED', provider: 'udara360' });
  });

  it('answers an account already Closed from the read, created false, and sends no close', async () => {
    authOk();
    searchReply(searchClosed);
    const closure = (await closeCall())._unsafeUnwrap();
    expect(closure).toMatchObject({
      closureId: ACCOUNT,
      accountId: ACCOUNT,
      state: { unified: 'CLOSED', raw: '3' },
      reason: { unified: null, raw: null },
      initiatedBy: 'unknown',
      created: false,
      raw: { account: searchClosed.data[0] },
    });
    expect(nock.isDone()).toBe(true);
  });

  it('answers ACCOUNT_NOT_FOUND without sending a close when the search finds no such account', async () => {
    authOk();
    searchReply({ status: true, message: 'Successful', data: [] });
    const error = (await closeCall())._unsafeUnwrapErr();
    expect(error).toMatchObject({ code: 'ACCOUNT_NOT_FOUND', retryable: false });
    expect(nock.isDone()).toBe(true);
  });

  it('sends nothing when the account status cannot be read', async () => {
    authOk();
    searchReply({ status: true, data: [{ accountNumber: ACCOUNT, accountStatus: 'Suspended' }] });
    const error = (await closeCall())._unsafeUnwrapErr();
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE', details: { accountStatus: 'Suspended' } });
  });

  describe('every statusCode of the table', () => {
    for (const entry of UDARA360_POSTING_CODE_RULES) {
      const statusCode = entry.providerCode;
      it(`${statusCode} (${entry.meaning}) -> ${entry.code}, ${entry.disposition}`, async () => {
        const { seen, record } = recorder();
        authOk();
        let searches = 0;
        scope()
          .get(SEARCH_PATH)
          .query(SEARCH_QUERY)
          .times(5)
          .reply(() => {
            searches++;
            return [200, searchOpen];
          });
        balanceReply();
        scope()
          .post(CLOSE_PATH)
          .times(3)
          .reply(record(200, posting(false, statusCode, entry.meaning)));
        const error = (await closeCall(adapterWith({ maxRetries: 1 })))._unsafeUnwrapErr();
        expect(error).toMatchObject({
          code: entry.code,
          provider: 'udara360',
          httpStatus: 200,
          providerCode: statusCode,
          retryable: entry.disposition === 'uncertain',
          details: { statusCode, meaning: entry.meaning, disposition: entry.disposition },
        });
        expect(error.message).toContain(`status code ${statusCode}`);
        // refused: pre-check only; confirm: one read after; uncertain: read-back before the one replay and after it.
        const expected = { refused: [1, 1], confirm: [1, 2], uncertain: [2, 3] }[entry.disposition];
        expect([seen.length, searches]).toEqual(expected);
        for (const request of seen) {
          expect(request.body).toEqual(closeBody());
          expect(request.headers['request-reference']).toMatch(REFERENCE);
        }
        const references = seen.map((request) => request.headers['request-reference']);
        expect(new Set(references).size).toBe(references.length);
      });
    }
  });

  it('reads the Udara message and code into the error of a refusal', async () => {
    authOk();
    searchReply(searchOpen);
    balanceReply();
    scope().post(CLOSE_PATH).reply(200, closeRefused51);
    const error = (await closeCall())._unsafeUnwrapErr();
    expect(error.toJSON()).toEqual({
      name: 'ClosureError',
      // [CODES] names 51 "Insufficient Balance" and nothing more: the provider's own refusal.
      code: 'PROVIDER_ERROR',
      message: 'closeAccount: Udara360 answered status code 51 (Insufficient Balance): Insufficient Balance',
      retryable: false,
      provider: 'udara360',
      httpStatus: 200,
      providerCode: '51',
      requestId: null,
      details: { statusCode: '51', meaning: 'Insufficient Balance', disposition: 'refused' },
      closure: null,
    });
  });

  it('treats HTTP 200 with status false and no code as a failure, confirmed by a read-back', async () => {
    authOk();
    searchReply(searchOpen, 2);
    balanceReply();
    scope().post(CLOSE_PATH).reply(200, { status: false, message: 'Something went wrong' });
    const error = (await closeCall())._unsafeUnwrapErr();
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', providerCode: null, retryable: false });
    expect(error.message).toBe('closeAccount: Udara360 answered no status code: Something went wrong');
    expect(nock.isDone()).toBe(true);
  });

  it('takes "00" with status false for a contradiction and lets the read-back decide', async () => {
    authOk();
    searchReply(searchOpen);
    balanceReply();
    scope().post(CLOSE_PATH).reply(200, posting(false, '00'));
    searchReply(searchClosed);
    const closure = (await closeCall())._unsafeUnwrap();
    expect(closure).toMatchObject({
      closureId: ACCOUNT,
      state: { unified: 'CLOSED', raw: '3' },
      reason: { unified: 'CUSTOMER_REQUEST', raw: "Customer's request" },
      initiatedBy: 'partner',
      created: null,
    });
    expect(nock.isDone()).toBe(true);
  });

  it('confirms a 26 (Duplicate Record) by reading back: Closed means our earlier attempt closed it', async () => {
    authOk();
    searchReply(searchOpen);
    balanceReply();
    scope().post(CLOSE_PATH).reply(200, posting(false, '26'));
    searchReply(searchClosed);
    const closure = (await closeCall())._unsafeUnwrap();
    expect(closure).toMatchObject({
      closureId: ACCOUNT,
      created: null,
      state: { unified: 'CLOSED' },
    });
    expect(nock.isDone()).toBe(true);
  });

  it('answers OUTCOME_UNKNOWN when a 26 cannot be confirmed', async () => {
    authOk();
    searchReply(searchOpen);
    balanceReply();
    scope().post(CLOSE_PATH).reply(200, posting(false, '26'));
    scope().get(SEARCH_PATH).query(SEARCH_QUERY).reply(404, errorEnvelope400);
    const error = (await closeCall())._unsafeUnwrapErr();
    expect(error).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryable: false, providerCode: '26' });
  });

  describe('the errors[] envelope', () => {
    it('translates a 400 with its errorCode and errorMessage, without retrying', async () => {
      authOk();
      searchReply(searchOpen);
      balanceReply();
      scope().post(CLOSE_PATH).reply(400, errorEnvelope400, { 'x-request-id': 'req-400' });
      const error = (await closeCall())._unsafeUnwrapErr();
      expect(error.toJSON()).toEqual({
        name: 'ClosureError',
        code: 'INVALID_REQUEST',
        message: 'closeAccount: Udara360 answered HTTP 400: The account number supplied is not valid',
        retryable: false,
        provider: 'udara360',
        httpStatus: 400,
        providerCode: 'INVALID_ACCOUNT',
        requestId: 'req-400',
        details: { errors: ['The account number supplied is not valid'], errorCode: 'INVALID_ACCOUNT' },
        closure: null,
      });
      expect(nock.isDone()).toBe(true);
    });

    it('reads back after a 5xx and reports it once the retries are spent', async () => {
      authOk();
      searchReply(searchOpen, 3);
      balanceReply();
      scope().post(CLOSE_PATH).times(2).reply(500, errorEnvelope500);
      const error = (await closeCall(adapterWith({ maxRetries: 1 })))._unsafeUnwrapErr();
      expect(error).toMatchObject({
        code: 'PROVIDER_ERROR',
        httpStatus: 500,
        providerCode: 'SYSTEM_ERROR',
        retryable: true,
        message: 'closeAccount: Udara360 answered HTTP 500: An unexpected error occurred',
      });
      expect(nock.isDone()).toBe(true);
    });

    it('translates 403, 409, 422 and 429', async () => {
      const cases = [
        [403, 'PERMISSION_DENIED'],
        [409, 'DUPLICATE_REQUEST'],
        [422, 'INVALID_REQUEST'],
        [429, 'RATE_LIMITED'],
      ] as const;
      for (const [status, code] of cases) {
        nock.cleanAll();
        authOk();
        searchReply(searchOpen, 2);
        balanceReply();
        scope()
          .post(CLOSE_PATH)
          .reply(
            status,
            { errors: [{ statusCode: status, errorCode: `E${status}`, errorMessage: `status ${status}` }] },
            {
              'retry-after': '0',
            },
          );
        const error = (await closeCall(adapterWith({ maxRetries: 0 })))._unsafeUnwrapErr();
        expect(error).toMatchObject({ code, httpStatus: status, providerCode: `E${status}` });
      }
    });

    it('reads ASP.NET model-validation errors too', async () => {
      authOk();
      searchReply(searchOpen);
      balanceReply();
      scope()
        .post(CLOSE_PATH)
        .reply(400, {
          title: 'One or more validation errors occurred.',
          status: 400,
          errors: { ClosureReason: ['Too long'] },
        });
      const error = (await closeCall())._unsafeUnwrapErr();
      expect(error).toMatchObject({
        code: 'INVALID_REQUEST',
        message: 'closeAccount: Udara360 answered HTTP 400: ClosureReason: Too long',
      });
    });
  });

  describe('outcome not known yet (90 / 96)', () => {
    for (const statusCode of ['90', '96']) {
      it(`${statusCode} then Closed on read-back: success, no replay`, async () => {
        const { seen, record } = recorder();
        authOk();
        searchReply(searchOpen);
        balanceReply();
        scope()
          .post(CLOSE_PATH)
          .reply(record(200, posting(false, statusCode)));
        searchReply(searchClosed);
        const closure = (await closeCall())._unsafeUnwrap();
        expect(seen).toHaveLength(1);
        expect(closure).toMatchObject({
          closureId: ACCOUNT,
          accountId: ACCOUNT,
          state: { unified: 'CLOSED', raw: '3' },
          created: null,
        });
        expect(nock.isDone()).toBe(true);
      });

      it(`${statusCode} then not closed on read-back: one resend with fresh references`, async () => {
        const { seen, record } = recorder();
        authOk();
        searchReply(searchOpen, 2);
        balanceReply();
        scope()
          .post(CLOSE_PATH)
          .reply(record(200, posting(false, statusCode)));
        scope().post(CLOSE_PATH).reply(record(200, closeSuccess));
        const closure = (await closeCall())._unsafeUnwrap();
        expect(closure).toMatchObject({ closureId: ACCOUNT, created: true });
        expect(seen).toHaveLength(2);
        expect(seen[0]!.body).toEqual(closeBody());
        expect(seen[1]!.body).toEqual(closeBody());
        // Fresh references for the resend, so a provider refusing reused ones (26) cannot lock it out.
        expect(seen[1]!.headers['request-reference']).toMatch(REFERENCE);
        expect(seen[1]!.headers['request-reference']).not.toBe(seen[0]!.headers['request-reference']);
        expect(seen[1]!.body).not.toEqual(seen[0]!.body);
        expect(nock.isDone()).toBe(true);
      });

      it(`${statusCode} then a failing read-back: OUTCOME_UNKNOWN, no replay`, async () => {
        const { seen, record } = recorder();
        authOk();
        searchReply(searchOpen);
        balanceReply();
        scope()
          .post(CLOSE_PATH)
          .reply(record(200, posting(false, statusCode)));
        scope().get(SEARCH_PATH).query(SEARCH_QUERY).reply(404, errorEnvelope400);
        const error = (await closeCall())._unsafeUnwrapErr();
        expect(seen).toHaveLength(1);
        expect(error).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryable: false, providerCode: statusCode });
        expect(nock.isDone()).toBe(true);
      });
    }

    it('a read-back with an unreadable status is OUTCOME_UNKNOWN, never a replay', async () => {
      authOk();
      searchReply(searchOpen);
      balanceReply();
      scope().post(CLOSE_PATH).reply(200, posting(false, '96'));
      searchReply({ status: true, data: [{ accountNumber: ACCOUNT, accountStatus: null }] });
      const error = (await closeCall())._unsafeUnwrapErr();
      expect(error.code).toBe('OUTCOME_UNKNOWN');
      expect(nock.isDone()).toBe(true);
    });

    it('a lost answer (connection reset) is read back before any replay', async () => {
      authOk();
      searchReply(searchOpen);
      balanceReply();
      scope().post(CLOSE_PATH).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
      searchReply(searchClosed);
      const closure = (await closeCall())._unsafeUnwrap();
      expect(closure).toMatchObject({ closureId: ACCOUNT, created: null });
      expect(nock.isDone()).toBe(true);
    });
  });

  describe('input validation', () => {
    const invalid: [string, unknown, string[]][] = [
      [
        'an account number over 10 characters',
        { accountId: '12345678901', reason: 'CUSTOMER_REQUEST' },
        ['accountId must be at most 10 characters (Udara360 account number)'],
      ],
      [
        'punctuation in the account number',
        { accountId: '1100-12345', reason: 'CUSTOMER_REQUEST' },
        ['accountId must contain only letters and digits (Udara360 account number)'],
      ],
      [
        'a control character',
        { accountId: '11000\u00002345', reason: 'CUSTOMER_REQUEST' },
        ['accountId must not contain control characters'],
      ],
      [
        'several problems at once',
        {
          accountId: ' 1100-123456789\t',
          reason: 'NOPE',
          idempotencyKey: 'has space',
          providerOptions: { instrumentNumber: 'x' },
        },
        [
          'accountId must not start or end with whitespace',
          'accountId must not contain control characters',
          'reason',
          'idempotencyKey must be printable ASCII without spaces',
          'accountId must be at most 10 characters (Udara360 account number)',
          'providerOptions udara360 takes no provider options (got instrumentNumber)',
        ],
      ],
    ];
    for (const [label, input, expected] of invalid) {
      it(`refuses ${label} with one INVALID_REQUEST and sends nothing`, async () => {
        const adapter = adapterWith();
        const error = (await adapter.closeAccount(input as never))._unsafeUnwrapErr();
        expect(error.code).toBe('INVALID_REQUEST');
        const issues = (error.details as { issues: { path: string; message: string }[] }).issues.map(
          (issue) => `${issue.path} ${issue.message}`,
        );
        for (const text of expected) expect(issues.some((issue) => issue.startsWith(text))).toBe(true);
        expect(issues).toHaveLength(expected.length);
      });
    }

    it('applies the same account-number rules to getClosure', async () => {
      const error = (await adapterWith().getClosure({ accountId: '12345678901' }))._unsafeUnwrapErr();
      expect(error).toMatchObject({
        code: 'INVALID_REQUEST',
        details: {
          issues: [{ path: 'accountId', message: 'must be at most 10 characters (Udara360 account number)' }],
        },
      });
    });
  });
});

describe('getClosure', () => {
  it('returns CLOSED for an account whose accountStatus is 3', async () => {
    const { seen, record } = recorder();
    authOk();
    scope().get(SEARCH_PATH).query(SEARCH_QUERY).reply(record(200, searchClosed));
    const closure = (await adapterWith().getClosure({ accountId: ACCOUNT }))._unsafeUnwrap();
    expect(seen[0]!.headers.authorization).toBe(BEARER);
    expect(closure).toEqual({
      provider: 'udara360',
      closureId: ACCOUNT,
      accountId: ACCOUNT,
      state: { unified: 'CLOSED', raw: '3' },
      reason: { unified: null, raw: null },
      initiatedBy: 'unknown',
      created: null,
      blockers: [],
      failure: null,
      legalClosureDate: null,
      technicalClosureDate: null,
      payoutAllowed: null,
      updatedAt: null,
      raw: { account: searchClosed.data[0] },
    });
  });

  it('accepts "Closed" as a name and a paged or bare answer', async () => {
    authOk();
    searchReply({
      status: true,
      data: {
        items: [
          { accountNumber: '11000123459', accountStatus: 'Active' },
          { accountNumber: ACCOUNT, accountStatus: 'Closed' },
        ],
      },
    });
    searchReply({ accountNumber: ACCOUNT, accountStatus: '3' });
    const adapter = adapterWith();
    expect((await adapter.getClosure({ accountId: ACCOUNT }))._unsafeUnwrap().state).toEqual({
      unified: 'CLOSED',
      raw: 'Closed',
    });
    expect((await adapter.getClosure({ accountId: ACCOUNT }))._unsafeUnwrap().state).toEqual({
      unified: 'CLOSED',
      raw: '3',
    });
  });

  it('answers CLOSURE_NOT_FOUND for an open account and for an unknown one', async () => {
    authOk();
    searchReply(searchOpen);
    searchReply({ status: false, message: 'No Record Found', data: { statusCode: '25' } });
    const adapter = adapterWith();
    expect((await adapter.getClosure({ accountId: ACCOUNT }))._unsafeUnwrapErr()).toMatchObject({
      code: 'CLOSURE_NOT_FOUND',
      details: { accountFound: true, accountStatus: '1', label: 'Active' },
    });
    expect((await adapter.getClosure({ accountId: ACCOUNT }))._unsafeUnwrapErr()).toMatchObject({
      code: 'CLOSURE_NOT_FOUND',
      providerCode: '25',
      details: { accountFound: false },
    });
  });

  it('takes the closureId (the account number) as well as the accountId', async () => {
    authOk();
    searchReply(searchClosed, 2);
    const adapter = adapterWith();
    const byId = (await adapter.getClosure({ closureId: ACCOUNT }))._unsafeUnwrap();
    expect(byId).toMatchObject({ closureId: ACCOUNT, accountId: ACCOUNT, state: { unified: 'CLOSED' } });
    expect((await adapter.getClosure({ closureId: ACCOUNT, accountId: ACCOUNT }))._unsafeUnwrap()).toEqual(
      byId,
    );
    expect(nock.isDone()).toBe(true);
  });

  it('refuses a closureId that is not an account number, or one that names another account, without a request', async () => {
    const adapter = adapterWith();
    expect(
      (await adapter.getClosure({ closureId: 'UDR20260101123456789' }))._unsafeUnwrapErr(),
    ).toMatchObject({
      code: 'INVALID_REQUEST',
      details: {
        issues: [{ path: 'closureId', message: 'must be at most 10 characters (Udara360 account number)' }],
      },
    });
    expect(
      (await adapter.getClosure({ closureId: '1100099999', accountId: ACCOUNT }))._unsafeUnwrapErr(),
    ).toMatchObject({ code: 'INVALID_REQUEST' });
  });
});

describe('listClosures and webhooks', () => {
  it('answers OPERATION_NOT_SUPPORTED for listClosures (after validating the query)', async () => {
    const adapter = adapterWith();
    expect((await adapter.listClosures({ accountId: ACCOUNT }))._unsafeUnwrapErr().code).toBe(
      'OPERATION_NOT_SUPPORTED',
    );
    expect((await adapter.listClosures({ page: 0 }))._unsafeUnwrapErr().code).toBe('INVALID_REQUEST');
  });

  it('answers OPERATION_NOT_SUPPORTED for parseWebhook', async () => {
    const result = await adapterWith().parseWebhook({ rawBody: '{"event":2}', headers: {} });
    expect(result._unsafeUnwrapErr()).toMatchObject({
      code: 'OPERATION_NOT_SUPPORTED',
      provider: 'udara360',
    });
  });
});

describe('pre-flight: closure is irreversible, so a funded account is refused before sending', () => {
  const funded = (fields: Partial<typeof balanceZero.data>) => ({
    ...balanceZero,
    data: { ...balanceZero.data, ...fields },
  });

  it('refuses a funded account with NON_ZERO_BALANCE and sends no close', async () => {
    authOk();
    searchReply(searchOpen);
    balanceReply(1, balanceFunded);
    const error = (await closeCall())._unsafeUnwrapErr();
    expect(error).toMatchObject({
      code: 'NON_ZERO_BALANCE',
      provider: 'udara360',
      retryable: false,
      details: {
        balances: {
          ledgerBalance: 500050,
          availableBalance: 450050,
          lienAmount: 50000,
          withdrawableBalance: 450050,
        },
      },
    });
    expect(error.message).toContain('nothing was sent');
    expect(nock.isDone()).toBe(true);
  });

  for (const field of ['ledgerBalance', 'availableBalance', 'lienAmount'] as const) {
    it(`refuses when only ${field} is not zero (also as a string, or negative)`, async () => {
      for (const value of [1, '2500', -100]) {
        nock.cleanAll();
        authOk();
        searchReply(searchOpen);
        balanceReply(1, funded({ [field]: value } as never));
        expect((await closeCall())._unsafeUnwrapErr().code).toBe('NON_ZERO_BALANCE');
        expect(nock.isDone()).toBe(true);
      }
    });
  }

  it('accepts the balance fields at top level and as numeric strings', async () => {
    authOk();
    searchReply(searchOpen);
    balanceReply(1, { accountNumber: ACCOUNT, ledgerBalance: '0.00', availableBalance: '0', lienAmount: 0 });
    scope().post(CLOSE_PATH).reply(200, closeSuccess);
    expect((await closeCall())._unsafeUnwrap()).toMatchObject({ created: true });
    expect(nock.isDone()).toBe(true);
  });

  it('sends nothing when a balance is missing or the read fails: never "could not read" for "zero"', async () => {
    authOk();
    searchReply(searchOpen, 2);
    balanceReply(1, {
      status: true,
      data: { accountNumber: ACCOUNT, ledgerBalance: 0, availableBalance: 0 },
    });
    const adapter = adapterWith();
    const missing = (await closeCall(adapter))._unsafeUnwrapErr();
    expect(missing).toMatchObject({ code: 'INVALID_RESPONSE', details: { lienAmount: null } });
    expect(missing.message).toContain('nothing was sent');
    balanceReply(1, { status: false, message: 'No Record Found', data: { statusCode: '25' } });
    expect((await closeCall(adapter))._unsafeUnwrapErr()).toMatchObject({
      code: 'ACCOUNT_NOT_FOUND',
      providerCode: '25',
    });
    expect(nock.isDone()).toBe(true);
  });

  it('preflight: false skips the balance read (the status read stays) and closes a funded account', async () => {
    const { seen, record } = recorder();
    authOk();
    scope().get(SEARCH_PATH).query(SEARCH_QUERY).reply(record(200, searchOpen));
    scope().post(CLOSE_PATH).reply(record(200, closeSuccess));
    const closure = (await closeCall(adapterWith({ preflight: false })))._unsafeUnwrap();
    expect(closure).toMatchObject({ state: { unified: 'CLOSED' }, created: true });
    expect(seen.map(({ method, path }) => `${method} ${path.split('?')[0]}`)).toEqual([
      `GET ${SEARCH_PATH}`,
      `POST ${CLOSE_PATH}`,
    ]);
    expect(nock.isDone()).toBe(true);
  });

  it('preflight: false still answers an already Closed account from the status read', async () => {
    authOk();
    searchReply(searchClosed);
    const closure = (await closeCall(adapterWith({ preflight: false })))._unsafeUnwrap();
    expect(closure).toMatchObject({ state: { unified: 'CLOSED' }, created: false });
    expect(nock.isDone()).toBe(true);
  });

  it('rejects a non-boolean preflight setting', () => {
    expect(() => createUdara360Adapter({ preflight: 'no' as never })).toThrow(/preflight/);
  });
});

describe('one closure, one handle', () => {
  it('gives the account number as closureId on success, after a lost answer, and from getClosure', async () => {
    authOk();
    searchReply(searchOpen);
    balanceReply();
    scope().post(CLOSE_PATH).reply(200, closeSuccess);
    const adapter = adapterWith();
    const created = (await closeCall(adapter))._unsafeUnwrap();

    searchReply(searchOpen);
    balanceReply();
    scope().post(CLOSE_PATH).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    searchReply(searchClosed);
    const readBack = (
      await adapter.closeAccount({ accountId: ACCOUNT, reason: 'FRAUD', idempotencyKey: 'k-2' })
    )._unsafeUnwrap();

    searchReply(searchClosed);
    const got = (await adapter.getClosure({ closureId: created.closureId }))._unsafeUnwrap();
    expect([created.closureId, readBack.closureId, got.closureId]).toEqual([ACCOUNT, ACCOUNT, ACCOUNT]);
    expect(readBack).toMatchObject({
      created: null,
      initiatedBy: 'partner',
      reason: { unified: 'FRAUD', raw: 'Fraud related concern' },
      raw: {
        postings: [
          { requestReference: expect.any(String), instrumentNumber: expect.stringMatching(GUID_V4) },
        ],
      },
    });
    expect(nock.isDone()).toBe(true);
  });

  it('answers a repeated call with the same key after success with the same closure, created false, nothing sent', async () => {
    authOk();
    searchReply(searchOpen);
    balanceReply();
    scope().post(CLOSE_PATH).reply(200, closeSuccess);
    searchReply(searchClosed);
    const adapter = adapterWith();
    const first = (await closeCall(adapter))._unsafeUnwrap();
    const second = (await closeCall(adapter))._unsafeUnwrap();
    expect(first).toMatchObject({ closureId: ACCOUNT, created: true });
    expect(second).toMatchObject({
      closureId: first.closureId,
      state: { unified: 'CLOSED' },
      created: false,
    });
    expect(nock.isDone()).toBe(true);
  });

  it('runs concurrent closes of one account one at a time: one posting, the other finds it Closed', async () => {
    let posts = 0;
    let closed = false;
    authOk();
    scope()
      .get(SEARCH_PATH)
      .query(SEARCH_QUERY)
      .times(2)
      .reply(() => [200, closed ? searchClosed : searchOpen]);
    balanceReply();
    scope()
      .post(CLOSE_PATH)
      .delay(20)
      .reply(() => {
        posts++;
        closed = true;
        return [200, closeSuccess];
      });
    const adapter = adapterWith();
    const results = await Promise.all([closeCall(adapter), closeCall(adapter)]);
    expect(posts).toBe(1);
    expect(results.map((result) => result._unsafeUnwrap().created).sort()).toEqual([false, true]);
    expect(nock.isDone()).toBe(true);
  });

  it('reads the pre-check status as a number or as its documented name', async () => {
    authOk();
    searchReply({ status: true, data: [{ accountNumber: ACCOUNT, accountStatus: 'Active' }] });
    balanceReply();
    scope().post(CLOSE_PATH).reply(200, closeSuccess);
    searchReply({ status: true, data: [{ accountNumber: ACCOUNT, accountStatus: 'closed' }] });
    const adapter = adapterWith();
    expect((await closeCall(adapter))._unsafeUnwrap().created).toBe(true);
    expect((await closeCall(adapter))._unsafeUnwrap()).toMatchObject({
      created: false,
      state: { unified: 'CLOSED', raw: 'closed' },
    });
    expect(nock.isDone()).toBe(true);
  });
});

describe('base URL from the environment', () => {
  it('uses UDARA360_BASE_URL when the setting is absent; the setting beats it', async () => {
    vi.stubEnv('UDARA360_BASE_URL', 'http://127.0.0.1:4360');
    nock('http://127.0.0.1:4360').post(AUTH_PATH).reply(200, token);
    nock('http://127.0.0.1:4360').get(SEARCH_PATH).query(SEARCH_QUERY).reply(200, searchClosed);
    expect((await adapterWith().getClosure({ accountId: ACCOUNT })).isOk()).toBe(true);
    authOk();
    searchReply(searchClosed);
    expect((await adapterWith({ baseUrl: BASE }).getClosure({ accountId: ACCOUNT })).isOk()).toBe(true);
    expect(nock.isDone()).toBe(true);
  });

  it('throws naming the variable when UDARA360_BASE_URL is not a URL credentials may go to', () => {
    vi.stubEnv('UDARA360_BASE_URL', 'http://openapi.udara360.io');
    expect(() => adapterWith()).toThrow(/UDARA360_BASE_URL .*https/);
    expect(() => adapterWith({ baseUrl: BASE })).not.toThrow();
  });
});
