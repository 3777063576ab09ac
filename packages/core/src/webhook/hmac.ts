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

/** Digests of each accepted credential list, computed once per list rather than per request. */
const acceptedDigests = new WeakMap<
  readonly string[],
  { key: string; digests: readonly { digest: Buffer; length: number }[] }
>();

/** True when the presented credential equals any accepted one, compared in constant time. */
export function matchesAnyCredential(presented: string, accepted: readonly string[]): boolean {
  // Keyed by content too, so a list changed in place (rotation) is never matched against stale digests.
  const key = accepted.join('\u0000');
  let cached = acceptedDigests.get(accepted);
  if (cached?.key !== key) {
    cached = {
      key,
      digests: accepted.map((credential) => ({ digest: sha256(credential), length: credential.length })),
    };
    acceptedDigests.set(accepted, cached);
  }
  const { digests } = cached;
  const presentedDigest = sha256(presented);
  let matched = false;
  for (const { digest, length } of digests) {
    if (timingSafeEqual(presentedDigest, digest) && presented.length === length) matched = true;
  }
  return matched;
}
