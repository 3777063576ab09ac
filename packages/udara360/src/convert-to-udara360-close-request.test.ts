import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  convertToUdara360CloseRequest,
  createUdara360PostingReferences,
  INSTRUMENT_NUMBER_MAX_LENGTH,
  REQUEST_REFERENCE_MAX_LENGTH,
  udara360ReferencePrefix,
} from './convert-to-udara360-close-request';

const GUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('convertToUdara360CloseRequest', () => {
  it('builds the documented body and Request-Reference header from the references of one request', () => {
    const references = createUdara360PostingReferences('key-1');
    const request = convertToUdara360CloseRequest({
      accountNumber: '1100012345',
      closureReason: "Customer's request",
      references,
    });
    expect(request).toEqual({
      headers: { 'Request-Reference': references.requestReference },
      body: {
        accountNumber: '1100012345',
        closureReason: "Customer's request",
        instrumentNumber: references.instrumentNumber,
      },
    });
  });

  it('makes fresh references on every request, all starting with the prefix of their key', () => {
    const keys = ['a', 'b', 'key-1', 'key-2', 'x'.repeat(255), '!~'];
    const references = keys.flatMap((key) => [1, 2, 3].map(() => createUdara360PostingReferences(key)));
    expect(new Set(references.map((item) => item.requestReference)).size).toBe(references.length);
    expect(new Set(references.map((item) => item.instrumentNumber)).size).toBe(references.length);
    for (const [index, item] of references.entries()) {
      const key = keys[Math.floor(index / 3)] ?? '';
      expect(item.requestReference).toMatch(/^ck-[0-9a-f]{32}-[0-9a-f]{32}$/);
      expect(item.requestReference.startsWith(`${udara360ReferencePrefix(key)}-`)).toBe(true);
      expect(item.requestReference.length).toBeLessThanOrEqual(REQUEST_REFERENCE_MAX_LENGTH);
      expect(item.instrumentNumber).toMatch(GUID_V4);
      expect(item.instrumentNumber.length).toBeLessThanOrEqual(INSTRUMENT_NUMBER_MAX_LENGTH);
    }
  });

  it('derives the prefix from the key alone (SHA-256), different keys giving different prefixes', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 255 }), (key) => {
        const sha = createHash('sha256').update(`closekit/udara360/request-reference\n${key}`).digest('hex');
        expect(udara360ReferencePrefix(key)).toBe(`ck-${sha.slice(0, 32)}`);
      }),
    );
    expect(udara360ReferencePrefix('a')).not.toBe(udara360ReferencePrefix('b'));
  });

  it('keeps the prefix stable across releases (a known vector: callers recompute it to find postings)', () => {
    expect(udara360ReferencePrefix('order-42')).toBe('ck-c9b43c995b891974abca64c89b67a632');
  });
});
