import { describe, expect, it } from 'vitest';
import { hmacSha256Hex, matchesAnyCredential, timingSafeEqualStrings, verifyHmacSha256Hex } from './hmac';
import { checkWebhookSize, parseWebhookJson } from './webhook-body';
import { getHeader } from './webhook-headers';

describe('webhook helpers', () => {
  const body = '{"id":"evt_1"}';
  const signature = hmacSha256Hex('secret-one', body);

  it('computes HMAC-SHA256 over the exact bytes, string or Uint8Array alike', () => {
    expect(hmacSha256Hex('key', 'The quick brown fox jumps over the lazy dog')).toBe(
      'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
    expect(hmacSha256Hex('secret-one', new TextEncoder().encode(body))).toBe(signature);
    expect(hmacSha256Hex('secret-one', `${body} `)).not.toBe(signature);
  });

  it('accepts any of several secrets (rotation) and rejects everything else', () => {
    expect(
      verifyHmacSha256Hex({ rawBody: body, signatureHex: signature, secrets: ['old', 'secret-one'] }),
    ).toBe(true);
    expect(
      verifyHmacSha256Hex({ rawBody: body, signatureHex: signature.toUpperCase(), secrets: ['secret-one'] }),
    ).toBe(true);
    expect(verifyHmacSha256Hex({ rawBody: body, signatureHex: signature, secrets: ['other'] })).toBe(false);
    expect(
      verifyHmacSha256Hex({ rawBody: body, signatureHex: signature.slice(0, 63), secrets: ['secret-one'] }),
    ).toBe(false);
    expect(verifyHmacSha256Hex({ rawBody: body, signatureHex: 'zz', secrets: ['secret-one'] })).toBe(false);
    expect(verifyHmacSha256Hex({ rawBody: body, signatureHex: signature, secrets: [] })).toBe(false);
  });

  it('compares credentials in constant time, whatever their lengths', () => {
    expect(timingSafeEqualStrings('token', 'token')).toBe(true);
    expect(timingSafeEqualStrings('token', 'token2')).toBe(false);
    expect(timingSafeEqualStrings('', '')).toBe(true);
    expect(matchesAnyCredential('b', ['a', 'b'])).toBe(true);
    expect(matchesAnyCredential('c', ['a', 'b'])).toBe(false);
  });

  it('reads headers from Headers and Node-style records, case-insensitively', () => {
    expect(getHeader(new Headers({ 'X-Sig': 'v' }), 'x-sig')).toBe('v');
    expect(getHeader({ 'X-Sig': ['first', 'second'] }, 'x-sig')).toBe('first');
    expect(getHeader({ other: 'v', 'x-sig': undefined }, 'x-sig')).toBeNull();
    expect(getHeader({ 'x-sig': 5 } as never, 'x-sig')).toBeNull();
    expect(getHeader({ 'X-SIG': [7, 'v'] } as never, 'x-sig')).toBeNull();
  });

  it('caps body size and parses JSON into typed errors', () => {
    expect(checkWebhookSize('p', 'x'.repeat(11), 10)._unsafeUnwrapErr().code).toBe('WEBHOOK_PAYLOAD_INVALID');
    expect(checkWebhookSize('p', 42 as never)._unsafeUnwrapErr().code).toBe('WEBHOOK_PAYLOAD_INVALID');
    const bytes = checkWebhookSize('p', '{"a":1}')._unsafeUnwrap();
    expect(parseWebhookJson('p', bytes)._unsafeUnwrap()).toEqual({ a: 1 });
    expect(parseWebhookJson('p', Buffer.from('{'))._unsafeUnwrapErr().code).toBe('WEBHOOK_PAYLOAD_INVALID');
  });
});
