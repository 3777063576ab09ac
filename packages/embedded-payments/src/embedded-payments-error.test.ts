import type { HttpErrorResponse } from '@closekit/core/adapter';
import { describe, expect, it } from 'vitest';
import errorV1BadRequest from './__fixtures__/error-v1-bad-request.json';
import errorV2ClientNotFound from './__fixtures__/error-v2-client-not-found.json';
import {
  EMBEDDED_PAYMENTS_ERROR_TABLE,
  findEmbeddedPaymentsErrorRule,
  translateEmbeddedPaymentsError,
} from './embedded-payments-error';

const response = (status: number, body: unknown, requestId: string | null = null): HttpErrorResponse => ({
  status,
  headers: new Headers(),
  body,
  excerpt: JSON.stringify(body ?? ''),
  requestId,
  operation: 'closeAccount',
});

describe('EMBEDDED_PAYMENTS_ERROR_TABLE', () => {
  it('ends with a catch-all row, so every answer maps', () => {
    // ErrorRule shape: a catch-all row sets neither status nor providerCode.
    expect(EMBEDDED_PAYMENTS_ERROR_TABLE.at(-1)).toEqual({
      code: 'PROVIDER_ERROR',
      source: expect.any(String),
    });
  });

  it('reaches every row it declares', () => {
    for (const rule of EMBEDDED_PAYMENTS_ERROR_TABLE) {
      const status =
        typeof rule.status === 'number'
          ? rule.status
          : rule.status === '5xx'
            ? 599
            : rule.status === '4xx'
              ? 418
              : Array.isArray(rule.status)
                ? (rule.status[0] as number)
                : 302;
      const body = rule.providerCode
        ? { title: 'x', context: [{ code: rule.providerCode, message: 'm' }] }
        : { title: 'x' };
      expect(findEmbeddedPaymentsErrorRule(status, body as never).rule).toBe(rule);
    }
  });

  it('finds the closure codes in title, error or context code of a 4xx', () => {
    const cases: [number, unknown, string][] = [
      [400, { title: 'ACCOUNT_HAS_NON_ZERO_BALANCE' }, 'NON_ZERO_BALANCE'],
      [409, { title: 'Conflict', error: 'ACCOUNT_ALREADY_CLOSED' }, 'ALREADY_CLOSED'],
      [
        422,
        { title: 'x', context: [{ code: 'OPERATION_NOT_SUPPORTED', message: 'm' }] },
        'OPERATION_NOT_SUPPORTED',
      ],
    ];
    for (const [status, body, code] of cases)
      expect(translateEmbeddedPaymentsError(response(status, body)).code).toBe(code);
  });

  it('never takes a business code from a message, nor from any field of a 5xx, 401 or 429', () => {
    // business codes count only from the code fields of a 4xx; status before text.
    const cases: [number, unknown, string][] = [
      [
        400,
        { title: 'x', context: [{ message: 'Failed: ACCOUNT_HAS_NON_ZERO_BALANCE' }] },
        'INVALID_REQUEST',
      ],
      [500, { title: 'ACCOUNT_HAS_NON_ZERO_BALANCE', error: 'ACCOUNT_ALREADY_CLOSED' }, 'PROVIDER_ERROR'],
      [503, { title: 'x', context: [{ code: 'ACCOUNT_ALREADY_CLOSED' }] }, 'PROVIDER_UNAVAILABLE'],
      [502, { error: 'OPERATION_NOT_SUPPORTED' }, 'PROVIDER_UNAVAILABLE'],
      [401, { error: 'ACCOUNT_ALREADY_CLOSED' }, 'AUTHENTICATION_FAILED'],
      [429, { context: [{ code: 'ACCOUNT_HAS_NON_ZERO_BALANCE' }] }, 'RATE_LIMITED'],
    ];
    for (const [status, body, code] of cases) {
      const error = translateEmbeddedPaymentsError(response(status, body));
      expect(error.code).toBe(code);
      expect(error.httpStatus).toBe(status);
    }
  });

  it('translates the v1 ApiError example', () => {
    const error = translateEmbeddedPaymentsError(response(400, errorV1BadRequest, 'hdr'));
    expect(error.toJSON()).toEqual({
      name: 'ClosureError',
      code: 'INVALID_REQUEST',
      message: 'closeAccount: J.P. Morgan answered HTTP 400 (Bad Request)',
      retryable: false,
      provider: 'embedded-payments',
      httpStatus: 400,
      providerCode: 'BAD_REQUEST',
      requestId: 'hdr',
      details: { title: 'Bad Request', traceId: undefined, requestId: undefined, context: [] },
      closure: null,
    });
  });

  it('translates the v2 ApiErrorV2 example, keeping traceId as requestId and the context', () => {
    const error = translateEmbeddedPaymentsError(response(400, errorV2ClientNotFound, 'our-request-id'));
    expect(error).toMatchObject({
      code: 'INVALID_REQUEST',
      providerCode: '11000',
      requestId: '2d4f3b8e-trace-11000',
      message:
        'closeAccount: J.P. Morgan answered HTTP 400 (BAD_REQUEST: Client with ID 0031234567 does not exist.)',
      details: { context: errorV2ClientNotFound.context },
    });
  });

  it('keeps an excerpt when the body is not an error object', () => {
    const error = translateEmbeddedPaymentsError(response(502, null));
    expect(error).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      retryable: true,
      providerCode: null,
      details: { excerpt: '""' },
    });
  });
});
