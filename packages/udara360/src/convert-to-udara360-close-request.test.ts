import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  convertToUdara360CloseRequest,
  deriveUdara360IdempotencyMaterial,
  INSTRUMENT_NUMBER_MAX_LENGTH,
  REQUEST_REFERENCE_MAX_LENGTH,
} from './convert-to-udara360-close-request';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('convertToUdara360CloseRequest', () => {
  it('builds the documented body and Request-Reference header', () => {
    const request = convertToUdara360CloseRequest({
      accountNumber: '1100012345',
      closureReason: "Customer's request",
      idempotencyKey: 'key-1',
    });
    expect(request).toEqual({
      headers: { 'Request-Reference': request.material.requestReference },
      body: {
        accountNumber: '1100012345',
        closureReason: "Customer's request",
        instrumentNumber: request.material.instrumentNumber,
      },
      material: deriveUdara360IdempotencyMaterial('key-1'),
    });
  });

  it('derives the same material from the same key, and different material from different keys', () => {
    const keys = ['a', 'b', 'key-1', 'key-2', 'x'.repeat(255), '!~'];
    const materials = keys.map((key) => deriveUdara360IdempotencyMaterial(key));
    expect(keys.map((key) => deriveUdara360IdempotencyMaterial(key))).toEqual(materials);
    expect(new Set(materials.map((material) => material.requestReference)).size).toBe(keys.length);
    expect(new Set(materials.map((material) => material.instrumentNumber)).size).toBe(keys.length);
    for (const material of materials) {
      expect(material.requestReference).toMatch(/^ck-[0-9a-f]{64}$/);
      expect(material.requestReference.length).toBeLessThanOrEqual(REQUEST_REFERENCE_MAX_LENGTH);
      expect(material.instrumentNumber).toMatch(GUID);
      expect(material.instrumentNumber.length).toBeLessThanOrEqual(INSTRUMENT_NUMBER_MAX_LENGTH);
    }
  });

  it('matches an independent byte-level derivation for any key (SHA-256, version 8, RFC variant)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 255 }), (key) => {
        const sha = (purpose: string) =>
          createHash('sha256').update(`closekit/udara360/${purpose}\n${key}`).digest();
        const bytes = sha('instrument-number').subarray(0, 16);
        bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
        bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
        const hex = bytes.toString('hex');
        expect(deriveUdara360IdempotencyMaterial(key)).toEqual({
          requestReference: `ck-${sha('request-reference').toString('hex')}`,
          instrumentNumber: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
        });
      }),
    );
  });

  it('is stable across releases (a known vector: callers may recompute it to find a posting)', () => {
    expect(deriveUdara360IdempotencyMaterial('order-42')).toEqual({
      requestReference: 'ck-c9b43c995b891974abca64c89b67a632ecb5986768fd28be9ade053fcc541005',
      instrumentNumber: '82c1d0d8-3745-8b9a-812d-9ffb497f65eb',
    });
  });
});
