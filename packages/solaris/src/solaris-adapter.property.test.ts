import type { ClosureError } from '@closekit/core';
import {
  createScriptedFetch,
  type RecordedRequest,
  type ScriptedReply,
  settleResult,
} from '@closekit/core/testing';
import { anyReply, checkErrorTranslator, checkWebhookRefusesUnsigned } from '@closekit/test-support';
import fc from 'fast-check';
import type { ResultAsync } from 'neverthrow';
import { describe, expect, it, vi } from 'vitest';
import acrCreated from './__fixtures__/acr-created.json';
import token from './__fixtures__/token.json';
import { createSolarisAdapter } from './solaris-adapter';
import { readSolarisErrors, translateSolarisError } from './solaris-error';
import { signSolarisWebhook } from './solaris-webhook';

/*
 * Property-based tests: whatever Solaris (or something pretending to be it) answers,
 * every adapter method resolves to a Result with a known error code, never throws or rejects, and
 * a closeAccount call never creates a second ACR unless a read-back proved the first was not made.
 */

const API = 'https://api.solaris.test';
const AUTH = 'https://auth.solaris.test/oauth2/token';
const ACR_PATH = '/v1/account_closure_requests';
const ACCOUNT = acrCreated.account_id;
const WEBHOOK_SECRET = 'whsec-prop-Zq8Xw2Lm4Np6';
const settle = <T>(call: () => ResultAsync<T, ClosureError>) => settleResult(call, 'solaris');

const operations = ['authenticate', 'closeAccount', 'readBack', 'getClosure', 'listClosures'] as const;

/** Solaris-like error bodies and anything else. */
const errorBody = fc.oneof(
  fc.jsonValue(),
  fc.anything(),
  fc.record({
    errors: fc.array(
      fc.record(
        {
          id: fc.oneof(fc.string(), fc.constant(null), fc.integer()),
          status: fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
          code: fc.oneof(
            fc.constantFrom('record_not_unique', 'model_not_found', 'invalid_model', 'unauthorized'),
            fc.string(),
            fc.integer(),
          ),
          title: fc.oneof(fc.string(), fc.jsonValue()),
          detail: fc.oneof(fc.string({ maxLength: 500 }), fc.constant('account is blocked'), fc.jsonValue()),
          source: fc.oneof(fc.record({ field: fc.jsonValue(), message: fc.jsonValue() }), fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 4 },
    ),
  }),
  fc.record(
    { error: fc.oneof(fc.string(), fc.jsonValue()), error_description: fc.jsonValue() },
    { requiredKeys: [] },
  ),
);

// Each property runs a few hundred scripted calls: well under a second alone, but give a loaded CI machine room.
vi.setConfig({ testTimeout: 30_000 });

describe('Solaris error table under arbitrary input', () => {
  it('translateSolarisError always yields a ClosureError with a known code, whatever the body', () => {
    checkErrorTranslator({
      provider: 'solaris',
      translate: translateSolarisError,
      body: errorBody,
      operations,
      also: ({ body }) => expect(Array.isArray(readSolarisErrors(body))).toBe(true),
    });
  });
});

/** Replies chosen for each kind of request; the token host mostly works so the API is reached. */
interface Script {
  token: ScriptedReply[];
  create: ScriptedReply[];
  reads: ScriptedReply[];
}

const acrLike = fc.oneof(
  fc.constant(acrCreated as unknown),
  fc.record({
    id: fc.oneof(fc.string(), fc.jsonValue()),
    account_id: fc.oneof(fc.constant(ACCOUNT), fc.string(), fc.jsonValue()),
    status: fc.oneof(fc.constantFrom('INITIATED', 'COMPLETED', 'FAILED', 'REVOKED', 'WEIRD'), fc.jsonValue()),
    updated_at: fc.oneof(
      fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
      fc.jsonValue(),
    ),
    failure_reason: fc.jsonValue(),
    payout_allowed: fc.jsonValue(),
  }),
);

const script: fc.Arbitrary<Script> = fc.record({
  token: fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constant<ScriptedReply>({ status: 201, body: token }) },
      { weight: 1, arbitrary: anyReply(fc.oneof(fc.jsonValue(), errorBody)) },
    ),
    { minLength: 1, maxLength: 3 },
  ),
  // Arbitrary answers, weighted towards the ones that decide whether a POST is sent again (a
  // refusal that proves nothing was processed, a read-back that finds nothing) and towards
  // success, so every run of 200 cases reaches the retry paths many times over.
  create: fc.array(
    fc.oneof(
      { weight: 4, arbitrary: anyReply(fc.oneof(fc.jsonValue(), acrLike, errorBody)) },
      {
        weight: 2,
        arbitrary: fc.constantFrom<ScriptedReply>(
          { status: 201, body: acrCreated },
          { status: 429, body: { errors: [] } },
          { status: 503, body: { errors: [] } },
          { networkError: 'refused' },
          { networkError: 'reset' },
        ),
      },
    ),
    { minLength: 1, maxLength: 4 },
  ),
  reads: fc.array(
    fc.oneof(
      {
        weight: 4,
        arbitrary: anyReply(
          fc.oneof(fc.jsonValue(), fc.array(acrLike, { maxLength: 3 }), acrLike, errorBody),
        ),
      },
      { weight: 1, arbitrary: fc.constant<ScriptedReply>({ status: 200, body: [] }) },
    ),
    { minLength: 1, maxLength: 4 },
  ),
});

function scriptedSolaris(plan: Script) {
  const served = { token: 0, create: 0, reads: 0 };
  const log: { request: RecordedRequest; kind: keyof Script; reply: ScriptedReply }[] = [];
  const pick = (kind: keyof Script) => {
    const replies = plan[kind];
    const reply = replies[Math.min(served[kind]++, replies.length - 1)] as ScriptedReply;
    return reply;
  };
  const scripted = createScriptedFetch((request) => {
    const kind: keyof Script =
      request.url.origin === new URL(AUTH).origin ? 'token' : request.method === 'POST' ? 'create' : 'reads';
    const reply = pick(kind);
    log.push({ request, kind, reply });
    return reply;
  });
  return { scripted, log };
}

const adapterFor = (fetchImpl: typeof fetch, maxRetries: number) =>
  createSolarisAdapter({
    baseUrl: API,
    authUrl: AUTH,
    clientId: 'prop-client',
    clientSecret: 'prop-secret-Xk29vLq',
    webhookSecrets: [WEBHOOK_SECRET],
    fetch: fetchImpl,
    timeoutMs: 30,
    maxRetries,
    backoff: { baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5 },
  });

describe('Solaris adapter under arbitrary provider answers', () => {
  it('closeAccount resolves to a Result and never creates twice without a read-back in between', async () => {
    const coverage = { oneCreate: 0, severalCreates: 0, ok: 0 };
    await fc.assert(
      fc.asyncProperty(script, fc.integer({ min: 0, max: 2 }), async (plan, maxRetries) => {
        const { scripted, log } = scriptedSolaris(plan);
        const adapter = adapterFor(scripted.fetch, maxRetries);
        const result = await settle(() =>
          adapter.closeAccount({
            accountId: ACCOUNT,
            reason: 'CUSTOMER_REQUEST',
            idempotencyKey: 'idem-prop-1',
          }),
        );
        const api = log.filter((entry) => entry.kind !== 'token');
        let sinceLastCreate: typeof api = [];
        let creates = 0;
        for (const entry of api) {
          if (entry.kind === 'create') {
            creates++;
            if (creates > 1) {
              const previous = sinceLastCreate.length;
              // Another POST needs a proof: a 2xx read-back since the last one, or a refusal that
              // means Solaris never processed it (401 re-auth, 429, refused connection).
              const readBackAnswered = sinceLastCreate.some(
                (seen) =>
                  seen.kind === 'reads' && (seen.reply.status ?? 0) >= 200 && (seen.reply.status ?? 0) < 300,
              );
              const lastCreate = api.filter((seen) => seen.kind === 'create')[
                creates - 2
              ] as (typeof api)[number];
              const neverProcessed =
                lastCreate.reply.networkError === 'refused' ||
                lastCreate.reply.status === 401 ||
                lastCreate.reply.status === 429;
              if (!readBackAnswered && !neverProcessed) {
                throw new Error(
                  `create #${creates} sent after ${previous} requests without a read-back proving the first failed`,
                );
              }
            }
            sinceLastCreate = [];
          } else {
            sinceLastCreate.push(entry);
          }
        }
        expect(creates).toBeLessThanOrEqual(maxRetries + 2);
        if (creates === 1) coverage.oneCreate++;
        if (creates > 1) coverage.severalCreates++;
        if (result.isOk()) coverage.ok++;
        for (const entry of api) {
          if (entry.kind === 'create')
            expect(entry.request.json).toEqual({ account_id: ACCOUNT, closure_reason: 'CUSTOMER_WISH' });
        }
        if (result.isOk()) expect(typeof result.value.closureId).toBe('string');
      }),
      { numRuns: 200 },
    );
    // The generator must reach the interesting paths, or the property proves nothing.
    expect(coverage.oneCreate).toBeGreaterThan(20);
    expect(coverage.severalCreates).toBeGreaterThan(0);
    expect(coverage.ok).toBeGreaterThan(0);
  });

  it('getClosure (by id and by account) and listClosures resolve to Results', async () => {
    await fc.assert(
      fc.asyncProperty(script, fc.constantFrom('id', 'account', 'list'), async (plan, mode) => {
        const { scripted } = scriptedSolaris(plan);
        const adapter = adapterFor(scripted.fetch, 1);
        const result =
          mode === 'id'
            ? await settle(() => adapter.getClosure({ closureId: acrCreated.id }))
            : mode === 'account'
              ? await settle(() => adapter.getClosure({ accountId: ACCOUNT }))
              : await settle(() =>
                  adapter.listClosures({ accountId: ACCOUNT, state: 'PENDING', page: 2, pageSize: 5 }),
                );
        expect(
          scripted.requests.filter((request) => request.method === 'POST' && request.path === ACR_PATH),
        ).toHaveLength(0);
        if (result.isOk() && 'items' in result.value) {
          expect(Array.isArray(result.value.items)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('Solaris tables and prototype-named provider values', () => {
  it('a FAILED ACR with a failure code named like an Object.prototype member still reads as a plain failure', async () => {
    for (const code of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const scripted = createScriptedFetch((request) =>
        request.url.origin === new URL(AUTH).origin
          ? { status: 201, body: token }
          : {
              status: 200,
              body: { ...acrCreated, status: 'FAILED', failure_reason: { code, detail: null } },
            },
      );
      const closure = (
        await adapterFor(scripted.fetch, 0).getClosure({ closureId: acrCreated.id })
      )._unsafeUnwrap();
      expect(closure.failure).toEqual({
        code: 'PROVIDER_ERROR',
        providerCode: code,
        message: `Solaris failed the closure request with ${code}; Solaris Support handles it.`,
      });
      expect(closure.state.unified).toBe('FAILED');
    }
  });
});

describe('Solaris parseWebhook under arbitrary input', () => {
  const adapter = createSolarisAdapter({ webhookSecrets: [WEBHOOK_SECRET] });
  it('arbitrary bytes and headers always yield a Result, and unsigned input is always refused', () =>
    checkWebhookRefusesUnsigned(adapter, [
      'Solaris-Webhook-Signature',
      'solaris-webhook-signature',
      'Solaris-Webhook-Event-Type',
      'SOLARIS-WEBHOOK-ID',
      'content-type',
      'x-anything',
    ]));

  it('a valid signature over arbitrary JSON yields an event or a typed payload error, never a throw', async () => {
    const payload = fc.oneof(
      fc.jsonValue(),
      acrLike,
      fc.record({
        account_id: fc.oneof(fc.string(), fc.jsonValue()),
        business_id: fc.jsonValue(),
        person_id: fc.jsonValue(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        payload,
        fc.option(
          fc.constantFrom(
            'ACCOUNT_CLOSURE_REQUEST',
            'ACCOUNT_CLOSURE_REQUEST_UPDATE',
            'ACCOUNT_CLOSURE',
            'OTHER',
          ),
          {
            nil: undefined,
          },
        ),
        fc.option(fc.string(), { nil: undefined }),
        async (value, eventType, webhookId) => {
          const rawBody = JSON.stringify(value) ?? 'null';
          const headers: Record<string, string> = {
            'Solaris-Webhook-Signature': signSolarisWebhook(WEBHOOK_SECRET, rawBody),
          };
          if (eventType) headers['Solaris-Webhook-Event-Type'] = eventType;
          if (webhookId !== undefined) headers['Solaris-Webhook-Id'] = webhookId;
          const result = await settle(() => adapter.parseWebhook({ rawBody, headers }));
          if (result.isErr()) {
            expect(result.error.code).toBe('WEBHOOK_PAYLOAD_INVALID');
          } else {
            expect(result.value.provider).toBe('solaris');
            expect(result.value.eventId.length).toBeGreaterThan(0);
            // Replaying the same delivery yields the same event id, so a receiver can de-duplicate.
            const again = (await adapter.parseWebhook({ rawBody, headers }))._unsafeUnwrap();
            expect(again.eventId).toBe(result.value.eventId);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
