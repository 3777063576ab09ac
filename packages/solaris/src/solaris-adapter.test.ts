import { ClosureError, type HttpRequestEvent, type HttpResponseEvent } from '@closekit/core';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import acrCreated from './__fixtures__/acr-created.json';
import acrFailed from './__fixtures__/acr-failed-negative-balance.json';
import acrInProgress from './__fixtures__/acr-in-progress.json';
import acrList from './__fixtures__/acr-list.json';
import errorModelNotFound from './__fixtures__/error-model-not-found.json';
import errorUnknownCode from './__fixtures__/error-unknown-code.json';
import errorValidation from './__fixtures__/error-validation.json';
import token from './__fixtures__/token.json';
import { createSolarisAdapter } from './solaris-adapter';
import type { SolarisAdapterSettings } from './solaris-settings';

const API = 'https://api.solaris.test';
const AUTH = 'https://auth.solaris.test';
const TOKEN_PATH = '/oauth2/token';
const ACR_PATH = '/v1/account_closure_requests';
const CLIENT_ID = 'partner-client-id';
const CLIENT_SECRET = 'partner-client-secret-0123456789';
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
const TOKEN = token.access_token;
const ACCOUNT = '5526853938474f3e92b22a03ea57a544cacc';
const FORM_BODY = 'grant_type=client_credentials&scope=partners';

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

let seen: Seen[] = [];

/** nock reply callback that records the request exactly as sent. */
function recording(status: number, body: unknown, headers: Record<string, string> = {}) {
  return function (this: nock.ReplyFnContext, uri: string, requestBody: nock.Body) {
    const url = new URL(uri, 'https://recorded.invalid');
    seen.push({
      method: this.req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: this.req.headers,
      body: requestBody,
    });
    return [status, body, headers] as const;
  };
}

const adapterWith = (overrides: Partial<SolarisAdapterSettings> = {}) =>
  createSolarisAdapter({
    baseUrl: API,
    authUrl: `${AUTH}${TOKEN_PATH}`,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    webhookSecrets: ['webhook-secret-aaaa'],
    backoff: { baseDelayMs: 1, maxDelayMs: 5 },
    ...overrides,
  });

const tokenEndpoint = (times = 1, accessToken = TOKEN) =>
  nock(AUTH)
    .post(TOKEN_PATH, FORM_BODY)
    .times(times)
    .reply(recording(201, { ...token, access_token: accessToken }));

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  seen = [];
  vi.unstubAllEnvs();
});

describe('authentication', () => {
  it('asks for a token with Basic client credentials and the form body, then sends it as Bearer', async () => {
    tokenEndpoint();
    nock(API).get(`${ACR_PATH}/${acrInProgress.id}`).reply(recording(200, acrInProgress));

    const result = await adapterWith().getClosure({ closureId: acrInProgress.id });

    expect(result.isOk()).toBe(true);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({
      method: 'POST',
      path: TOKEN_PATH,
      body: FORM_BODY,
      headers: {
        authorization: BASIC,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
    });
    expect(seen[1]).toMatchObject({
      method: 'GET',
      path: `${ACR_PATH}/${acrInProgress.id}`,
      headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' },
    });
    expect(nock.isDone()).toBe(true);
  });

  it('resolves a bare auth host to its /oauth2/token URL', async () => {
    tokenEndpoint();
    nock(API).get(`${ACR_PATH}/${acrInProgress.id}`).reply(200, acrInProgress);
    const result = await adapterWith({ authUrl: AUTH }).getClosure({ closureId: acrInProgress.id });
    expect(result.isOk()).toBe(true);
    expect(nock.isDone()).toBe(true);
  });

  it('falls back to SOLARIS_CLIENT_ID and SOLARIS_CLIENT_SECRET', async () => {
    vi.stubEnv('SOLARIS_CLIENT_ID', 'env-client-id');
    vi.stubEnv('SOLARIS_CLIENT_SECRET', 'env-client-secret-xyz');
    tokenEndpoint();
    nock(API).get(`${ACR_PATH}/${acrInProgress.id}`).reply(200, acrInProgress);
    const adapter = adapterWith({ clientId: undefined, clientSecret: undefined });
    expect((await adapter.getClosure({ closureId: acrInProgress.id })).isOk()).toBe(true);
    expect(seen[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('env-client-id:env-client-secret-xyz').toString('base64')}`,
    );
  });

  it('reuses the token across calls and shares one token request among 10 concurrent calls', async () => {
    tokenEndpoint(1);
    nock(API).get(`${ACR_PATH}/${acrInProgress.id}`).times(11).reply(200, acrInProgress);
    const adapter = adapterWith();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => adapter.getClosure({ closureId: acrInProgress.id })),
    );
    expect(results.every((result) => result.isOk())).toBe(true);
    expect((await adapter.getClosure({ closureId: acrInProgress.id })).isOk()).toBe(true);
    expect(seen.filter((request) => request.path === TOKEN_PATH)).toHaveLength(1);
    expect(nock.isDone()).toBe(true);
  });

  it('on a 401 fetches a new token once and replays the request with it', async () => {
    tokenEndpoint(1, 'first-access-token-value');
    tokenEndpoint(1, 'second-access-token-value');
    nock(API)
      .get(`${ACR_PATH}/${acrInProgress.id}`)
      .reply(
        recording(401, {
          errors: [{ id: 'e401', status: 401, code: 'invalid_token', title: 'Invalid Token' }],
        }),
      )
      .get(`${ACR_PATH}/${acrInProgress.id}`)
      .reply(recording(200, acrInProgress));

    const result = await adapterWith().getClosure({ closureId: acrInProgress.id });

    expect(result.isOk()).toBe(true);
    expect(seen.map((request) => [request.method, request.path, request.headers.authorization])).toEqual([
      ['POST', TOKEN_PATH, BASIC],
      ['GET', `${ACR_PATH}/${acrInProgress.id}`, 'Bearer first-access-token-value'],
      ['POST', TOKEN_PATH, BASIC],
      ['GET', `${ACR_PATH}/${acrInProgress.id}`, 'Bearer second-access-token-value'],
    ]);
  });

  it('gives up with AUTHENTICATION_FAILED after one re-authentication', async () => {
    tokenEndpoint(2);
    const invalid = {
      errors: [{ id: 'e401-b', status: '401', code: 'invalid_token', title: 'Invalid Token' }],
    };
    nock(API).get(`${ACR_PATH}/${acrInProgress.id}`).times(2).reply(recording(401, invalid));

    const error = (await adapterWith().getClosure({ closureId: acrInProgress.id }))._unsafeUnwrapErr();

    expect(error).toMatchObject({
      code: 'AUTHENTICATION_FAILED',
      retryable: false,
      httpStatus: 401,
      providerCode: 'invalid_token',
      requestId: 'e401-b',
    });
    expect(seen).toHaveLength(4);
    expect(nock.isDone()).toBe(true);
  });

  it('reports refused client credentials as AUTHENTICATION_FAILED without retrying', async () => {
    nock(AUTH)
      .post(TOKEN_PATH, FORM_BODY)
      .reply(recording(401, { error: 'invalid_client', error_description: 'client authentication failed' }));
    const error = (await adapterWith().getClosure({ closureId: acrInProgress.id }))._unsafeUnwrapErr();
    expect(error).toMatchObject({
      code: 'AUTHENTICATION_FAILED',
      httpStatus: 401,
      providerCode: 'invalid_client',
    });
    expect(seen).toHaveLength(1);
  });

  it('without credentials fails every API call with AUTHENTICATION_FAILED before sending anything', async () => {
    vi.stubEnv('SOLARIS_CLIENT_ID', '');
    vi.stubEnv('SOLARIS_CLIENT_SECRET', '');
    const onRequest = vi.fn();
    const adapter = adapterWith({ clientId: undefined, clientSecret: undefined, hooks: { onRequest } });
    const results = [
      await adapter.closeAccount({ accountId: ACCOUNT, reason: 'CUSTOMER_REQUEST' }),
      await adapter.getClosure({ accountId: ACCOUNT }),
      await adapter.listClosures({}),
    ];
    for (const result of results) {
      expect(result._unsafeUnwrapErr()).toMatchObject({ code: 'AUTHENTICATION_FAILED', retryable: false });
      expect(result._unsafeUnwrapErr().message).toMatch(/SOLARIS_CLIENT_ID/);
    }
    expect(onRequest).not.toHaveBeenCalled();
  });
});

describe('closeAccount', () => {
  it('POSTs account_id and closure_reason and reports a 201 as a new ACR', async () => {
    tokenEndpoint();
    nock(API).post(ACR_PATH).reply(recording(201, acrCreated));

    const closure = (
      await adapterWith().closeAccount({ accountId: ACCOUNT, reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrap();

    expect(seen[1]).toMatchObject({
      method: 'POST',
      path: ACR_PATH,
      body: { account_id: ACCOUNT, closure_reason: 'CUSTOMER_WISH' },
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    });
    expect(Object.keys(seen[1]?.body as object)).toEqual(['account_id', 'closure_reason']);
    expect(closure).toEqual({
      provider: 'solaris',
      closureId: acrCreated.id,
      accountId: ACCOUNT,
      state: { unified: 'REQUESTED', raw: 'INITIATED' },
      reason: { unified: 'CUSTOMER_REQUEST', raw: 'CUSTOMER_WISH' },
      initiatedBy: 'partner',
      created: true,
      blockers: [],
      failure: null,
      legalClosureDate: null,
      technicalClosureDate: null,
      payoutAllowed: true,
      updatedAt: '2026-03-02T09:15:00.000Z',
      raw: acrCreated,
    });
  });

  it('reports a 200 as the existing ACR (created: false)', async () => {
    tokenEndpoint();
    nock(API).post(ACR_PATH).reply(200, acrInProgress);
    const closure = (
      await adapterWith().closeAccount({ accountId: ACCOUNT, reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrap();
    expect(closure).toMatchObject({
      created: false,
      closureId: acrInProgress.id,
      state: { unified: 'PENDING' },
    });
  });

  describe('an account that is already closed answers Ok, CLOSED, created: false (every path)', () => {
    const completed = { ...acrCreated, status: 'COMPLETED', technical_closure_date: '2026-03-01' };
    const close = () => adapterWith().closeAccount({ accountId: ACCOUNT, reason: 'CUSTOMER_REQUEST' });
    const expectAlreadyClosed = (closure: unknown) =>
      expect(closure).toMatchObject({
        closureId: completed.id,
        state: { unified: 'CLOSED', raw: 'COMPLETED' },
        created: false,
        failure: null,
      });

    it('from the create answer (200 + the COMPLETED ACR, provider doc §3)', async () => {
      tokenEndpoint();
      nock(API).post(ACR_PATH).reply(200, completed);
      expectAlreadyClosed((await close())._unsafeUnwrap());
    });

    it('even if Solaris answered 201 with a COMPLETED ACR', async () => {
      tokenEndpoint();
      nock(API).post(ACR_PATH).reply(201, completed);
      expectAlreadyClosed((await close())._unsafeUnwrap());
    });

    it('from the read-back after an unknown outcome, without a second POST', async () => {
      tokenEndpoint();
      nock(API)
        .post(ACR_PATH)
        .reply(502, { errors: [{ id: 'e502', status: 502, code: 'bad_gateway' }] })
        .get(ACR_PATH)
        .query(true)
        .reply(200, [completed]);
      expectAlreadyClosed((await close())._unsafeUnwrap());
      expect(nock.isDone()).toBe(true);
    });

    it('from the read-back after 409 record_not_unique', async () => {
      tokenEndpoint();
      nock(API)
        .post(ACR_PATH)
        .reply(409, { errors: [{ id: 'e409', status: 409, code: 'record_not_unique' }] })
        .get(ACR_PATH)
        .query(true)
        .reply(200, [completed]);
      expectAlreadyClosed((await close())._unsafeUnwrap());
      expect(nock.isDone()).toBe(true);
    });
  });

  it.each([
    ['REVOCATION', 'ACCOUNT_REVOCATION'],
    ['RELATIONSHIP_TERMINATION', 'RELATIONSHIP_TERMINATION'],
    ['PARTNER_OFFBOARDING', 'PARTNER_SERVICE_ACCOUNT_TERMINATED'],
    ['FRAUD', 'COMPLIANCE_IMMEDIATE_PARTNER'],
    ['REGULATORY', 'COMPLIANCE_IMMEDIATE_PARTNER'],
  ] as const)('sends %s as %s once enabled in reasonMap', async (reason, wire) => {
    tokenEndpoint();
    nock(API)
      .post(ACR_PATH, { account_id: ACCOUNT, closure_reason: wire })
      .reply(201, { ...acrCreated, closure_reason: wire });
    // Off by default (Solaris' agreement first, provider doc §3): the user opts in per reason.
    const adapter = adapterWith({ reasonMap: { [reason]: wire } });
    expect((await adapter.closeAccount({ accountId: ACCOUNT, reason })).isOk()).toBe(true);
    expect(nock.isDone()).toBe(true);
  });

  it.each([
    ['REVOCATION', 'ACCOUNT_REVOCATION'],
    ['RELATIONSHIP_TERMINATION', 'RELATIONSHIP_TERMINATION'],
    ['PARTNER_OFFBOARDING', 'PARTNER_SERVICE_ACCOUNT_TERMINATED'],
    ['FRAUD', 'COMPLIANCE_IMMEDIATE_PARTNER'],
    ['REGULATORY', 'COMPLIANCE_IMMEDIATE_PARTNER'],
  ] as const)(
    'refuses %s by default with REASON_NOT_SUPPORTED, nothing sent, saying how to enable %s',
    async (reason, wire) => {
      const onRequest = vi.fn();
      const error = (
        await adapterWith({ hooks: { onRequest } }).closeAccount({ accountId: ACCOUNT, reason })
      )._unsafeUnwrapErr();
      expect(error).toMatchObject({
        code: 'REASON_NOT_SUPPORTED',
        provider: 'solaris',
        retryable: false,
        details: { reason, suggestedValue: wire },
      });
      expect(error.message).toContain(`reasonMap: { ${reason}: '${wire}' }`);
      expect(onRequest).not.toHaveBeenCalled();
    },
  );

  it('refuses a reasonMap value Solaris does not accept on create, when the adapter is created', () => {
    expect(() =>
      createSolarisAdapter({ reasonMap: { FRAUD: 'COMPLIANCE_IMMEDIATE_PARTNR' as string } }),
    ).toThrowError(/reasonMap\.FRAUD/);
  });

  it.each(['COURT_ORDER', 'DORMANCY', 'OVERDRAFT', 'DUPLICATE_ACCOUNT', 'OTHER'] as const)(
    'refuses %s with REASON_NOT_SUPPORTED before authenticating',
    async (reason) => {
      const onRequest = vi.fn();
      const error = (
        await adapterWith({ hooks: { onRequest } }).closeAccount({ accountId: ACCOUNT, reason })
      )._unsafeUnwrapErr();
      expect(error).toMatchObject({ code: 'REASON_NOT_SUPPORTED', provider: 'solaris' });
      expect(onRequest).not.toHaveBeenCalled();
    },
  );

  it('lets users narrow and extend the reason table', async () => {
    const adapter = adapterWith({
      reasonMap: { FRAUD: null, OTHER: 'CUSTOMER_WISH', REGULATORY: 'COMPLIANCE_IMMEDIATE_PARTNER' },
    });
    // Only CUSTOMER_REQUEST is on by default (provider doc §6); REGULATORY and OTHER were enabled here.
    expect(adapter.capabilities.reasons).toEqual(['CUSTOMER_REQUEST', 'REGULATORY', 'OTHER']);
    expect(
      (await adapter.closeAccount({ accountId: ACCOUNT, reason: 'FRAUD' }))._unsafeUnwrapErr().code,
    ).toBe('REASON_NOT_SUPPORTED');
  });

  it('refuses provider options (Solaris would drop unknown fields silently)', async () => {
    const error = (
      await adapterWith().closeAccount({
        accountId: ACCOUNT,
        reason: 'CUSTOMER_REQUEST',
        providerOptions: { closure_type: 'immediate' },
      })
    )._unsafeUnwrapErr();
    expect(error).toMatchObject({
      code: 'INVALID_REQUEST',
      details: { issues: [{ path: 'providerOptions.closure_type' }] },
    });
  });

  it('after a connection reset reads back by account and returns the ACR without a second POST', async () => {
    tokenEndpoint();
    nock(API)
      .post(ACR_PATH)
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .get(ACR_PATH)
      .query({ 'filter[account_id]': ACCOUNT, 'page[number]': '1', 'page[size]': '1000' })
      .reply(recording(200, [acrCreated]));

    const result = await adapterWith().closeAccount({ accountId: ACCOUNT, reason: 'CUSTOMER_REQUEST' });

    // Only the interceptors above exist: a second POST would find none and fail the call.
    expect(result._unsafeUnwrap()).toMatchObject({ closureId: acrCreated.id, created: null });
    expect(nock.isDone()).toBe(true);
    expect(seen.map((request) => [request.method, request.path, request.query])).toEqual([
      ['POST', TOKEN_PATH, {}],
      ['GET', ACR_PATH, { 'filter[account_id]': ACCOUNT, 'page[number]': '1', 'page[size]': '1000' }],
    ]);
  });

  it('after a timeout reads back and, when the account has no ACR, sends the create again', async () => {
    tokenEndpoint();
    const posts: unknown[] = [];
    nock(API)
      // Generous: on a loaded machine the token request alone may take a few hundred ms.
      .post(ACR_PATH)
      .delay(5_000)
      .reply(201, acrCreated)
      .get(ACR_PATH)
      .query(true)
      .reply(200, [])
      .post(ACR_PATH)
      .reply((_uri, body) => {
        posts.push(body);
        return [201, acrCreated];
      });

    const result = await adapterWith({ timeoutMs: 1_000 }).closeAccount({
      accountId: ACCOUNT,
      reason: 'CUSTOMER_REQUEST',
    });

    expect(result._unsafeUnwrap()).toMatchObject({ closureId: acrCreated.id, created: true });
    expect(posts).toEqual([{ account_id: ACCOUNT, closure_reason: 'CUSTOMER_WISH' }]);
    expect(nock.isDone()).toBe(true);
  });

  it('after a 500 ignores an old FAILED ACR but takes a FAILED one updated during the call as applied', async () => {
    const oldFailure = { ...acrFailed, updated_at: '2020-01-01T00:00:00.000Z' };
    tokenEndpoint();
    nock(API)
      .post(ACR_PATH)
      .reply(500, { errors: [{ id: 'e500', status: 500, code: 'generic_error' }] })
      .get(ACR_PATH)
      .query(true)
      .reply(200, [oldFailure])
      .post(ACR_PATH)
      .reply(201, acrCreated);
    const resent = await adapterWith().closeAccount({ accountId: ACCOUNT, reason: 'CUSTOMER_REQUEST' });
    expect(resent._unsafeUnwrap()).toMatchObject({ closureId: acrCreated.id, created: true });
    expect(nock.isDone()).toBe(true);

    const justFailed = { ...acrFailed, updated_at: new Date().toISOString() };
    tokenEndpoint();
    nock(API)
      .post(ACR_PATH)
      .reply(500, { errors: [{ id: 'e500', status: 500, code: 'generic_error' }] })
      .get(ACR_PATH)
      .query(true)
      .reply(200, [oldFailure, justFailed]);
    const taken = await adapterWith().closeAccount({ accountId: ACCOUNT, reason: 'CUSTOMER_REQUEST' });
    expect(taken._unsafeUnwrap()).toMatchObject({
      closureId: acrFailed.id,
      created: null,
      state: { unified: 'FAILED' },
      failure: { code: 'NON_ZERO_BALANCE', providerCode: 'negative_balance' },
    });
    expect(nock.isDone()).toBe(true);
  });

  it('answers OUTCOME_UNKNOWN when the read-back fails too', async () => {
    tokenEndpoint();
    nock(API)
      .post(ACR_PATH)
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .get(ACR_PATH)
      .query(true)
      .reply(503, { errors: [{ id: 'e503', status: 503, code: 'service_unavailable' }] });

    const error = (
      await adapterWith({ maxRetries: 0 }).closeAccount({ accountId: ACCOUNT, reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrapErr();

    expect(error).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryable: false, provider: 'solaris' });
    expect(error.message).toMatch(/reconcile with getClosure/);
    expect(nock.isDone()).toBe(true);
  });

  it('on 409 record_not_unique returns the account’s existing ACR, else DUPLICATE_REQUEST', async () => {
    const conflict = { errors: [{ id: 'e409', status: 409, code: 'record_not_unique', title: 'Conflict' }] };
    tokenEndpoint();
    nock(API).post(ACR_PATH).reply(409, conflict).get(ACR_PATH).query(true).reply(200, [acrInProgress]);
    const existing = await adapterWith().closeAccount({ accountId: ACCOUNT, reason: 'CUSTOMER_REQUEST' });
    expect(existing._unsafeUnwrap()).toMatchObject({ closureId: acrInProgress.id, created: false });

    tokenEndpoint();
    nock(API).post(ACR_PATH).reply(409, conflict).get(ACR_PATH).query(true).reply(200, [acrFailed]);
    const error = (
      await adapterWith().closeAccount({ accountId: ACCOUNT, reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrapErr();
    expect(error).toMatchObject({
      code: 'DUPLICATE_REQUEST',
      httpStatus: 409,
      providerCode: 'record_not_unique',
      requestId: 'e409',
      retryable: false,
    });
    expect(nock.isDone()).toBe(true);
  });

  it('maps 404 model_not_found on create to ACCOUNT_NOT_FOUND', async () => {
    tokenEndpoint();
    nock(API).post(ACR_PATH).reply(404, errorModelNotFound);
    const error = (
      await adapterWith().closeAccount({ accountId: ACCOUNT, reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrapErr();
    expect(error).toMatchObject({
      code: 'ACCOUNT_NOT_FOUND',
      httpStatus: 404,
      providerCode: 'model_not_found',
      requestId: errorModelNotFound.errors[0]?.id,
    });
  });
});

describe('errors', () => {
  it('translates an envelope with several errors and string or number statuses', async () => {
    tokenEndpoint();
    nock(API).post(ACR_PATH).reply(400, errorValidation, { 'x-request-id': 'hdr-req-1' });
    const error = (
      await adapterWith().closeAccount({ accountId: ACCOUNT, reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrapErr();
    expect(ClosureError.isInstance(error)).toBe(true);
    expect(error.toJSON()).toEqual({
      name: 'ClosureError',
      code: 'INVALID_REQUEST',
      message:
        'Solaris answered closeAccount with HTTP 400 validation_error: Validation Error: closure_reason does not have a valid value (+1 more)',
      retryable: false,
      provider: 'solaris',
      httpStatus: 400,
      providerCode: 'validation_error',
      requestId: '6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c',
      details: {
        errors: [
          {
            id: '6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c',
            status: 400,
            code: 'validation_error',
            title: 'Validation Error',
            detail: 'closure_reason does not have a valid value',
            field: 'closure_reason',
          },
          {
            id: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d',
            status: 400,
            code: 'validation_error',
            title: 'Validation Error',
            detail: 'account_id is missing',
            field: 'account_id',
          },
        ],
      },
      closure: null,
    });
  });

  it('keeps an unknown code as PROVIDER_ERROR with the raw code and the Solaris error id', async () => {
    tokenEndpoint();
    nock(API).post(ACR_PATH).reply(422, errorUnknownCode);
    const error = (
      await adapterWith().closeAccount({ accountId: ACCOUNT, reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrapErr();
    expect(error).toMatchObject({
      code: 'PROVIDER_ERROR',
      retryable: false,
      httpStatus: 422,
      providerCode: 'account_closure_not_possible',
      requestId: 'c0ffee00-1234-4abc-9def-000000000001',
    });
  });

  it('retries 429 honouring Retry-After and reports RATE_LIMITED when it persists', async () => {
    tokenEndpoint();
    nock(API).get(ACR_PATH).query(true).times(2).reply(429, '', { 'retry-after': '0' });
    const error = (await adapterWith({ maxRetries: 1 }).listClosures({}))._unsafeUnwrapErr();
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryable: true, httpStatus: 429 });
    expect(nock.isDone()).toBe(true);
  });

  it('never shows the client secret or the access token, even when Solaris echoes them', async () => {
    const events: (HttpRequestEvent | HttpResponseEvent)[] = [];
    tokenEndpoint();
    nock(API)
      .post(ACR_PATH)
      .reply(422, {
        errors: [
          {
            id: 'e-echo',
            status: 422,
            code: 'weird',
            detail: `token ${TOKEN} and secret ${CLIENT_SECRET} rejected`,
          },
        ],
      });
    const adapter = adapterWith({
      hooks: { onRequest: (event) => events.push(event), onResponse: (event) => events.push(event) },
    });
    const error = (
      await adapter.closeAccount({ accountId: ACCOUNT, reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrapErr();
    const shown = JSON.stringify([error, error.message, events]);
    expect(shown).not.toContain(TOKEN);
    expect(shown).not.toContain(CLIENT_SECRET);
    expect(shown).toContain('[REDACTED]');
    expect(events.map((event) => event.operation)).toEqual([
      'authenticate',
      'authenticate',
      'closeAccount',
      'closeAccount',
    ]);
  });
});

describe('getClosure', () => {
  it('maps a FAILED ACR with a negative_balance failure reason to NON_ZERO_BALANCE', async () => {
    tokenEndpoint();
    nock(API).get(`${ACR_PATH}/${acrFailed.id}`).reply(200, acrFailed);
    const closure = (await adapterWith().getClosure({ closureId: acrFailed.id }))._unsafeUnwrap();
    expect(closure).toEqual({
      provider: 'solaris',
      closureId: acrFailed.id,
      accountId: ACCOUNT,
      state: { unified: 'FAILED', raw: 'FAILED' },
      reason: { unified: 'CUSTOMER_REQUEST', raw: 'CUSTOMER_WISH' },
      initiatedBy: 'partner',
      created: null,
      blockers: [],
      failure: {
        code: 'NON_ZERO_BALANCE',
        providerCode: 'negative_balance',
        message: "Account balance is negative, can't perform technical closure.",
      },
      legalClosureDate: '2026-04-30',
      technicalClosureDate: null,
      payoutAllowed: false,
      updatedAt: '2026-03-03T10:00:00.000Z',
      raw: acrFailed,
    });
  });

  it('reads the documented example: *_INTERNAL means Solaris initiated it; dates as given', async () => {
    tokenEndpoint();
    nock(API).get(`${ACR_PATH}/${acrInProgress.id}`).reply(200, acrInProgress);
    const closure = (await adapterWith().getClosure({ closureId: acrInProgress.id }))._unsafeUnwrap();
    expect(closure).toMatchObject({
      state: { unified: 'PENDING', raw: 'IN_PROGRESS' },
      reason: { unified: 'REGULATORY', raw: 'COMPLIANCE_IMMEDIATE_INTERNAL' },
      initiatedBy: 'provider',
      failure: null,
      legalClosureDate: '2021-10-11',
      technicalClosureDate: '2021-10-11',
      payoutAllowed: false,
    });
  });

  it('answers CLOSURE_NOT_FOUND for an unknown ACR id', async () => {
    tokenEndpoint();
    nock(API).get(`${ACR_PATH}/unknownacrq`).reply(404, errorModelNotFound);
    const error = (await adapterWith().getClosure({ closureId: 'unknownacrq' }))._unsafeUnwrapErr();
    expect(error).toMatchObject({
      code: 'CLOSURE_NOT_FOUND',
      httpStatus: 404,
      providerCode: 'model_not_found',
    });
  });

  it('by account lists with filter[account_id] and returns the newest ACR', async () => {
    const older = { ...acrFailed, updated_at: '2025-01-01T00:00:00.000Z' };
    tokenEndpoint();
    nock(API)
      .get(ACR_PATH)
      .query({ 'filter[account_id]': ACCOUNT, 'page[number]': '1', 'page[size]': '1000' })
      .reply(200, [acrCreated, older]);
    const closure = (await adapterWith().getClosure({ accountId: ACCOUNT }))._unsafeUnwrap();
    expect(closure.closureId).toBe(acrCreated.id);
  });

  it('with closureId and a different accountId answers CLOSURE_NOT_FOUND', async () => {
    tokenEndpoint();
    nock(API).get(`${ACR_PATH}/${acrCreated.id}`).reply(200, acrCreated);
    const error = (
      await adapterWith().getClosure({ closureId: acrCreated.id, accountId: 'otheraccountcacc' })
    )._unsafeUnwrapErr();
    expect(error.code).toBe('CLOSURE_NOT_FOUND');
  });

  it('accepts payout_allowed as a boolean or a string', async () => {
    tokenEndpoint();
    nock(API)
      .get(ACR_PATH)
      .query(true)
      .reply(200, [
        { ...acrCreated, id: 'a1acrq', payout_allowed: true },
        { ...acrCreated, id: 'a2acrq', payout_allowed: 'false' },
        { ...acrCreated, id: 'a3acrq', payout_allowed: 'true' },
        { ...acrCreated, id: 'a4acrq', payout_allowed: null },
        { ...acrCreated, id: 'a5acrq', payout_allowed: undefined },
      ]);
    const page = (await adapterWith().listClosures({ pageSize: 10 }))._unsafeUnwrap();
    expect(page.items.map((item) => item.payoutAllowed)).toEqual([true, false, true, null, null]);
  });
});

describe('listClosures', () => {
  it('sends the filters and paging, and derives nextPage from the Link header', async () => {
    tokenEndpoint();
    nock(API)
      .get(ACR_PATH)
      .query({
        'filter[account_id]': ACCOUNT,
        'filter[status]': 'COMPLETED',
        'filter[legal_closure_date][min]': '2026-01-01',
        'filter[legal_closure_date][max]': '2026-12-31',
        'page[number]': '2',
        'page[size]': '1',
      })
      .reply(200, [{ ...acrCreated, status: 'COMPLETED' }], {
        link: `<${API}${ACR_PATH}?page[number]=1&page[size]=1>; rel="first", <${API}${ACR_PATH}?page%5Bnumber%5D=3&page%5Bsize%5D=1>; rel="next"`,
      });
    const page = (
      await adapterWith().listClosures({
        accountId: ACCOUNT,
        state: 'CLOSED',
        legalClosureDateMin: '2026-01-01',
        legalClosureDateMax: '2026-12-31',
        page: 2,
        pageSize: 1,
      })
    )._unsafeUnwrap();
    expect(page.nextPage).toBe(3);
    expect(page.items.map((item) => item.state)).toEqual([{ unified: 'CLOSED', raw: 'COMPLETED' }]);
    expect(nock.isDone()).toBe(true);
  });

  it('says there is no next page when the Link header has no next', async () => {
    tokenEndpoint();
    nock(API)
      .get(ACR_PATH)
      .query(true)
      .reply(200, acrList, { link: `<${API}${ACR_PATH}?page[number]=1>; rel="first"` });
    expect((await adapterWith().listClosures({ pageSize: 1 }))._unsafeUnwrap().nextPage).toBeNull();
  });

  it('uses the total header when there is no Link header', async () => {
    tokenEndpoint();
    nock(API).get(ACR_PATH).query(true).reply(200, acrList, { total: '3', 'per-page': '1' });
    expect((await adapterWith().listClosures({ page: 2, pageSize: 1 }))._unsafeUnwrap().nextPage).toBe(3);
    tokenEndpoint();
    nock(API).get(ACR_PATH).query(true).reply(200, acrList, { total: '3', 'per-page': '1' });
    expect((await adapterWith().listClosures({ page: 3, pageSize: 1 }))._unsafeUnwrap().nextPage).toBeNull();
  });

  it('with a bare array only, a full page means a next page may exist', async () => {
    tokenEndpoint();
    nock(API)
      .get(ACR_PATH)
      .query({ 'page[number]': '1', 'page[size]': '10' })
      .reply(
        200,
        Array.from({ length: 10 }, (_, index) => ({ ...acrCreated, id: `acr${index}acrq` })),
      )
      .get(ACR_PATH)
      .query({ 'page[number]': '2', 'page[size]': '10' })
      .reply(200, acrList);
    const adapter = adapterWith();
    const first = (await adapter.listClosures({}))._unsafeUnwrap();
    expect([first.items.length, first.nextPage]).toEqual([10, 2]);
    const second = (await adapter.listClosures({ page: 2 }))._unsafeUnwrap();
    expect([second.items.length, second.nextPage]).toEqual([1, null]);
    expect(nock.isDone()).toBe(true);
  });

  it('filters PENDING (two statuses) on our side without filter[status]', async () => {
    tokenEndpoint();
    nock(API)
      .get(ACR_PATH)
      .query({ 'page[number]': '1', 'page[size]': '3' })
      .reply(200, [
        { ...acrCreated, id: 'p1acrq', status: 'CONFIRMED' },
        { ...acrCreated, id: 'p2acrq', status: 'COMPLETED' },
        { ...acrCreated, id: 'p3acrq', status: 'IN_PROGRESS' },
      ]);
    const page = (await adapterWith().listClosures({ state: 'PENDING', pageSize: 3 }))._unsafeUnwrap();
    expect(page.items.map((item) => item.closureId)).toEqual(['p1acrq', 'p3acrq']);
    expect(page.nextPage).toBe(2);
  });

  it('refuses bad queries before sending anything', async () => {
    const onRequest = vi.fn();
    const adapter = adapterWith({ hooks: { onRequest } });
    const queries = [
      { pageSize: 1001 },
      { page: 0 },
      { legalClosureDateMin: '01.02.2026' },
      { legalClosureDateMin: '2026-02-01', legalClosureDateMax: '2026-01-01' },
      { status: 'COMPLETED' },
    ];
    for (const query of queries) {
      expect((await adapter.listClosures(query as never))._unsafeUnwrapErr().code).toBe('INVALID_REQUEST');
    }
    expect(onRequest).not.toHaveBeenCalled();
  });

  it('turns a body that is not an array into INVALID_RESPONSE', async () => {
    tokenEndpoint();
    nock(API).get(ACR_PATH).query(true).reply(200, { data: [] });
    const error = (await adapterWith().listClosures({}))._unsafeUnwrapErr();
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE', httpStatus: 200 });
  });
});

describe('settings', () => {
  it('throws one error naming every invalid setting', () => {
    expect(() =>
      createSolarisAdapter({
        baseUrl: 'http://api.solarisbank.de',
        authUrl: 'ftp://auth.solarisbank.de',
        clientId: ' padded-id',
        clientSecret: 'secret',
        webhookSecrets: [''],
        clientSecrett: 'typo',
      } as never),
    ).toThrowError(
      'create solaris adapter: invalid input: baseUrl must use https (plain http is only allowed to loopback hosts); authUrl must be an http(s) URL, not ftp:; clientId must not start or end with whitespace; webhookSecrets.0 must not be empty; (root) Unrecognized key: "clientSecrett"',
    );
  });

  it('lists each invalid setting in details', () => {
    try {
      createSolarisAdapter({ baseUrl: 'http://api.solarisbank.de', clientId: 'a:b', clientSecret: 'x' });
      expect.unreachable();
    } catch (error) {
      expect(ClosureError.isInstance(error)).toBe(true);
      const issues = (error as ClosureError).details as { issues: { path: string }[] };
      expect(issues.issues.map((issue) => issue.path)).toEqual(['baseUrl', 'clientId']);
    }
  });

  it('refuses only one half of the credentials', () => {
    vi.stubEnv('SOLARIS_CLIENT_SECRET', '');
    expect(() => createSolarisAdapter({ clientId: 'only-the-id' })).toThrowError(
      /clientId and clientSecret go together/,
    );
  });

  it('refuses a malformed credential from the environment, naming the variable', () => {
    vi.stubEnv('SOLARIS_CLIENT_ID', 'env-id\n');
    vi.stubEnv('SOLARIS_CLIENT_SECRET', 'env-secret');
    expect(() => createSolarisAdapter({})).toThrowError(/SOLARIS_CLIENT_ID/);
  });

  it('accepts no credentials at all (webhook-only use) and defaults to the sandbox', () => {
    vi.stubEnv('SOLARIS_CLIENT_ID', '');
    vi.stubEnv('SOLARIS_CLIENT_SECRET', '');
    const adapter = createSolarisAdapter({ webhookSecrets: ['s1'] });
    expect(adapter.provider).toBe('solaris');
    expect(adapter.capabilities).toEqual({
      getClosure: true,
      listClosures: true,
      webhooks: true,
      asyncClosure: true,
      // Only CUSTOMER_REQUEST by default: the others need Solaris' agreement (provider doc §3, §6).
      reasons: ['CUSTOMER_REQUEST'],
    });
  });

  it('sends to the sandbox hosts by default', async () => {
    nock('https://auth.solaris-sandbox.de').post('/oauth2/token', FORM_BODY).reply(201, token);
    nock('https://api.solaris-sandbox.de').get(`${ACR_PATH}/${acrCreated.id}`).reply(200, acrCreated);
    const adapter = createSolarisAdapter({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    expect((await adapter.getClosure({ closureId: acrCreated.id })).isOk()).toBe(true);
    expect(nock.isDone()).toBe(true);
  });
});
