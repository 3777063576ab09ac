import type { ClosureAdapter, ClosureError } from '@closekit/core';
import type { HttpErrorResponse } from '@closekit/core/adapter';
import { assertValidClosureError, type ScriptedReply, settleResult } from '@closekit/core/testing';
import fc from 'fast-check';

/*
 * What the adapters' property tests share. Test code only: this package is private and
 * no published package depends on it.
 */

/**
 * One provider answer: mostly any HTTP status with the given body, now and then a connection
 * reset, a refused connection or an answer that never comes.
 */
export const anyReply = (body: fc.Arbitrary<unknown>): fc.Arbitrary<ScriptedReply> =>
  fc.oneof(
    { weight: 10, arbitrary: fc.record({ status: fc.integer({ min: 200, max: 599 }), body }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<ScriptedReply>(
        { networkError: 'reset' },
        { networkError: 'refused' },
        { hang: true },
      ),
    },
  );

/** A webhook body as a handler may be given one: bytes, any string (lone surrogates too), or not a body at all. */
const anyWebhookBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.uint8Array({ maxLength: 400 }),
  fc.string({ unit: 'binary' }),
  fc.anything(),
);

/**
 * Webhook headers drawn from `names` (spelled in several cases, to exercise case-insensitive
 * lookups), each with any string, a repeated header's array of strings, or no value; and now and
 * then something that is not a headers object at all.
 */
const anyWebhookHeaders = (names: readonly [string, ...string[]]): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.dictionary(
      fc.constantFrom(...names),
      fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }), fc.constant(undefined)),
    ),
    fc.anything(),
  );

/**
 * The property every webhook parser must hold: whatever body and headers arrive without a valid
 * signature or credential, `parseWebhook` resolves to a typed error. It never throws, rejects or
 * accepts. `headerNames` are the adapter's own header names in several spellings.
 */
export function checkWebhookRefusesUnsigned(
  adapter: ClosureAdapter,
  headerNames: readonly [string, ...string[]],
): Promise<void> {
  return fc.assert(
    fc.asyncProperty(anyWebhookBody, anyWebhookHeaders(headerNames), async (rawBody, headers) => {
      const result = await settleResult(
        () =>
          adapter.parseWebhook({ rawBody: rawBody as string, headers: headers as Record<string, string> }),
        adapter.provider,
      );
      if (result.isOk())
        throw new Error(`parseWebhook accepted an unsigned input: ${JSON.stringify(result.value)}`);
    }),
    { numRuns: 300 },
  );
}

/**
 * The property every error translator must hold: whatever status and body a provider answers
 * with, it yields a ClosureError with a known code from `provider`, keeping the HTTP status, with
 * a message short enough to log. `also` adds an adapter's own checks on the same input.
 */
export function checkErrorTranslator(input: {
  provider: string;
  translate: (response: HttpErrorResponse) => ClosureError;
  body: fc.Arbitrary<unknown>;
  operations: readonly [string, ...string[]];
  also?: (response: HttpErrorResponse) => void;
}): void {
  fc.assert(
    fc.property(
      fc.integer({ min: 100, max: 999 }),
      input.body,
      fc.constantFrom(...input.operations),
      fc.string(),
      fc.option(fc.string(), { nil: null }),
      (status, body, operation, excerpt, requestId) => {
        const response: HttpErrorResponse = {
          status,
          headers: new Headers(),
          body,
          excerpt,
          requestId,
          operation,
        };
        const error = input.translate(response);
        assertValidClosureError(error, input.provider);
        if (error.httpStatus !== status)
          throw new Error(`HTTP ${status} became httpStatus ${error.httpStatus}`);
        if (error.message.length >= 2_000) throw new Error(`a ${error.message.length}-character message`);
        input.also?.(response);
      },
    ),
    { numRuns: 300 },
  );
}
