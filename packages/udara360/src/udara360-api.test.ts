import { describe, expect, it } from 'vitest';
import searchClosed from './__fixtures__/search-account-closed.json';
import token from './__fixtures__/token.json';
import tokenEnvelope from './__fixtures__/token-envelope.json';
import {
  accountSearchResponseSchema,
  normalizeStatusCode,
  postingResponseSchema,
  tokenResponseSchema,
} from './udara360-api';

describe('Udara360 wire schemas', () => {
  it('reads the token at top level, in the envelope, and a refusal', () => {
    expect(tokenResponseSchema.parse(token)).toEqual({ ok: true, token });
    expect(tokenResponseSchema.parse(tokenEnvelope)).toEqual({ ok: true, token: tokenEnvelope.data });
    expect(tokenResponseSchema.parse({ status: false, message: 'no', data: { statusCode: 63 } })).toEqual({
      ok: false,
      message: 'no',
      statusCode: '63',
    });
    expect(tokenResponseSchema.safeParse({ accessToken: '' }).success).toBe(false);
  });

  it('requires the posting envelope status but is lenient elsewhere', () => {
    expect(
      postingResponseSchema.safeParse({ status: true, data: { statusCode: '00', extra: 1 } }).success,
    ).toBe(true);
    expect(postingResponseSchema.safeParse({ status: false }).success).toBe(true);
    expect(postingResponseSchema.safeParse({ data: { statusCode: '00' } }).success).toBe(false);
    expect(postingResponseSchema.safeParse(42).success).toBe(false);
  });

  it('finds account records in every known SearchAccount shape', () => {
    const record = searchClosed.data[0]!;
    const shapes = [
      searchClosed,
      { status: true, data: record },
      { status: true, data: { pageNumber: 1, items: [record] } },
      { status: true, data: { content: [record] } },
      record,
    ];
    for (const shape of shapes) {
      expect(accountSearchResponseSchema.parse(shape).records).toEqual([record]);
    }
    expect(accountSearchResponseSchema.parse({ status: true, data: null }).records).toBeNull();
    expect(
      accountSearchResponseSchema.parse({
        status: false,
        message: 'No Record Found',
        data: { statusCode: '25' },
      }),
    ).toEqual({
      status: false,
      message: 'No Record Found',
      statusCode: '25',
      records: null,
    });
    expect(accountSearchResponseSchema.safeParse([record]).success).toBe(false);
  });

  it('normalises status codes to two-digit strings', () => {
    expect(normalizeStatusCode(0)).toBe('00');
    expect(normalizeStatusCode(51)).toBe('51');
    expect(normalizeStatusCode(' 96 ')).toBe('96');
    expect(normalizeStatusCode('')).toBeNull();
    expect(normalizeStatusCode(null)).toBeNull();
    expect(normalizeStatusCode(-1)).toBeNull();
  });
});
