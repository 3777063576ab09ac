import { CLOSURE_ERROR_CODES } from '@closekit/core';
import type { HttpErrorResponse } from '@closekit/core/adapter';
import { describe, expect, it } from 'vitest';
import {
  lookupUdara360StatusCode,
  translateUdara360HttpError,
  translateUdara360StatusCode,
  UDARA360_HTTP_ERROR_RULES,
  UDARA360_POSTING_CODE_RULES,
  UDARA360_UNLISTED_STATUS_CODE,
} from './udara360-error';

const response = (status: number, body: unknown, operation = 'closeAccount'): HttpErrorResponse => ({
  status,
  headers: new Headers(),
  body,
  excerpt: JSON.stringify(body ?? '').slice(0, 50),
  requestId: null,
  operation,
});

/** The posting rules by code, for the fixed points below. */
const UDARA360_STATUS_CODE_TABLE = Object.fromEntries(
  UDARA360_POSTING_CODE_RULES.map((rule) => [rule.providerCode, rule]),
);

describe('UDARA360_POSTING_CODE_RULES', () => {
  it('lists the documented posting codes with neutral codes ("00" is the success rule)', () => {
    expect(['00', ...Object.keys(UDARA360_STATUS_CODE_TABLE)].sort()).toEqual(
      ['00', '06', '09', '13', '25', '26', '28', '29', '30', '51', '52', '57', '63', '90', '93', '96'].sort(),
    );
    for (const entry of Object.values(UDARA360_STATUS_CODE_TABLE)) {
      expect(CLOSURE_ERROR_CODES).toContain(entry.code);
      expect(entry.source).toMatch(/\[CODES\]/);
    }
    // The fixed points.
    expect(UDARA360_STATUS_CODE_TABLE['09']!.code).toBe('INVALID_REQUEST');
    expect(UDARA360_STATUS_CODE_TABLE['25']!.code).toBe('ACCOUNT_NOT_FOUND');
    expect(UDARA360_STATUS_CODE_TABLE['26']!.code).toBe('DUPLICATE_REQUEST');
    // 51 is "Insufficient Balance" ([CODES]) and nothing more: never taken for "funds left".
    expect(UDARA360_STATUS_CODE_TABLE['51']!.code).toBe('PROVIDER_ERROR');
    expect(UDARA360_STATUS_CODE_TABLE['51']!.meaning).toBe('Insufficient Balance');
    expect(UDARA360_STATUS_CODE_TABLE['57']!.code).toBe('PERMISSION_DENIED');
    expect(UDARA360_STATUS_CODE_TABLE['63']!.code).toBe('PERMISSION_DENIED');
    expect(UDARA360_STATUS_CODE_TABLE['90']!.disposition).toBe('uncertain');
    expect(UDARA360_STATUS_CODE_TABLE['96']!.disposition).toBe('uncertain');
  });

  it('never retries a definite refusal', () => {
    for (const code of ['09', '25', '30', '51', '57', '63']) {
      expect(UDARA360_STATUS_CODE_TABLE[code]!.disposition).toBe('refused');
    }
  });

  it('treats unlisted and missing codes as PROVIDER_ERROR to be confirmed', () => {
    expect(lookupUdara360StatusCode('77')).toBe(UDARA360_UNLISTED_STATUS_CODE);
    expect(lookupUdara360StatusCode(null)).toBe(UDARA360_UNLISTED_STATUS_CODE);
    const error = translateUdara360StatusCode({
      provider: 'udara360',
      operation: 'closeAccount',
      statusCode: '77',
      message: null,
      httpStatus: 200,
    });
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', providerCode: '77', retryable: false });
    expect(error.details).toMatchObject({ disposition: 'confirm' });
  });

  it('calls "00" on a failed body a contradiction', () => {
    const error = translateUdara360StatusCode({
      provider: 'udara360',
      operation: 'closeAccount',
      statusCode: '00',
      message: 'done',
      httpStatus: 200,
    });
    expect(error.message).toBe(
      'closeAccount: Udara360 answered status code 00 without status true (contradictory): done',
    );
    expect(error).toMatchObject({
      code: 'PROVIDER_ERROR',
      providerCode: '00',
      details: { disposition: 'confirm' },
    });
  });
});

describe('UDARA360_HTTP_ERROR_RULES', () => {
  it('maps every listed status, with per-operation meanings', () => {
    for (const rule of UDARA360_HTTP_ERROR_RULES) {
      const statuses =
        typeof rule.status === 'number' ? [rule.status] : Array.isArray(rule.status) ? rule.status : [];
      for (const status of statuses) {
        expect(translateUdara360HttpError('udara360', response(status, null)).code).toBe(rule.code);
      }
    }
    expect(translateUdara360HttpError('udara360', response(404, null, 'readAccount')).code).toBe(
      'ACCOUNT_NOT_FOUND',
    );
    expect(translateUdara360HttpError('udara360', response(400, null, 'authenticate')).code).toBe(
      'AUTHENTICATION_FAILED',
    );
    expect(translateUdara360HttpError('udara360', response(418, null)).code).toBe('PROVIDER_ERROR');
    expect(translateUdara360HttpError('udara360', response(599, null))).toMatchObject({
      code: 'PROVIDER_ERROR',
      retryable: true,
    });
  });

  it('reads the errors[] envelope', () => {
    const error = translateUdara360HttpError(
      'udara360',
      response(403, {
        errors: [
          { statusCode: 403, errorCode: 'FORBIDDEN', errorMessage: 'Not allowed' },
          { statusCode: 403, errorCode: 'SCOPE', errorMessage: 'Missing scope' },
        ],
      }),
    );
    expect(error).toMatchObject({
      code: 'PERMISSION_DENIED',
      message: 'closeAccount: Udara360 answered HTTP 403: Not allowed; Missing scope',
      providerCode: 'FORBIDDEN',
      details: { errors: ['Not allowed', 'Missing scope'], errorCode: 'FORBIDDEN' },
    });
  });

  it('prefers a listed posting status code carried by a 4xx body', () => {
    const error = translateUdara360HttpError(
      'udara360',
      response(400, { status: false, message: 'No Record Found', data: { statusCode: '25' } }),
    );
    expect(error).toMatchObject({ code: 'ACCOUNT_NOT_FOUND', providerCode: '25', httpStatus: 400 });
  });

  it('keeps an excerpt when the body is not an envelope', () => {
    const error = translateUdara360HttpError('udara360', response(502, null));
    expect(error).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      retryable: true,
      details: { excerpt: '""' },
    });
  });

  it('clips long provider messages', () => {
    const error = translateUdara360HttpError(
      'udara360',
      response(400, { errors: [{ statusCode: 400, errorCode: 'X', errorMessage: 'a'.repeat(1000) }] }),
    );
    expect(error.message.length).toBeLessThan(300);
  });
});

describe('status before text', () => {
  it('never lets a 5xx or 429 body naming a business condition change the code', () => {
    const said = (status: number, text: string) =>
      translateUdara360HttpError(
        'udara360',
        response(status, { status: false, message: text, data: { statusCode: '26' } }),
      ).code;
    expect(said(503, 'Duplicate Record')).toBe('PROVIDER_UNAVAILABLE');
    expect(said(500, 'Duplicate Record')).toBe('PROVIDER_ERROR');
    expect(said(429, 'Duplicate Record')).toBe('RATE_LIMITED');
    expect(said(401, 'Duplicate Record')).toBe('AUTHENTICATION_FAILED');
    expect(said(400, 'Duplicate Record')).toBe('DUPLICATE_REQUEST');
  });
});
