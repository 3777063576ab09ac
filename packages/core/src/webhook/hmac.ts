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
  const digestA = createHash('sha256').update(a, 'utf8').digest();
  const digestB = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB) && a.length === b.length;
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
  const candidate = input.signatureHex.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(candidate)) return false;
  let matched = false;
  for (const secret of input.secrets) {
    if (timingSafeEqualStrings(hmacSha256Hex(secret, input.rawBody), candidate)) matched = true;
  }
  return matched;
}

/** True when the presented credential equals any accepted one, compared in constant time. */
export function matchesAnyCredential(presented: string, accepted: readonly string[]): boolean {
  let matched = false;
  for (const credential of accepted) {
    if (timingSafeEqualStrings(presented, credential)) matched = true;
  }
  return matched;
}
