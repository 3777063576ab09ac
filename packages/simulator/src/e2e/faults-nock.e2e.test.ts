/**
 * The fault list against nock, for one adapter per provider, filling only the gaps the adapter
 * packages' own nock tests leave (each `covered` entry names the test that already has it). nock
 * expresses faults by what the read-back answers: it cannot "process" a request, so "before" and
 * "after the provider acted" are the read-back saying not applied / applied.
 */
import { Readable } from 'node:stream';
import type { ClosureAdapter, ClosureErrorCode } from '@closekit/core';
import { createEmbeddedPaymentsAdapter } from '@closekit/embedded-payments';
import { createSolarisAdapter } from '@closekit/solaris';
import { createUdara360Adapter, udara360ReferencePrefix } from '@closekit/udara360';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAST, hookLog, type RecordedRequest, recordingFetch, timeBudgetMs, timed } from './e2e-support';

const TIMEOUT_MS = 200;
const SETTINGS = { ...FAST, timeoutMs: TIMEOUT_MS, maxResponseBytes: 64 * 1024 };
const KEY = 'nock-fault-key';

type CloseReply =
  | { kind: 'success' }
  | { kind: 'reset' }
  | { kind: 'delay'; ms: number }
  | {
      kind: 'status';
      status: number;
      body: string | Record<string, unknown>;
      headers?: Record<string, string>;
    }
  | { kind: 'truncated' }
  | { kind: 'oversized' }
  | { kind: 'never-ending' };

type ScenarioId =
  | 'reset-not-applied'
  | 'reset-applied'
  | 'timeout-not-applied'
  | 'timeout-applied'
  | '5xx-burst'
  | '429-seconds'
  | '429-date'
  | 'malformed-json'
  | 'html-502'
  | 'truncated-json'
  | 'oversized'
  | 'never-ending';

interface NockScenario {
  id: ScenarioId;
  name: string;
  replies: () => CloseReply[];
  /** What each read-back finds, in order: was the close applied? */
  readBacks: boolean[];
  expected: { created: boolean | null } | { code: ClosureErrorCode };
  /** How the first close attempt failed (hook `onResponse.errorCode`): proves the fault was hit. */
  firstError: ClosureErrorCode;
  waitMs?: number;
  retryDelays?: (delays: number[]) => void;
}

const html502 = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>';

const SCENARIOS: readonly NockScenario[] = [
  {
    id: 'reset-not-applied',
    firstError: 'NETWORK_ERROR',
    name: 'ECONNRESET, read-back says not applied: sent again',
    replies: () => [{ kind: 'reset' }, { kind: 'success' }],
    readBacks: [false],
    expected: { created: true },
  },
  {
    id: 'reset-applied',
    firstError: 'NETWORK_ERROR',
    name: 'ECONNRESET, read-back finds the closure: no second close',
    replies: () => [{ kind: 'reset' }],
    readBacks: [true],
    expected: { created: null },
  },
  {
    id: 'timeout-not-applied',
    firstError: 'TIMEOUT',
    name: 'no answer within timeoutMs, read-back says not applied: sent again',
    replies: () => [{ kind: 'delay', ms: TIMEOUT_MS * 3 }, { kind: 'success' }],
    readBacks: [false],
    expected: { created: true },
  },
  {
    id: 'timeout-applied',
    firstError: 'TIMEOUT',
    name: 'no answer within timeoutMs, read-back finds the closure: no second close',
    replies: () => [{ kind: 'delay', ms: TIMEOUT_MS * 3 }],
    readBacks: [true],
    expected: { created: null },
  },
  {
    id: '5xx-burst',
    firstError: 'PROVIDER_UNAVAILABLE',
    name: '502 then 503 then success, each read back first',
    replies: () => [
      { kind: 'status', status: 502, body: html502, headers: { 'content-type': 'text/html' } },
      { kind: 'status', status: 503, body: { message: 'unavailable' } },
      { kind: 'success' },
    ],
    readBacks: [false, false],
    expected: { created: true },
  },
  {
    id: '429-seconds',
    firstError: 'RATE_LIMITED',
    name: '429 with Retry-After: 1 (seconds): waits 1 s, no read-back',
    replies: () => [
      { kind: 'status', status: 429, body: {}, headers: { 'retry-after': '1' } },
      { kind: 'success' },
    ],
    readBacks: [],
    expected: { created: true },
    waitMs: 1_000,
    retryDelays: (delays) => expect(delays).toEqual([1_000]),
  },
  {
    id: '429-date',
    firstError: 'RATE_LIMITED',
    name: '429 with Retry-After as an HTTP date: waits until then, no read-back',
    replies: () => [
      {
        kind: 'status',
        status: 429,
        body: {},
        // Whole seconds: more than 2 s away when written, so well over 500 ms when parsed.
        headers: { 'retry-after': new Date(Date.now() + 3_000).toUTCString() },
      },
      { kind: 'success' },
    ],
    readBacks: [],
    expected: { created: true },
    waitMs: 3_000,
    retryDelays: (delays) => {
      expect(delays).toHaveLength(1);
      expect(delays[0]).toBeGreaterThan(500);
      expect(delays[0]).toBeLessThanOrEqual(3_000);
    },
  },
  {
    id: 'malformed-json',
    firstError: 'INVALID_RESPONSE',
    name: 'a 2xx whose body is not JSON: read back, the closure is found',
    replies: () => [{ kind: 'status', status: 200, body: '{"id": "x", "status": ]' }],
    readBacks: [true],
    expected: { created: null },
  },
  {
    id: 'html-502',
    firstError: 'PROVIDER_UNAVAILABLE',
    name: 'an HTML 502 page on every attempt: PROVIDER_UNAVAILABLE after the retries, each read back',
    replies: () =>
      Array.from({ length: 3 }, () => ({
        kind: 'status' as const,
        status: 502,
        body: html502,
        headers: { 'content-type': 'text/html' },
      })),
    readBacks: [false, false, false],
    expected: { code: 'PROVIDER_UNAVAILABLE' },
  },
  {
    id: 'truncated-json',
    firstError: 'INVALID_RESPONSE',
    name: 'a 2xx with truncated JSON: read back, not applied, sent again',
    replies: () => [{ kind: 'truncated' }, { kind: 'success' }],
    readBacks: [false],
    expected: { created: true },
  },
  {
    id: 'oversized',
    firstError: 'INVALID_RESPONSE',
    name: 'a 2xx over maxResponseBytes: read back, the closure is found',
    replies: () => [{ kind: 'oversized' }],
    readBacks: [true],
    expected: { created: null },
  },
  {
    id: 'never-ending',
    firstError: 'TIMEOUT',
    name: 'a 2xx whose body never ends: timed out, read back, the closure is found',
    replies: () => [{ kind: 'never-ending' }],
    readBacks: [true],
    expected: { created: null },
  },
];

interface NockKit {
  name: string;
  /** Scenarios the package's own nock tests already cover, with the covering test's title. */
  covered: Partial<Record<ScenarioId, string>>;
  adapter(overrides: { fetch: typeof fetch; hooks: ReturnType<typeof hookLog>['hooks'] }): ClosureAdapter;
  accountId: string;
  /** Mounts auth and reads made before the close (persisting where they may repeat). */
  mountBefore(): void;
  closeInterceptor(): nock.Interceptor;
  successReply(): [number, Record<string, unknown>];
  mountReadBack(applied: boolean): void;
  isCloseRequest(request: RecordedRequest): boolean;
  checkAttempts(attempts: RecordedRequest[]): void;
}

// --- Solaris -------------------------------------------------------------------------------
const SOLARIS_API = 'https://api.solaris.nock.test';
const SOLARIS_AUTH = 'https://auth.solaris.nock.test';
const SOLARIS_ACCOUNT = 'a1b2c3d4e5f60718293a4b5c6d7e8f90cacc';
const ACRS = '/v1/account_closure_requests';
const solarisAcr = {
  id: 'f8d7fbbd587047a0aa449ce69d2d6c08acrq',
  closure_reason: 'CUSTOMER_WISH',
  status: 'INITIATED',
  account_id: SOLARIS_ACCOUNT,
  technical_closure_date: null,
  legal_closure_date: null,
  failure_reason: {},
  payout_allowed: false,
  updated_at: '2026-03-02T10:00:00.000Z',
};

const solarisKit: NockKit = {
  name: 'Solaris',
  covered: {
    'reset-applied':
      'solaris-adapter.test.ts: after a connection reset reads back by account and returns the ACR',
    'timeout-not-applied':
      'solaris-adapter.test.ts: after a timeout reads back and, when the account has no ACR, sends the create again',
  },
  adapter: (overrides) =>
    createSolarisAdapter({
      baseUrl: SOLARIS_API,
      authUrl: SOLARIS_AUTH,
      clientId: 'nock-client',
      clientSecret: 'nock-secret-value',
      ...SETTINGS,
      ...overrides,
    }),
  accountId: SOLARIS_ACCOUNT,
  mountBefore: () => {
    nock(SOLARIS_AUTH).post('/oauth2/token').reply(200, {
      access_token: 'nock-token-0001',
      expires_in: 3599,
      token_type: 'bearer',
      scope: 'partners',
    });
  },
  closeInterceptor: () => nock(SOLARIS_API).post(ACRS),
  successReply: () => [201, solarisAcr],
  mountReadBack: (applied) => {
    nock(SOLARIS_API)
      .get(ACRS)
      .query({ 'filter[account_id]': SOLARIS_ACCOUNT, 'page[number]': '1', 'page[size]': '1000' })
      .reply(200, applied ? [solarisAcr] : []);
  },
  isCloseRequest: (request) => request.method === 'POST' && request.path === ACRS,
  checkAttempts: (attempts) => {
    for (const attempt of attempts) {
      expect(JSON.parse(attempt.body ?? '')).toEqual({
        account_id: SOLARIS_ACCOUNT,
        closure_reason: 'CUSTOMER_WISH',
      });
    }
  },
};

// --- Embedded Payments (v2, pre-flight off: the close and its read-back only) -----------------
const EP_BASE = 'https://ep.nock.test/embedded/v2';
const EP_ACCOUNT = 'ablim765e14741c5a44acc570af517ab';
const epAccount = (state: string) => ({
  id: EP_ACCOUNT,
  clientId: '1000010400',
  label: 'MAIN',
  state,
  category: 'LIMITED_DDA',
  ...(state === 'OPEN' ? {} : { closureReason: 'ELECTIVE' }),
  createdAt: '2026-03-02T10:00:00.000Z',
  updatedAt: '2026-03-02T10:00:00.000Z',
});

const epKit: NockKit = {
  name: 'Embedded Payments v2',
  covered: {},
  adapter: (overrides) =>
    createEmbeddedPaymentsAdapter({
      apiVersion: 'v2',
      baseUrl: EP_BASE,
      preflight: false,
      ...SETTINGS,
      ...overrides,
    }),
  accountId: EP_ACCOUNT,
  mountBefore: () => undefined,
  closeInterceptor: () => nock('https://ep.nock.test').patch(`/embedded/v2/accounts/${EP_ACCOUNT}`),
  successReply: () => [202, { id: EP_ACCOUNT, state: 'PENDING_CLOSE', closureReason: 'ELECTIVE' }],
  mountReadBack: (applied) => {
    nock('https://ep.nock.test')
      .get(`/embedded/v2/accounts/${EP_ACCOUNT}`)
      .reply(200, epAccount(applied ? 'PENDING_CLOSE' : 'OPEN'));
  },
  isCloseRequest: (request) => request.method === 'PATCH',
  checkAttempts: (attempts) => {
    for (const attempt of attempts) {
      expect(JSON.parse(attempt.body ?? '')).toEqual({ state: 'CLOSED', closureReason: 'ELECTIVE' });
    }
    const ids = attempts.map((attempt) => attempt.headers['request-id']);
    expect(new Set(ids).size).toBe(attempts.length);
  },
};

// --- Udara360 -------------------------------------------------------------------------------
const UDARA_BASE = 'https://udara.nock.test';
const UDARA_ACCOUNT = '1100012345';
const SEARCH = '/api/account/v1/SearchAccount';
const searchReply = (accountStatus: number) => ({
  status: true,
  message: 'Successful',
  data: [{ accountNumber: UDARA_ACCOUNT, accountStatus }],
});

const udaraKit: NockKit = {
  name: 'Udara360',
  covered: {
    'reset-applied':
      'udara360-adapter.test.ts: a lost answer (connection reset) is read back before any replay',
  },
  adapter: (overrides) =>
    createUdara360Adapter({
      baseUrl: UDARA_BASE,
      clientId: 'nock-client',
      clientSecret: 'nock-secret-value',
      ...SETTINGS,
      ...overrides,
    }),
  accountId: UDARA_ACCOUNT,
  mountBefore: () => {
    nock(UDARA_BASE).post('/api/auth/v1/authenticate').reply(200, {
      accessToken: 'nock.token.0001',
      tokenType: 'Bearer',
      expirationTime: 1,
      tokenValiditySec: 3600,
    });
    udaraKit.mountReadBack(false);
    // The pre-flight's balance read: an empty account.
    nock(UDARA_BASE)
      .get('/api/account/v1/getbyaccountnumber')
      .query({ AccountNumber: UDARA_ACCOUNT })
      .reply(200, {
        status: true,
        data: { accountNumber: UDARA_ACCOUNT, ledgerBalance: 0, availableBalance: 0, lienAmount: 0 },
      });
  },
  closeInterceptor: () => nock(UDARA_BASE).post('/api/postings/v1/closeaccount'),
  successReply: () => [
    200,
    {
      status: true,
      message: 'Successful',
      data: {
        statusCode: '00',
        referenceNumber: 'UDR0001',
        instrumentNumber: null,
        duration: '1',
      },
    },
  ],
  mountReadBack: (applied) => {
    nock(UDARA_BASE)
      .get(SEARCH)
      .query({ accountNumber: UDARA_ACCOUNT, PageNumber: '1', PageSize: '10' })
      .reply(200, searchReply(applied ? 3 : 1));
  },
  isCloseRequest: (request) => request.method === 'POST' && request.path === '/api/postings/v1/closeaccount',
  checkAttempts: (attempts) => {
    // Fresh Request-Reference and instrumentNumber per request, under the key's prefix.
    for (const attempt of attempts) {
      expect(attempt.headers['request-reference']).toMatch(
        new RegExp(`^${udara360ReferencePrefix(KEY)}-[0-9a-f]{32}$`),
      );
      expect(JSON.parse(attempt.body ?? '')).toEqual({
        accountNumber: UDARA_ACCOUNT,
        closureReason: "Customer's request",
        instrumentNumber: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
    }
    const references = attempts.map((attempt) => attempt.headers['request-reference']);
    expect(new Set(references).size).toBe(attempts.length);
  },
};

/** A JSON array that keeps growing until the client goes away. */
function neverEndingBody(): Readable {
  let timer: NodeJS.Timeout | undefined;
  const stream = new Readable({
    read() {
      if (timer) return;
      this.push('[');
      timer = setInterval(() => stream.push('{"padding":"xxxxxxxxxxxxxxxx"},'), 10);
    },
    destroy(error, callback) {
      clearInterval(timer);
      callback(error);
    },
  });
  return stream;
}

function mountClose(kit: NockKit, reply: CloseReply): void {
  const interceptor = kit.closeInterceptor();
  const [status, body] = kit.successReply();
  switch (reply.kind) {
    case 'success':
      interceptor.reply(status, body);
      return;
    case 'reset':
      interceptor.replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      return;
    case 'delay':
      interceptor.delay(reply.ms).reply(status, body);
      return;
    case 'status':
      interceptor.reply(reply.status, reply.body, reply.headers);
      return;
    case 'truncated': {
      const text = JSON.stringify(body);
      interceptor.reply(status, text.slice(0, Math.floor(text.length / 2)), {
        'content-type': 'application/json',
      });
      return;
    }
    case 'oversized':
      interceptor.reply(status, JSON.stringify({ padding: 'x'.repeat(256 * 1024) }), {
        'content-type': 'application/json',
      });
      return;
    case 'never-ending':
      interceptor.reply(status, () => neverEndingBody(), { 'content-type': 'application/json' });
      return;
  }
}

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.abortPendingRequests();
  nock.cleanAll();
});

afterAll(() => {
  nock.enableNetConnect();
});

for (const kit of [solarisKit, epKit, udaraKit]) {
  describe(`${kit.name} against nock: fault gaps`, () => {
    const gaps = SCENARIOS.filter((scenario) => kit.covered[scenario.id] === undefined);
    for (const scenario of gaps) {
      it(scenario.name, async () => {
        kit.mountBefore();
        const replies = scenario.replies();
        // nock answers interceptors in order; read-backs interleave with the close attempts.
        replies.forEach((reply, index) => {
          mountClose(kit, reply);
          const readBack = scenario.readBacks[index];
          if (readBack !== undefined) kit.mountReadBack(readBack);
        });
        const recorder = recordingFetch();
        const log = hookLog();
        const adapter = kit.adapter({ fetch: recorder.fetch, hooks: log.hooks });

        const { value: result, elapsedMs } = await timed(() =>
          adapter.closeAccount({ accountId: kit.accountId, reason: 'CUSTOMER_REQUEST', idempotencyKey: KEY }),
        );

        if ('code' in scenario.expected) {
          expect(result._unsafeUnwrapErr().code).toBe(scenario.expected.code);
        } else {
          expect(result._unsafeUnwrap()).toMatchObject({
            accountId: kit.accountId,
            created: scenario.expected.created,
          });
        }
        expect(elapsedMs).toBeLessThan(timeBudgetMs(SETTINGS, scenario.waitMs ?? 0));
        // Every scripted answer used, nothing more sent: retries bounded, read-backs as scripted.
        expect(nock.pendingMocks()).toEqual([]);
        const attempts = recorder.requests.filter((request) => kit.isCloseRequest(request));
        expect(attempts).toHaveLength(replies.length);
        kit.checkAttempts(attempts);
        expect(
          new Set(
            log.requests.filter((event) => event.operation === 'closeAccount').map((e) => e.idempotencyKey),
          ),
        ).toEqual(new Set([KEY]));
        const firstClose = log.responses.find((event) => event.operation === 'closeAccount');
        expect(firstClose?.errorCode).toBe(scenario.firstError);
        scenario.retryDelays?.(
          log.retries.filter((event) => event.operation === 'closeAccount').map((event) => event.delayMs),
        );
      });
    }
  });
}
