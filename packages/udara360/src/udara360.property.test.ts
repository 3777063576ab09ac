import type { ClosureError } from '@closekit/core';
import {
  assertValidClosureError,
  createScriptedFetch,
  type RecordedRequest,
  type ScriptedReply,
  settleResult,
} from '@closekit/core/testing';
import { anyReply, checkErrorTranslator } from '@closekit/test-support';
import fc from 'fast-check';
import type { ResultAsync } from 'neverthrow';
import { describe, expect, it, vi } from 'vitest';
import balanceZero from './__fixtures__/balance-zero.json';
import closeSuccess from './__fixtures__/close-account-success.json';
import searchClosed from './__fixtures__/search-account-closed.json';
import searchOpen from './__fixtures__/search-account-open.json';
import token from './__fixtures__/token.json';
import { udara360ReferencePrefix } from './convert-to-udara360-close-request';
import { createUdara360Adapter } from './udara360-adapter';
import {
  accountSearchResponseSchema,
  balanceResponseSchema,
  normalizeStatusCode,
  postingResponseSchema,
  tokenResponseSchema,
} from './udara360-api';
import { translateUdara360HttpError, translateUdara360StatusCode } from './udara360-error';

/*
 * Property-based tests: whatever Udara360 answers, every adapter method resolves to a
 * Result with a known error code, never throws, every closeaccount attempt of one call carries the
 * key's reference prefix with fresh references, and a second closeaccount is only sent after a read-back.
 */

const BASE = 'https://openapi.udara.test';
const ACCOUNT = '1100012345';
const KEY = 'idem-prop-udara-1';
const REFERENCE = new RegExp(`^${udara360ReferencePrefix(KEY)}-[0-9a-f]{32}$`);
const GUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const expectValidError: (error: unknown) => asserts error is ClosureError = (error) =>
  assertValidClosureError(error, 'udara360');
const settle = <T>(call: () => ResultAsync<T, ClosureError>) => settleResult(call, 'udara360');

const statusCode = fc.oneof(
  fc.constantFrom('00', '06', '09', '25', '26', '29', '51', '90', '96', '99', 0, 6, 25, 51, 96),
  fc.jsonValue(),
);

/** Udara-like envelopes (errors[] array or record, posting envelopes) and anything at all. */
const udaraBody = fc.oneof(
  fc.jsonValue(),
  fc.anything(),
  fc.record(
    {
      errors: fc.oneof(
        fc.array(
          fc.record(
            {
              statusCode,
              errorCode: fc.oneof(fc.integer(), fc.string(), fc.jsonValue()),
              errorMessage: fc.jsonValue(),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 4 },
        ),
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.array(fc.string()), fc.jsonValue())),
        fc.jsonValue(),
      ),
      message: fc.oneof(fc.string(), fc.jsonValue()),
      title: fc.jsonValue(),
      status: fc.oneof(fc.boolean(), fc.jsonValue()),
      data: fc.oneof(fc.record({ statusCode }, { requiredKeys: [] }), fc.jsonValue()),
    },
    { requiredKeys: [] },
  ),
);

// Each property runs a few hundred scripted calls: well under a second alone, but give a loaded CI machine room.
vi.setConfig({ testTimeout: 30_000 });

describe('Udara360 parsers and error tables under arbitrary input', () => {
  it('translateUdara360HttpError always yields a ClosureError with a known code', () => {
    checkErrorTranslator({
      provider: 'udara360',
      translate: (response) => translateUdara360HttpError('udara360', response),
      body: udaraBody,
      operations: ['authenticate', 'closeAccount', 'readAccount', 'other'],
    });
  });

  it('translateUdara360StatusCode and normalizeStatusCode accept any code', () => {
    fc.assert(
      fc.property(
        fc.anything(),
        fc.option(fc.string(), { nil: null }),
        fc.integer({ min: 200, max: 599 }),
        (raw, message, httpStatus) => {
          const normalized = normalizeStatusCode(raw);
          expect(normalized === null || typeof normalized === 'string').toBe(true);
          const error = translateUdara360StatusCode({
            provider: 'udara360',
            operation: 'closeAccount',
            statusCode: normalized,
            message,
            httpStatus,
          });
          expectValidError(error);
          expect(['success', 'refused', 'confirm', 'uncertain']).toContain(
            (error.details as { disposition: string }).disposition,
          );
        },
      ),
      {
        numRuns: 300,
        // Status codes named like Object.prototype members must not find them in the table.
        examples: [
          ['constructor', null, 200],
          ['__proto__', null, 200],
          ['toString', 'x', 200],
          ['hasOwnProperty', null, 500],
        ],
      },
    );
  });

  it('a 4xx carrying a prototype-named status code keeps its HTTP meaning', () => {
    for (const statusCode of ['constructor', '__proto__', 'toString', 'valueOf']) {
      const error = translateUdara360HttpError('udara360', {
        status: 400,
        headers: new Headers(),
        body: { status: false, message: 'no', data: { statusCode } },
        excerpt: '',
        requestId: null,
        operation: 'closeAccount',
      });
      expect(error.code).toBe('INVALID_REQUEST');
    }
  });

  it('a close answered with a prototype-named status code is unlisted: confirmed by one read-back, never replayed', async () => {
    for (const statusCode of ['constructor', '__proto__', 'toString']) {
      const { scripted, log } = scriptedUdara({
        auth: [{ status: 200, body: token }],
        close: [{ status: 200, body: { status: false, message: 'odd', data: { statusCode } } }],
        reads: [{ status: 200, body: searchOpen }],
        balance: [{ status: 200, body: balanceZero }],
      });
      const error = (
        await adapterFor(scripted.fetch, 2).closeAccount({
          accountId: ACCOUNT,
          reason: 'CUSTOMER_REQUEST',
          idempotencyKey: KEY,
        })
      )._unsafeUnwrapErr();
      expect(error.code).toBe('PROVIDER_ERROR');
      expect(error.details).toEqual({
        statusCode,
        meaning: 'Unlisted, missing or contradictory status code',
        disposition: 'confirm',
      });
      expect(log.map((entry) => entry.kind)).toEqual(['auth', 'reads', 'balance', 'close', 'reads']);
    }
  });

  it('the wire schemas never throw on any JSON', () => {
    fc.assert(
      fc.property(fc.oneof(udaraBody, fc.anything()), (wire) => {
        for (const schema of [
          accountSearchResponseSchema,
          balanceResponseSchema,
          postingResponseSchema,
          tokenResponseSchema,
        ]) {
          const parsed = schema.safeParse(wire);
          expect(typeof parsed.success).toBe('boolean');
        }
      }),
      { numRuns: 300 },
    );
  });
});

interface Script {
  auth: ScriptedReply[];
  close: ScriptedReply[];
  reads: ScriptedReply[];
  /** The pre-flight's balance read. */
  balance: ScriptedReply[];
}

const accountAnswer = fc.oneof(
  fc.constant(searchOpen as unknown),
  fc.constant(searchClosed as unknown),
  fc.record({
    status: fc.oneof(fc.boolean(), fc.jsonValue()),
    message: fc.jsonValue(),
    data: fc.oneof(
      fc.array(
        fc.record(
          {
            accountNumber: fc.oneof(fc.constant(ACCOUNT), fc.jsonValue()),
            accountStatus: fc.oneof(
              fc.integer({ min: 0, max: 8 }),
              fc.constantFrom('Closed', 'Active'),
              fc.jsonValue(),
            ),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
      fc.record({ statusCode }, { requiredKeys: [] }),
      fc.jsonValue(),
    ),
  }),
);

const postingAnswer = fc.oneof(
  fc.constant(closeSuccess as unknown),
  fc.record({
    status: fc.oneof(fc.boolean(), fc.jsonValue()),
    message: fc.jsonValue(),
    data: fc.oneof(
      fc.record(
        { statusCode, referenceNumber: fc.jsonValue(), instrumentNumber: fc.jsonValue() },
        { requiredKeys: [] },
      ),
      fc.jsonValue(),
    ),
  }),
);

const script: fc.Arbitrary<Script> = fc.record({
  auth: fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constant<ScriptedReply>({ status: 200, body: token }) },
      { weight: 1, arbitrary: anyReply(udaraBody) },
    ),
    { minLength: 1, maxLength: 3 },
  ),
  close: fc.array(anyReply(fc.oneof(postingAnswer, udaraBody)), { minLength: 1, maxLength: 4 }),
  reads: fc.array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constant<ScriptedReply>({ status: 200, body: searchOpen }) },
      { weight: 4, arbitrary: anyReply(fc.oneof(accountAnswer, udaraBody)) },
    ),
    { minLength: 1, maxLength: 4 },
  ),
  balance: fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constant<ScriptedReply>({ status: 200, body: balanceZero }) },
      { weight: 1, arbitrary: anyReply(fc.oneof(accountAnswer, udaraBody)) },
    ),
    { minLength: 1, maxLength: 2 },
  ),
});

function scriptedUdara(plan: Script) {
  const served = { auth: 0, close: 0, reads: 0, balance: 0 };
  const log: { request: RecordedRequest; kind: keyof Script; reply: ScriptedReply }[] = [];
  const scripted = createScriptedFetch((request) => {
    const kind: keyof Script = request.path.includes('/auth/')
      ? 'auth'
      : request.path.includes('closeaccount')
        ? 'close'
        : request.path.includes('getbyaccountnumber')
          ? 'balance'
          : 'reads';
    const replies = plan[kind];
    const reply = replies[Math.min(served[kind]++, replies.length - 1)] as ScriptedReply;
    log.push({ request, kind, reply });
    return reply;
  });
  return { scripted, log };
}

const adapterFor = (fetchImpl: typeof fetch, maxRetries: number) =>
  createUdara360Adapter({
    baseUrl: BASE,
    clientId: 'prop-client',
    clientSecret: 'prop-secret-Ww81kQ',
    fetch: fetchImpl,
    timeoutMs: 30,
    maxRetries,
    backoff: { baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5 },
  });

describe('Udara360 adapter under arbitrary provider answers', () => {
  it('closeAccount resolves to a Result, sends fresh references under one key prefix and never posts twice without a read-back', async () => {
    const coverage = { oneClose: 0, severalCloses: 0, ok: 0 };
    await fc.assert(
      fc.asyncProperty(script, fc.integer({ min: 0, max: 2 }), async (plan, maxRetries) => {
        const { scripted, log } = scriptedUdara(plan);
        const adapter = adapterFor(scripted.fetch, maxRetries);
        const result = await settle(() =>
          adapter.closeAccount({ accountId: ACCOUNT, reason: 'CUSTOMER_REQUEST', idempotencyKey: KEY }),
        );
        const api = log.filter((entry) => entry.kind !== 'auth');
        const closes = api.filter((entry) => entry.kind === 'close');
        let sinceLast: typeof api = [];
        let seen = 0;
        for (const entry of api) {
          if (entry.kind !== 'close') {
            sinceLast.push(entry);
            continue;
          }
          seen++;
          if (seen === 1) {
            // Nothing is posted before the account was read and found open.
            expect(
              sinceLast.some((read) => (read.reply.status ?? 0) >= 200 && (read.reply.status ?? 0) < 300),
            ).toBe(true);
          } else {
            const previous = closes[seen - 2] as (typeof api)[number];
            const neverProcessed =
              previous.reply.networkError === 'refused' ||
              previous.reply.status === 401 ||
              previous.reply.status === 429;
            const readBack = sinceLast.some(
              (read) => (read.reply.status ?? 0) >= 200 && (read.reply.status ?? 0) < 300,
            );
            if (!neverProcessed && !readBack)
              throw new Error(`closeaccount #${seen} was sent without a read-back since #${seen - 1}`);
          }
          sinceLast = [];
        }
        for (const entry of closes) {
          expect(entry.request.headers['request-reference']).toMatch(REFERENCE);
          expect(entry.request.json).toEqual({
            accountNumber: ACCOUNT,
            closureReason: expect.any(String),
            instrumentNumber: expect.stringMatching(GUID_V4),
          });
        }
        // Fresh references on every request: a provider refusing reused ones cannot lock a resend out.
        const references = closes.map((entry) => entry.request.headers['request-reference']);
        expect(new Set(references).size).toBe(references.length);
        expect(closes.length).toBeLessThanOrEqual(maxRetries + 2);
        if (closes.length === 1) coverage.oneClose++;
        if (closes.length > 1) coverage.severalCloses++;
        if (result.isOk()) {
          coverage.ok++;
          expect(result.value.state.unified).toBe('CLOSED');
        }
      }),
      { numRuns: 250 },
    );
    expect(coverage.oneClose).toBeGreaterThan(20);
    expect(coverage.severalCloses).toBeGreaterThan(0);
    expect(coverage.ok).toBeGreaterThan(0);
  });

  it('getClosure and listClosures resolve to Results and never post', async () => {
    await fc.assert(
      fc.asyncProperty(script, fc.constantFrom('account', 'ref', 'list'), async (plan, mode) => {
        const { scripted } = scriptedUdara(plan);
        const adapter = adapterFor(scripted.fetch, 1);
        const result =
          mode === 'account'
            ? await settle(() => adapter.getClosure({ accountId: ACCOUNT }))
            : mode === 'ref'
              ? await settle(() => adapter.getClosure({ closureId: ACCOUNT }))
              : await settle(() => adapter.listClosures({ accountId: ACCOUNT }));
        expect(scripted.requests.filter((request) => request.path.includes('closeaccount'))).toHaveLength(0);
        if (mode === 'list') expect(result._unsafeUnwrapErr().code).toBe('OPERATION_NOT_SUPPORTED');
      }),
      { numRuns: 150 },
    );
  });

  it('parseWebhook refuses any input with OPERATION_NOT_SUPPORTED (Udara360 signs no closure webhook)', async () => {
    const adapter = adapterFor(createScriptedFetch(() => ({ status: 500 })).fetch, 0);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array(), fc.string(), fc.anything()),
        fc.anything(),
        async (rawBody, headers) => {
          const result = await settle(() =>
            adapter.parseWebhook({ rawBody: rawBody as string, headers: headers as Record<string, string> }),
          );
          expect(result._unsafeUnwrapErr().code).toBe('OPERATION_NOT_SUPPORTED');
        },
      ),
      { numRuns: 100 },
    );
  });
});
