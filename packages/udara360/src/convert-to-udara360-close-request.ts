import { createHash } from 'node:crypto';
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

const digest = (purpose: string, idempotencyKey: string) =>
  createHash('sha256').update(`closekit/udara360/${purpose}\n${idempotencyKey}`).digest();

/**
 * The Request-Reference header and instrumentNumber of one logical close, derived from its
 * idempotency key: identical on every attempt and every process, so a replay after a read-back
 * carries the same material (§7.1), and callers can recompute them to find the posting in the
 * Udara360 portal. The two values use separate hashes so neither reveals the other.
 */
export function deriveUdara360IdempotencyMaterial(idempotencyKey: string): Udara360IdempotencyMaterial {
  const requestReference = `ck-${digest('request-reference', idempotencyKey).toString('hex')}`;
  const bytes = digest('instrument-number', idempotencyKey).subarray(0, 16);
  // RFC 9562 §5.8: version 8 (custom) and the RFC variant, so it is a well-formed GUID.
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  const instrumentNumber = [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20, 32),
  ].join('-');
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
