import { CLOSURE_ERROR_CODES, type HttpErrorResponse } from '@closekit/core';
import { describe, expect, it } from 'vitest';
import {
  lookupUdara360StatusCode,
  translateUdara360HttpError,
  translateUdara360StatusCode,
  UDARA360_HTTP_ERROR_TABLE,
  UDARA360_STATUS_CODE_TABLE,
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

describe('UDARA360_STATUS_CODE_TABLE', () => {
  it('lists the documented posting codes with neutral codes', () => {
    expect(Object.keys(UDARA360_STATUS_CODE_TABLE).sort()).toEqual(
      ['00', '06', '09', '13', '25', '26', '28', '29', '30', '51', '52', '57', '63', '90', '93', '96'].sort(),
    );
    for (const entry of Object.values(UDARA360_STATUS_CODE_TABLE)) {
      if (entry.code !== null) expect(CLOSURE_ERROR_CODES).toContain(entry.code);
      expect(entry.code === null).toBe(entry.disposition === 'success');
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

describe('UDARA360_HTTP_ERROR_TABLE', () => {
  it('maps every listed status, with per-operation meanings', () => {
    for (const [status, entry] of Object.entries(UDARA360_HTTP_ERROR_TABLE)) {
      expect(translateUdara360HttpError('udara360', response(Number(status), null)).code).toBe(entry.code);
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
