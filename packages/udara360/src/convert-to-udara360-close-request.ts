import * as crypto from 'node:crypto';
import type { Udara360CloseAccountBody } from './udara360-api';

/** `Request-Reference` holds at most 100 characters ([REQ], providers/udara360.md §2, §7). */
export const REQUEST_REFERENCE_MAX_LENGTH = 100;
/**
 * closeaccount accepts 150 characters of `instrumentNumber`, but Reverse Transaction takes at
 * most 50 ([CA], §7): a 36-character GUID stays usable everywhere Udara360 quotes it.
 */
export const INSTRUMENT_NUMBER_MAX_LENGTH = 50;

export interface Udara360IdempotencyMaterial {
  /** `ck-` + 64 hex characters (67). */
  requestReference: string;
  /** A GUID (RFC 9562 version 8, derived), 36 characters. */
  instrumentNumber: string;
}

/**
 * Hex SHA-256. `crypto.hash` (Node 20.12 and later) hashes in one call without building a Hash
 * object, which shows on a path taken by every close; earlier Node 20 releases use `createHash`.
 */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

const digestHex = (purpose: string, idempotencyKey: string) =>
  sha256Hex(`closekit/udara360/${purpose}\n${idempotencyKey}`);

/**
 * The Request-Reference header and instrumentNumber of one logical close, derived from its
 * idempotency key: identical on every attempt and every process, so a replay after a read-back
 * carries the same material (§7.1), and callers can recompute them to find the posting in the
 * Udara360 portal. The two values use separate hashes so neither reveals the other.
 */
export function deriveUdara360IdempotencyMaterial(idempotencyKey: string): Udara360IdempotencyMaterial {
  const requestReference = `ck-${digestHex('request-reference', idempotencyKey)}`;
  // The first 16 bytes of the second digest, as a GUID. RFC 9562 §5.8: version 8 (custom) is the
  // high nibble of byte 6, and the RFC variant sets the top two bits of byte 8 to 10.
  const hex = digestHex('instrument-number', idempotencyKey);
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  const instrumentNumber = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return { requestReference, instrumentNumber };
}

export interface Udara360CloseRequest {
  headers: { 'Request-Reference': string };
  body: Udara360CloseAccountBody;
  material: Udara360IdempotencyMaterial;
}

/** The closeaccount request of one logical close ([CA], seed 004). Inputs are already validated. */
export function convertToUdara360CloseRequest(input: {
  accountNumber: string;
  closureReason: string;
  idempotencyKey: string;
}): Udara360CloseRequest {
  const material = deriveUdara360IdempotencyMaterial(input.idempotencyKey);
  return {
    // The docs spell it Request-Reference, request-reference and Request-reference: HTTP header
    // names are case-insensitive, so the documented table spelling is used.
    headers: { 'Request-Reference': material.requestReference },
    body: {
      accountNumber: input.accountNumber,
      closureReason: input.closureReason,
      instrumentNumber: material.instrumentNumber,
    },
    material,
  };
}
