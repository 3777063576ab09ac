import { createHash, randomUUID } from 'node:crypto';
import type { Udara360CloseAccountBody } from './udara360-api';

/** `Request-Reference` holds at most 100 characters ([REQ], providers/udara360.md §2, §7). */
export const REQUEST_REFERENCE_MAX_LENGTH = 100;
/**
 * closeaccount accepts 150 characters of `instrumentNumber`, but Reverse Transaction takes at
 * most 50 ([CA], §7): a 36-character GUID stays usable everywhere Udara360 quotes it.
 */
export const INSTRUMENT_NUMBER_MAX_LENGTH = 50;

/** The references of one closeaccount request as sent. */
export interface Udara360PostingReferences {
  /** `ck-` + 32 hex characters of the key's digest + `-` + 32 random hex characters (68). */
  requestReference: string;
  /** A random GUID (RFC 9562 version 4), 36 characters. */
  instrumentNumber: string;
}

/**
 * The part of every Request-Reference that names the logical close: `ck-` and the first 32 hex
 * characters of SHA-256 over the idempotency key. Every posting of one logical close starts with
 * it, so a caller can find them all in the Udara360 portal without the key being shown.
 */
export function udara360ReferencePrefix(idempotencyKey: string): string {
  const digest = createHash('sha256').update(`closekit/udara360/request-reference\n${idempotencyKey}`);
  return `ck-${digest.digest('hex').slice(0, 32)}`;
}

/**
 * Fresh references for one closeaccount request. Why fresh on every request, and not derived from
 * the idempotency key (as before):
 * - [REQ] asks for a unique Request-Reference on every request that modifies data, and whether
 *   Udara360 refuses a reused one (code 26) even after a failed posting is undocumented (§7, §9).
 *   A derived reference would then lock a logical close out for good after one failed posting:
 *   every resend, and every later call with the same key, would answer 26.
 * - The same holds for `instrumentNumber` ("instrument number for transaction status", a GUID
 *   Udara360 generates itself when none is sent [CA]): nothing documents looking a closure up by
 *   it, so it buys no idempotency, and a reused one may be refused like a reference.
 * What prevents a double close instead: a close is sent only after a read of the account showed it
 *   open (before the first send, and a read-back before every resend after an unknown outcome);
 *   an account closes once and for good (§3), so its status is the idempotency record. Within one
 *   adapter, closes of the same account run one at a time, so two concurrent calls cannot both
 *   pass the read.
 */
export function createUdara360PostingReferences(idempotencyKey: string): Udara360PostingReferences {
  return {
    requestReference: `${udara360ReferencePrefix(idempotencyKey)}-${randomUUID().replaceAll('-', '')}`,
    instrumentNumber: randomUUID(),
  };
}

/** The closeaccount body ([CA], seed 004). Inputs are already validated. */
export function convertToUdara360CloseRequest(input: {
  accountNumber: string;
  closureReason: string;
  references: Udara360PostingReferences;
}): { headers: { 'Request-Reference': string }; body: Udara360CloseAccountBody } {
  return {
    // The docs spell it Request-Reference, request-reference and Request-reference: HTTP header
    // names are case-insensitive, so the documented table spelling is used.
    headers: { 'Request-Reference': input.references.requestReference },
    body: {
      accountNumber: input.accountNumber,
      closureReason: input.closureReason,
      instrumentNumber: input.references.instrumentNumber,
    },
  };
}
