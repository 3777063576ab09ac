import fc from 'fast-check';
import { errAsync, okAsync } from 'neverthrow';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ClosureError } from '../domain/closure-error';
import { CLOSURE_ERROR_CODES } from '../domain/closure-error-code';
import { createScriptedFetch, type ScriptedReply } from '../testing/scripted-fetch';
import { createHttpTransport, type HttpErrorResponse, type HttpRequestSpec } from './http-transport';

/*
 * Property-based tests: whatever a provider answers (any
 * status, any headers, any bytes, any JSON), the transport resolves to a Result carrying a
 * ClosureError with a known code, never throws, and never repeats more than it is allowed to.
 */

const BASE = 'https://provider.example';
const codes = new Set<string>(CLOSURE_ERROR_CODES);

/** A header value fetch accepts (visible ASCII and spaces). */
const headerValue = fc.string({ unit: fc.constantFrom(...' 0123456789abcdefXYZ;=,-:/.<>"'.split('')) });

/** Headers a provider might send, including hostile Retry-After and Content-Length values. */
const replyHeaders = fc.record(
  {
    'content-type': fc.constantFrom(
      'application/json',
      'text/html; charset=utf-8',
      'text/plain',
      'application/octet-stream',
    ),
    'retry-after': fc.oneof(
      headerValue,
      fc.integer({ min: -5, max: 100_000 }).map(String),
      fc.date({ noInvalidDate: true }).map((date) => date.toUTCString()),
    ),
    'x-request-id': headerValue,
    'content-length': fc.integer({ min: 0, max: 5_000_000 }).map(String),
  },
  { requiredKeys: [] },
);

/** Any body: JSON values, arbitrary text (HTML pages, truncated JSON), or nothing. */
const replyBody = fc.oneof(
  fc.jsonValue(),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('<!doctype html><html><body>502 Bad Gateway</body></html>', '{"id":', '', 'null'),
  fc.constant(undefined),
);

const reply: fc.Arbitrary<ScriptedReply> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      status: fc.integer({ min: 200, max: 599 }),
      headers: replyHeaders,
      body: replyBody,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<ScriptedReply>({ networkError: 'reset' }, { networkError: 'refused' }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<ScriptedReply>({ endlessBody: true, status: 200 }, { hang: true }),
  },
);

const translators: Record<string, (response: HttpErrorResponse) => ClosureError> = {
  table: (response) =>
    new ClosureError({
      code:
        response.status === 404
          ? 'ACCOUNT_NOT_FOUND'
          : response.status >= 500
            ? 'PROVIDER_UNAVAILABLE'
            : 'PROVIDER_ERROR',
      provider: 'prop',
      message: `HTTP ${response.status}`,
      httpStatus: response.status,
      details: { excerpt: response.excerpt, body: response.body },
    }),
  throwing: () => {
    throw new Error('a buggy error table');
  },
};

function expectValidError(error: unknown): void {
  expect(ClosureError.isInstance(error)).toBe(true);
  const closureError = error as ClosureError;
  expect(codes.has(closureError.code)).toBe(true);
  expect(typeof closureError.retryable).toBe('boolean');
  expect(typeof closureError.message).toBe('string');
  // Serialising an error must never throw (it ends up in logs).
  expect(() => JSON.stringify(closureError)).not.toThrow();
  expect(() => String(closureError)).not.toThrow();
}

// Each property runs a few hundred scripted calls: well under a second alone, but give a loaded CI machine room.
vi.setConfig({ testTimeout: 30_000 });

describe('http transport: arbitrary provider answers', () => {
  it('always resolves to a Result with a known code, within the retry budget (safe and reconcile modes)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(reply, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom<'safe' | 'reconcile'>('safe', 'reconcile'),
        fc.constantFrom('table', 'throwing'),
        fc.array(fc.oneof(fc.constant('applied'), fc.constant('not-applied'), fc.constant('error')), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.boolean(),
        async (replies, maxRetries, retryMode, translator, reconcileAnswers, withAuth) => {
          let served = 0;
          const scripted = createScriptedFetch(
            () => replies[Math.min(served++, replies.length - 1)] as ScriptedReply,
          );
          let reconciles = 0;
          let notApplied = 0;
          let authorizations = 0;
          const transport = createHttpTransport({
            provider: 'prop',
            baseUrl: BASE,
            fetch: scripted.fetch,
            timeoutMs: 30,
            maxRetries,
            maxResponseBytes: 4096,
            backoff: { baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5 },
            secrets: () => ['prop-secret-value'],
          });
          const spec: HttpRequestSpec<{ id: string }> = {
            operation: 'closeAccount',
            method: 'POST',
            path: '/closures',
            json: { accountId: 'a1' },
            responseSchema: z.object({ id: z.string() }),
            retryMode,
            idempotencyKey: 'idem-1',
            translateError: translators[translator] as (response: HttpErrorResponse) => ClosureError,
            authorize: withAuth
              ? () => {
                  authorizations++;
                  return okAsync({ authorization: 'Bearer prop-secret-value' });
                }
              : undefined,
            reconcile: () => {
              const answer = reconcileAnswers[Math.min(reconciles++, reconcileAnswers.length - 1)];
              if (answer === 'applied')
                return okAsync({ applied: true as const, value: { id: 'reconciled' } });
              if (answer === 'not-applied') {
                notApplied++;
                return okAsync({ applied: false as const });
              }
              return errAsync(new ClosureError({ code: 'NETWORK_ERROR', message: 'read-back failed' }));
            },
          };
          const result = await transport.send(spec);
          const sent = scripted.requests.length;
          // One replay after a 401 is the only extra attempt outside the retry budget.
          const reauthAllowance = withAuth ? 1 : 0;
          expect(sent).toBeGreaterThanOrEqual(1);
          expect(sent).toBeLessThanOrEqual(maxRetries + 1 + reauthAllowance);
          if (retryMode === 'reconcile') {
            // A mutation is only sent again after a read-back proved it was not applied
            // (or after a 401/429/refused connection, which the provider never processed).
            expect(sent).toBeLessThanOrEqual(
              1 + notApplied + reauthAllowance + countNeverProcessed(replies, sent),
            );
          }
          expect(authorizations).toBeLessThanOrEqual(2);
          if (result.isOk()) {
            expect(typeof result.value.data.id).toBe('string');
          } else {
            expectValidError(result.error);
          }
        },
      ),
      { numRuns: 250 },
    );
  });

  it('answers arbitrary bytes with INVALID_RESPONSE or a translated error, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 200, max: 599 }),
        async (bytes, status) => {
          const transport = createHttpTransport({
            provider: 'prop',
            baseUrl: BASE,
            fetch: (async () =>
              new Response(status === 204 || status === 205 || status === 304 ? null : bytes, {
                status,
              })) as typeof fetch,
            maxRetries: 0,
            timeoutMs: 100,
          });
          const result = await transport.send({
            operation: 'getClosure',
            method: 'GET',
            path: '/closures/1',
            responseSchema: z.object({ id: z.string() }),
            retryMode: 'safe',
            translateError: translators.table as (response: HttpErrorResponse) => ClosureError,
          });
          if (result.isOk()) {
            expect(status).toBeLessThan(300);
            expect(typeof result.value.data.id).toBe('string');
          } else {
            expectValidError(result.error);
            if (status < 300) expect(result.error.code).toBe('INVALID_RESPONSE');
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a hook or interpret that throws never changes the type of the outcome', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.integer({ min: 200, max: 599 }), async (body, status) => {
        const scripted = createScriptedFetch(() => ({ status, body }));
        const boom = () => {
          throw new Error('observer bug');
        };
        const transport = createHttpTransport({
          provider: 'prop',
          baseUrl: BASE,
          fetch: scripted.fetch,
          maxRetries: 1,
          timeoutMs: 100,
          backoff: { baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5 },
          hooks: { onRequest: boom, onResponse: boom, onRetry: boom },
        });
        const result = await transport.send({
          operation: 'getClosure',
          method: 'GET',
          path: '/closures/1',
          responseSchema: z.unknown(),
          retryMode: 'safe',
          translateError: translators.table as (response: HttpErrorResponse) => ClosureError,
          interpret: () => {
            throw new Error('interpret bug');
          },
        });
        expect(result.isErr()).toBe(true);
        expectValidError(result._unsafeUnwrapErr());
      }),
      { numRuns: 100 },
    );
  });
});

/** Attempts the provider never processed (401 replays, 429 refusals, refused connections) among those sent. */
function countNeverProcessed(replies: ScriptedReply[], sent: number): number {
  let count = 0;
  for (let index = 0; index < sent; index++) {
    const answered = replies[Math.min(index, replies.length - 1)] as ScriptedReply;
    if (answered.networkError === 'refused' || answered.status === 429) count++;
  }
  return count;
}
