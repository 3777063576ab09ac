import type { ClosureError, HttpHooks } from '@closekit/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import closeRefused51 from './__fixtures__/close-account-refused-51.json';
import closeSuccess from './__fixtures__/close-account-success.json';
import errorEnvelope400 from './__fixtures__/error-envelope-400.json';
import errorEnvelope500 from './__fixtures__/error-envelope-500.json';
import searchClosed from './__fixtures__/search-account-closed.json';
import searchOpen from './__fixtures__/search-account-open.json';
import token from './__fixtures__/token.json';
import tokenEnvelope from './__fixtures__/token-envelope.json';
import { deriveUdara360IdempotencyMaterial } from './convert-to-udara360-close-request';
import { createUdara360Adapter } from './udara360-adapter';
import { UDARA360_STATUS_CODE_TABLE } from './udara360-error';
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
const MATERIAL = deriveUdara360IdempotencyMaterial(KEY);
const AUTH_PATH = '/api/auth/v1/authenticate';
const CLOSE_PATH = '/api/postings/v1/closeaccount';
const SEARCH_PATH = '/api/account/v1/SearchAccount';
const SEARCH_QUERY = { accountNumber: ACCOUNT, PageNumber: '1', PageSize: '10' };
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
const closeBody = (reason = "Customer's request") => ({
  accountNumber: ACCOUNT,
  closureReason: reason,
  instrumentNumber: MATERIAL.instrumentNumber,
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
    scope().post(CLOSE_PATH).reply(record(200, closeSuccess));
    const result = await closeCall();
    expect(result.isOk()).toBe(true);
    expect(seen.map(({ method, path }) => `${method} ${path}`)).toEqual([
      `POST ${AUTH_PATH}`,
      `GET ${SEARCH_PATH}?accountNumber=${ACCOUNT}&PageNumber=1&PageSize=10`,
      `POST ${CLOSE_PATH}`,
    ]);
    const [auth, search, close] = seen;
    expect(auth!.body).toEqual({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    expect(auth!.headers['content-type']).toBe('application/json');
    expect(auth!.headers.authorization).toBeUndefined();
    expect(search!.headers.authorization).toBe(BEARER);
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
      'request-reference': MATERIAL.requestReference,
    });
    expect(Object.keys(close.headers).sort()).toEqual(
      expect.arrayContaining(['accept', 'authorization', 'content-type', 'request-reference']),
    );
    expect(closure).toEqual({
      provider: 'udara360',
      closureId: 'UDR20260101123456789',
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

  it('derives Request-Reference and instrumentNumber from the idempotency key within the documented limits', () => {
    expect(MATERIAL.requestReference.length).toBeLessThanOrEqual(100);
    expect(MATERIAL.instrumentNumber).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(deriveUdara360IdempotencyMaterial(KEY)).toEqual(MATERIAL);
  });

  it('generates one idempotency key per call when none is given, reused on every attempt', async () => {
    const { seen, record } = recorder();
    authOk();
    searchReply(searchOpen, 2);
    scope().post(CLOSE_PATH).reply(record(503, errorEnvelope500));
    scope().post(CLOSE_PATH).reply(record(200, closeSuccess));
    const hooks: HttpHooks = { onRequest: vi.fn() };
    const result = await adapterWith({ hooks }).closeAccount({ accountId: ACCOUNT, reason: 'FRAUD' });
    expect(result.isOk()).toBe(true);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.headers['request-reference']).toBe(seen[0]!.headers['request-reference']);
    expect(seen[1]!.body).toEqual(seen[0]!.body);
    const closeEvents = vi
      .mocked(hooks.onRequest!)
      .mock.calls.map(([event]) => event)
      .filter((event) => event.operation === 'closeAccount');
    const key = closeEvents[0]!.idempotencyKey!;
    expect(closeEvents.map((event) => event.idempotencyKey)).toEqual([key, key]);
    expect(deriveUdara360IdempotencyMaterial(key).requestReference).toBe(
      seen[0]!.headers['request-reference'],
    );
  });

  it('sends each supported reason verbatim, and overrides from reasonMap', async () => {
    const { seen, record } = recorder();
    authOk();
    searchReply(searchOpen, 2);
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
    for (const [statusCode, entry] of Object.entries(UDARA360_STATUS_CODE_TABLE)) {
      if (entry.disposition === 'success') continue;
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
        const expected = { success: [], refused: [1, 1], confirm: [1, 2], uncertain: [2, 3] }[
          entry.disposition
        ];
        expect([seen.length, searches]).toEqual(expected);
        for (const request of seen) {
          expect(request.body).toEqual(closeBody());
          expect(request.headers['request-reference']).toBe(MATERIAL.requestReference);
        }
      });
    }
  });

  it('reads the Udara message and code into the error of a refusal', async () => {
    authOk();
    searchReply(searchOpen);
    scope().post(CLOSE_PATH).reply(200, closeRefused51);
    const error = (await closeCall())._unsafeUnwrapErr();
    expect(error.toJSON()).toEqual({
      name: 'ClosureError',
      code: 'NON_ZERO_BALANCE',
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
    scope().post(CLOSE_PATH).reply(200, { status: false, message: 'Something went wrong' });
    const error = (await closeCall())._unsafeUnwrapErr();
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', providerCode: null, retryable: false });
    expect(error.message).toBe('closeAccount: Udara360 answered no status code: Something went wrong');
    expect(nock.isDone()).toBe(true);
  });

  it('takes "00" with status false for a contradiction and lets the read-back decide', async () => {
    authOk();
    searchReply(searchOpen);
    scope().post(CLOSE_PATH).reply(200, posting(false, '00'));
    searchReply(searchClosed);
    const closure = (await closeCall())._unsafeUnwrap();
    expect(closure).toMatchObject({
      closureId: MATERIAL.instrumentNumber,
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
    scope().post(CLOSE_PATH).reply(200, posting(false, '26'));
    searchReply(searchClosed);
    const closure = (await closeCall())._unsafeUnwrap();
    expect(closure).toMatchObject({
      closureId: MATERIAL.instrumentNumber,
      created: null,
      state: { unified: 'CLOSED' },
    });
    expect(nock.isDone()).toBe(true);
  });

  it('answers OUTCOME_UNKNOWN when a 26 cannot be confirmed', async () => {
    authOk();
    searchReply(searchOpen);
    scope().post(CLOSE_PATH).reply(200, posting(false, '26'));
    scope().get(SEARCH_PATH).query(SEARCH_QUERY).reply(404, errorEnvelope400);
    const error = (await closeCall())._unsafeUnwrapErr();
    expect(error).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryable: false, providerCode: '26' });
  });

  describe('the errors[] envelope', () => {
    it('translates a 400 with its errorCode and errorMessage, without retrying', async () => {
      authOk();
      searchReply(searchOpen);
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
        scope()
          .post(CLOSE_PATH)
          .reply(record(200, posting(false, statusCode)));
        searchReply(searchClosed);
        const closure = (await closeCall())._unsafeUnwrap();
        expect(seen).toHaveLength(1);
        expect(closure).toMatchObject({
          closureId: MATERIAL.instrumentNumber,
          accountId: ACCOUNT,
          state: { unified: 'CLOSED', raw: '3' },
          created: null,
        });
        expect(nock.isDone()).toBe(true);
      });

      it(`${statusCode} then not closed on read-back: one replay with the same material`, async () => {
        const { seen, record } = recorder();
        authOk();
        searchReply(searchOpen, 2);
        scope()
          .post(CLOSE_PATH)
          .reply(record(200, posting(false, statusCode)));
        scope().post(CLOSE_PATH).reply(record(200, closeSuccess));
        const closure = (await closeCall())._unsafeUnwrap();
        expect(closure).toMatchObject({ closureId: 'UDR20260101123456789', created: true });
        expect(seen).toHaveLength(2);
        expect(seen[1]!.body).toEqual(seen[0]!.body);
        expect(seen[1]!.body).toEqual(closeBody());
        expect(seen[1]!.headers['request-reference']).toBe(seen[0]!.headers['request-reference']);
        expect(seen[1]!.headers['request-reference']).toBe(MATERIAL.requestReference);
        expect(nock.isDone()).toBe(true);
      });

      it(`${statusCode} then a failing read-back: OUTCOME_UNKNOWN, no replay`, async () => {
        const { seen, record } = recorder();
        authOk();
        searchReply(searchOpen);
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
      scope().post(CLOSE_PATH).reply(200, posting(false, '96'));
      searchReply({ status: true, data: [{ accountNumber: ACCOUNT, accountStatus: null }] });
      const error = (await closeCall())._unsafeUnwrapErr();
      expect(error.code).toBe('OUTCOME_UNKNOWN');
      expect(nock.isDone()).toBe(true);
    });

    it('a lost answer (connection reset) is read back before any replay', async () => {
      authOk();
      searchReply(searchOpen);
      scope().post(CLOSE_PATH).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
      searchReply(searchClosed);
      const closure = (await closeCall())._unsafeUnwrap();
      expect(closure).toMatchObject({ closureId: MATERIAL.instrumentNumber, created: null });
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

  it('cannot look a closure up by closureId alone, and says so without a request', async () => {
    const error = (await adapterWith().getClosure({ closureId: 'UDR20260101123456789' }))._unsafeUnwrapErr();
    expect(error).toMatchObject({ code: 'OPERATION_NOT_SUPPORTED' });
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
