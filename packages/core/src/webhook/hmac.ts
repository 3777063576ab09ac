import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type RawBody = string | Uint8Array;

export function rawBodyBytes(rawBody: RawBody): Buffer {
  return typeof rawBody === 'string'
    ? Buffer.from(rawBody, 'utf8')
    : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
}

/** Hex HMAC-SHA256 of the exact bytes received. */
export function hmacSha256Hex(secret: string, rawBody: RawBody): string {
  return createHmac('sha256', secret).update(rawBodyBytes(rawBody)).digest('hex');
}

/**
 * Constant-time string comparison whose running time does not depend on where the inputs
 * differ nor on their lengths (both sides are hashed to a fixed size first).
 */
export function timingSafeEqualStrings(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b)) && a.length === b.length;
}

/**
 * True when `signatureHex` is the HMAC-SHA256 of `rawBody` under any of the secrets (rotation).
 * Every secret is checked, so timing does not reveal which one matched.
 */
export function verifyHmacSha256Hex(input: {
  rawBody: RawBody;
  signatureHex: string;
  secrets: readonly string[];
}): boolean {
  const candidate = input.signatureHex.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(candidate)) return false;
  // Both sides are 32-byte digests, so timingSafeEqual compares them in constant time directly.
  const presented = Buffer.from(candidate, 'hex');
  const bytes = rawBodyBytes(input.rawBody);
  let matched = false;
  for (const secret of input.secrets) {
    if (timingSafeEqual(createHmac('sha256', secret).update(bytes).digest(), presented)) matched = true;
  }
  return matched;
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** True when the presented credential equals any accepted one, compared in constant time. */
export function matchesAnyCredential(presented: string, accepted: readonly string[]): boolean {
  const presentedDigest = sha256(presented);
  let matched = false;
  // Equal-length digests compare in constant time; every credential is compared, match or not.
  for (const credential of accepted) {
    if (timingSafeEqual(presentedDigest, sha256(credential)) && presented.length === credential.length) {
      matched = true;
    }
  }
  return matched;
}
