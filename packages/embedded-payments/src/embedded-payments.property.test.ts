import type { ClosureError } from '@closekit/core';
import { hmacSha256Hex, verifyHmacSha256Hex } from '@closekit/core/adapter';
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
import accountV1Open from './__fixtures__/account-v1-open.json';
import accountV2PendingClose from './__fixtures__/account-v2-pending-close.json';
import closeResponse from './__fixtures__/close-response.json';
import webhookAccountClosed from './__fixtures__/webhook-account-closed.json';
import { createEmbeddedPaymentsAdapter } from './embedded-payments-adapter';
import {
  wireAccountSchema,
  wireBalancesSchema,
  wireCloseResponseSchema,
  wireErrorSchema,
} from './embedded-payments-api';
import { translateEmbeddedPaymentsError } from './embedded-payments-error';

/*
 * Property-based tests: whatever J.P. Morgan (or a gateway) answers, every adapter method
 * resolves to a Result with a known code, and a close is never sent twice for one call unless a
 * read-back proved the account still OPEN (Accounts take no idempotency key, provider notes §7).
 */

const BASE = 'https://ep.example.test/embedded/v1';
const ID = accountV1Open.id;
const CREDENTIAL = 'ep-webhook-credential-Tq7Wz2Xc9';
const SIGNING_SECRET = 'ep-signing-secret-Lp3Ov8';
const settle = <T>(call: () => ResultAsync<T, ClosureError>) => settleResult(call, 'embedded-payments');
const zeroBalances = {
  id: ID,
  date: '2026-01-01',
  currency: 'USD',
  balanceTypes: [{ typeCode: 'ITAV', amount: 0 }],
};

const epCode = fc.oneof(
  fc.constantFrom(
    'ACCOUNT_HAS_NON_ZERO_BALANCE',
    'ACCOUNT_ALREADY_CLOSED',
    'OPERATION_NOT_SUPPORTED',
    'Bad Request',
  ),
  fc.string(),
);
const errorBody = fc.oneof(
  fc.jsonValue(),
  fc.anything(),
  fc.record(
    {
      title: fc.oneof(epCode, fc.jsonValue()),
      error: fc.oneof(epCode, fc.jsonValue()),
      httpStatus: fc.jsonValue(),
      traceId: fc.jsonValue(),
      context: fc.oneof(
        fc.array(
          fc.record(
            {
              code: fc.oneof(epCode, fc.jsonValue()),
              message: fc.oneof(epCode, fc.jsonValue()),
              field: fc.jsonValue(),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 4 },
        ),
        fc.jsonValue(),
      ),
    },
    { requiredKeys: [] },
  ),
);

// Each property runs a few hundred scripted calls: well under a second alone, but give a loaded CI machine room.
vi.setConfig({ testTimeout: 30_000 });

describe('Embedded Payments error table and wire schemas under arbitrary input', () => {
  it('translateEmbeddedPaymentsError always yields a ClosureError with a known code', () => {
    checkErrorTranslator({
      provider: 'embedded-payments',
      translate: translateEmbeddedPaymentsError,
      body: errorBody,
      operations: ['closeAccount', 'getClosure', 'closeAccount (pre-flight)'],
    });
  });

  it('the wire schemas never throw on any input', () => {
    fc.assert(
      fc.property(fc.oneof(errorBody, fc.anything()), (wire) => {
        for (const schema of [
          wireAccountSchema,
          wireBalancesSchema,
          wireCloseResponseSchema,
          wireErrorSchema,
        ]) {
          expect(typeof schema.safeParse(wire).success).toBe('boolean');
        }
      }),
      { numRuns: 300 },
    );
  });
});

interface Script {
  close: ScriptedReply[];
  reads: ScriptedReply[];
  balances: ScriptedReply[];
}

const accountLike = fc.oneof(
  fc.constant(accountV1Open as unknown),
  fc.constant({ ...accountV2PendingClose, id: ID } as unknown),
  fc.record({
    id: fc.oneof(fc.constant(ID), fc.jsonValue()),
    state: fc.oneof(fc.constantFrom('OPEN', 'PENDING_CLOSE', 'CLOSED', 'open', 'WEIRD'), fc.jsonValue()),
    category: fc.oneof(fc.constantFrom('LIMITED_DDA', 'LIMITED_DDA_PAYMENTS', 'MANAGEMENT'), fc.jsonValue()),
    closureReason: fc.jsonValue(),
  }),
);

const script: fc.Arbitrary<Script> = fc.record({
  close: fc.array(anyReply(fc.oneof(fc.constant(closeResponse as unknown), errorBody, fc.jsonValue())), {
    minLength: 1,
    maxLength: 4,
  }),
  reads: fc.array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constant<ScriptedReply>({ status: 200, body: accountV1Open }) },
      { weight: 4, arbitrary: anyReply(fc.oneof(accountLike, errorBody)) },
    ),
    { minLength: 1, maxLength: 4 },
  ),
  balances: fc.array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constant<ScriptedReply>({ status: 200, body: zeroBalances }) },
      { weight: 1, arbitrary: anyReply(fc.jsonValue()) },
    ),
    { minLength: 1, maxLength: 3 },
  ),
});

function scriptedEp(plan: Script) {
  const served = { close: 0, reads: 0, balances: 0 };
  const log: { request: RecordedRequest; kind: keyof Script; reply: ScriptedReply }[] = [];
  const scripted = createScriptedFetch((request) => {
    const kind: keyof Script =
      request.method !== 'GET' ? 'close' : request.path.endsWith('/balances') ? 'balances' : 'reads';
    const replies = plan[kind];
    const reply = replies[Math.min(served[kind]++, replies.length - 1)] as ScriptedReply;
    log.push({ request, kind, reply });
    return reply;
  });
  return { scripted, log };
}

describe('Embedded Payments adapter under arbitrary provider answers', () => {
  it('closeAccount resolves to a Result and never closes twice without a read-back proving OPEN', async () => {
    const coverage = { oneClose: 0, severalCloses: 0, ok: 0 };
    await fc.assert(
      fc.asyncProperty(
        script,
        fc.integer({ min: 0, max: 2 }),
        fc.constantFrom('v1', 'v2'),
        fc.boolean(),
        async (plan, maxRetries, apiVersion, preflight) => {
          const { scripted, log } = scriptedEp(plan);
          const adapter = createEmbeddedPaymentsAdapter({
            baseUrl: BASE,
            apiVersion: apiVersion as 'v1' | 'v2',
            preflight,
            fetch: scripted.fetch,
            timeoutMs: 30,
            maxRetries,
            backoff: { baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5 },
          });
          const result = await settle(() =>
            adapter.closeAccount({ accountId: ID, reason: 'CUSTOMER_REQUEST' }),
          );
          const closes = log.filter((entry) => entry.kind === 'close');
          let sinceLast: typeof log = [];
          let seen = 0;
          for (const entry of log) {
            if (entry.kind !== 'close') {
              sinceLast.push(entry);
              continue;
            }
            seen++;
            if (seen > 1) {
              const previous = closes[seen - 2] as (typeof log)[number];
              const neverProcessed =
                previous.reply.networkError === 'refused' || previous.reply.status === 429;
              const readBack = sinceLast.some(
                (read) =>
                  read.kind === 'reads' && (read.reply.status ?? 0) >= 200 && (read.reply.status ?? 0) < 300,
              );
              if (!neverProcessed && !readBack)
                throw new Error(`close #${seen} was sent without a read-back since #${seen - 1}`);
            }
            sinceLast = [];
          }
          for (const entry of closes)
            expect(entry.request.method).toBe(apiVersion === 'v1' ? 'POST' : 'PATCH');
          expect(closes.length).toBeLessThanOrEqual(maxRetries + 1);
          if (closes.length === 1) coverage.oneClose++;
          if (closes.length > 1) coverage.severalCloses++;
          if (result.isOk()) coverage.ok++;
        },
      ),
      { numRuns: 250 },
    );
    expect(coverage.oneClose).toBeGreaterThan(20);
    expect(coverage.severalCloses).toBeGreaterThan(0);
    expect(coverage.ok).toBeGreaterThan(0);
  });

  it('getClosure and listClosures resolve to Results and never close', async () => {
    await fc.assert(
      fc.asyncProperty(script, fc.constantFrom('account', 'ref', 'list'), async (plan, mode) => {
        const { scripted } = scriptedEp(plan);
        const adapter = createEmbeddedPaymentsAdapter({
          baseUrl: BASE,
          fetch: scripted.fetch,
          timeoutMs: 30,
          maxRetries: 1,
          backoff: { baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5 },
        });
        if (mode === 'list') {
          expect((await settle(() => adapter.listClosures({ accountId: ID })))._unsafeUnwrapErr().code).toBe(
            'OPERATION_NOT_SUPPORTED',
          );
        } else {
          await settle(() => adapter.getClosure(mode === 'account' ? { accountId: ID } : { closureId: ID }));
        }
        expect(scripted.requests.filter((request) => request.method !== 'GET')).toHaveLength(0);
      }),
      { numRuns: 150 },
    );
  });
});

describe('Embedded Payments parseWebhook under arbitrary input', () => {
  const hmacVerifier = ({ rawBody, signature }: { rawBody: Uint8Array; signature: string | null }) =>
    signature !== null &&
    verifyHmacSha256Hex({ rawBody, signatureHex: signature, secrets: [SIGNING_SECRET] });
  const adapter = createEmbeddedPaymentsAdapter({
    webhookCredentials: [CREDENTIAL],
    webhookSignatureVerifier: hmacVerifier,
  });
  it('arbitrary bytes and headers always yield a Result and are never accepted', () =>
    checkWebhookRefusesUnsigned(adapter, [
      'Authorization',
      'authorization',
      'AUTHORIZATION',
      'signature',
      'key-id',
      'x-other',
    ]));

  it('arbitrary JSON with a valid credential (or signature) yields an event or a typed payload error', async () => {
    const payload = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          eventId: fc.oneof(fc.string(), fc.integer(), fc.jsonValue()),
          eventType: fc.oneof(fc.constantFrom('ACCOUNT_CLOSED', 'OTHER'), fc.jsonValue()),
          resource: fc.oneof(
            fc.constant(webhookAccountClosed.resource),
            fc.jsonValue().map((value) => JSON.stringify(value)),
            fc.jsonValue(),
          ),
          resourceObject: fc.jsonValue(),
        },
        { requiredKeys: [] },
      ),
      fc.record(
        {
          notificationId: fc.oneof(fc.string(), fc.integer(), fc.jsonValue()),
          notificationType: fc.jsonValue(),
          account: fc.oneof(accountLike, fc.record({ accountId: fc.jsonValue(), state: fc.jsonValue() })),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(payload, fc.boolean(), async (value, signedDelivery) => {
        const rawBody = JSON.stringify(value) ?? 'null';
        const deliveryHeaders: Record<string, string> = signedDelivery
          ? { signature: hmacSha256Hex(SIGNING_SECRET, rawBody), authorization: 'Bearer issued-elsewhere' }
          : { authorization: `Bearer ${CREDENTIAL}` };
        const result = await settle(() => adapter.parseWebhook({ rawBody, headers: deliveryHeaders }));
        if (result.isErr()) {
          expect(['WEBHOOK_PAYLOAD_INVALID', 'WEBHOOK_SIGNATURE_INVALID']).toContain(result.error.code);
        } else {
          const again = (await adapter.parseWebhook({ rawBody, headers: deliveryHeaders }))._unsafeUnwrap();
          expect(again.eventId).toBe(result.value.eventId);
        }
      }),
      { numRuns: 300 },
    );
  });
});
