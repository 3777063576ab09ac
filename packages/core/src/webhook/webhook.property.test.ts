import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClosureError } from '../domain/closure-error';
import { CLOSURE_ERROR_CODES } from '../domain/closure-error-code';
import { createRedactor, excerpt } from '../http/redact';
import { hmacSha256Hex, matchesAnyCredential, timingSafeEqualStrings, verifyHmacSha256Hex } from './hmac';
import { checkWebhookSize, parseWebhookJson } from './webhook-body';
import { getHeader } from './webhook-headers';

/* Property-based tests of the webhook building blocks every adapter verifies with. */

const codes = new Set<string>(CLOSURE_ERROR_CODES);
const rawBody = fc.oneof(fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 512 }));

describe('webhook helpers under arbitrary input', () => {
  it('verifyHmacSha256Hex never throws and accepts only the exact signature of the exact bytes', () => {
    fc.assert(
      fc.property(
        rawBody,
        fc.string(),
        fc.array(fc.string({ minLength: 1 }), { maxLength: 3 }),
        (body, presented, secrets) => {
          const accepted = verifyHmacSha256Hex({ rawBody: body, signatureHex: presented, secrets });
          const genuine = secrets.some(
            (secret) => hmacSha256Hex(secret, body) === presented.trim().toLowerCase(),
          );
          expect(accepted).toBe(genuine);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a valid signature stops verifying when one byte of the body changes or the secret differs', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 256 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        (bytes, position, flip, secret, other) => {
          const signatureHex = hmacSha256Hex(secret, bytes);
          expect(verifyHmacSha256Hex({ rawBody: bytes, signatureHex, secrets: [secret] })).toBe(true);
          const tampered = Uint8Array.from(bytes);
          const index = position % tampered.length;
          tampered[index] = (tampered[index] as number) ^ flip;
          expect(verifyHmacSha256Hex({ rawBody: tampered, signatureHex, secrets: [secret] })).toBe(false);
          if (other !== secret) {
            expect(verifyHmacSha256Hex({ rawBody: bytes, signatureHex, secrets: [other] })).toBe(false);
          }
          // Truncated signatures never verify.
          expect(
            verifyHmacSha256Hex({
              rawBody: bytes,
              signatureHex: signatureHex.slice(0, 63),
              secrets: [secret],
            }),
          ).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('constant-time comparisons agree with ===', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.array(fc.string(), { maxLength: 4 }), (a, b, accepted) => {
        expect(timingSafeEqualStrings(a, b)).toBe(a === b);
        expect(timingSafeEqualStrings(a, a)).toBe(true);
        expect(matchesAnyCredential(a, accepted)).toBe(accepted.includes(a));
      }),
      { numRuns: 300 },
    );
  });

  it('checkWebhookSize and parseWebhookJson turn anything into a Result with a webhook code', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), rawBody), fc.integer({ min: 0, max: 600 }), (input, maxBytes) => {
        const sized = checkWebhookSize('prop', input as string, maxBytes);
        if (sized.isErr()) {
          expect(ClosureError.isInstance(sized.error)).toBe(true);
          expect(sized.error.code).toBe('WEBHOOK_PAYLOAD_INVALID');
          return;
        }
        expect(sized.value.byteLength).toBeLessThanOrEqual(maxBytes);
        const parsed = parseWebhookJson('prop', sized.value);
        if (parsed.isErr()) expect(parsed.error.code).toBe('WEBHOOK_PAYLOAD_INVALID');
      }),
      { numRuns: 300 },
    );
  });

  it('parseWebhookJson returns exactly what JSON.parse reads, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        const parsed = parseWebhookJson('prop', Buffer.from(text, 'utf8'));
        expect(parsed._unsafeUnwrap()).toEqual(JSON.parse(text));
      }),
      { numRuns: 200 },
    );
  });

  it('getHeader reads any casing and the first of repeated values, from records and Headers', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
    const value = fc.stringMatching(/^[!-~]{1,30}$/);
    fc.assert(
      fc.property(
        name,
        fc.array(value, { minLength: 1, maxLength: 3 }),
        fc.array(fc.boolean(), { minLength: 22, maxLength: 22 }),
        (header, values, upper) => {
          const cased = [...header].map((char, index) => (upper[index] ? char.toUpperCase() : char)).join('');
          expect(getHeader({ [cased]: values }, header)).toBe(values[0]);
          expect(getHeader({ [cased]: values[0] }, header.toUpperCase())).toBe(values[0]);
          expect(getHeader(new Headers({ [cased]: values[0] as string }), header)).toBe(values[0]);
          expect(getHeader({ [cased]: undefined }, header)).toBeNull();
          expect(getHeader({}, header)).toBeNull();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('error codes produced here are part of CLOSURE_ERROR_CODES', () => {
    expect(codes.has('WEBHOOK_PAYLOAD_INVALID')).toBe(true);
    expect(codes.has('WEBHOOK_SIGNATURE_INVALID')).toBe(true);
  });

  it('excerpt never shows a known secret, wherever and however often it occurs (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 8, maxLength: 40 }).filter((secret) => secret.trim().length >= 8),
        fc.array(fc.string({ maxLength: 200 }), { minLength: 1, maxLength: 4 }),
        (secret, pieces) => {
          const redactor = createRedactor(() => [secret]);
          const body = pieces.join(secret);
          const shown = excerpt(redactor, body);
          // The excerpt may only contain the secret if the surrounding text spells it by itself.
          if (shown.includes(secret)) expect(pieces.some((piece) => piece.includes(secret))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
