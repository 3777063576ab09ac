import type { HttpErrorResponse } from '@closekit/core';
import { describe, expect, it } from 'vitest';
import { readSolarisErrors, SOLARIS_ERROR_TABLE, translateSolarisError } from './solaris-error';

const response = (status: number, body: unknown, operation = 'closeAccount'): HttpErrorResponse => ({
  status,
  headers: new Headers(),
  body,
  excerpt: JSON.stringify(body ?? '').slice(0, 100),
  requestId: 'header-request-id',
  operation,
});
const envelope = (status: number | string, code: string, extra: Record<string, unknown> = {}) => ({
  errors: [{ id: `id-${code}`, status, code, title: `title ${code}`, ...extra }],
});

describe('SOLARIS_ERROR_TABLE', () => {
  // Walk every documented row: the table is data, the docs print it, the translator must honour it.
  for (const rule of SOLARIS_ERROR_TABLE) {
    const status = rule.status === '4xx' ? 422 : rule.status === '5xx' ? 503 : rule.status;
    const code = rule.code === '*' ? 'some_unlisted_code' : rule.code.replace('*', 'partner');
    const operation = rule.operations?.[0] ?? 'getClosure';
    const detail = rule.detailPattern ? 'the account is under a compliance block' : undefined;
    it(`${rule.status} ${rule.code}${rule.operations ? ` (${rule.operations.join(', ')})` : ''} -> ${rule.neutral}`, () => {
      const error = translateSolarisError(
        response(status, envelope(status, code, detail ? { detail } : {}), operation),
      );
      expect(error.code).toBe(rule.neutral);
      expect(error).toMatchObject({
        provider: 'solaris',
        httpStatus: status,
        providerCode: code,
        requestId: `id-${code}`,
      });
    });
  }

  it('distinguishes model_not_found by operation', () => {
    const body = envelope(404, 'model_not_found');
    expect(translateSolarisError(response(404, body, 'closeAccount')).code).toBe('ACCOUNT_NOT_FOUND');
    expect(translateSolarisError(response(404, body, 'getClosure')).code).toBe('CLOSURE_NOT_FOUND');
    expect(translateSolarisError(response(404, body, 'readBack')).code).toBe('CLOSURE_NOT_FOUND');
  });

  it('keeps unknown codes as PROVIDER_ERROR with the raw code, retryable only by status', () => {
    expect(translateSolarisError(response(400, envelope(400, 'brand_new_code')))).toMatchObject({
      code: 'PROVIDER_ERROR',
      providerCode: 'brand_new_code',
      retryable: false,
      requestId: 'id-brand_new_code',
    });
    expect(translateSolarisError(response(403, envelope(403, 'forbidden_thing'))).code).toBe(
      'PROVIDER_ERROR',
    );
    expect(translateSolarisError(response(503, envelope(503, 'brand_new_code')))).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      retryable: true,
    });
  });

  it('lets a row that names the code win over a status-only match on an earlier entry', () => {
    const body = {
      errors: [
        { id: 'first', status: 400, code: 'something_else', title: 'x' },
        { id: 'second', status: '400', code: 'invalid_json', title: 'Invalid JSON' },
      ],
    };
    expect(translateSolarisError(response(400, body))).toMatchObject({
      code: 'INVALID_REQUEST',
      providerCode: 'invalid_json',
      requestId: 'second',
    });
  });

  it('reports ACCOUNT_BLOCKED only on create and only when the detail says so', () => {
    const blocked = envelope(422, 'unprocessable', { detail: 'Account is blocked for compliance reasons' });
    expect(translateSolarisError(response(422, blocked, 'closeAccount')).code).toBe('ACCOUNT_BLOCKED');
    expect(translateSolarisError(response(422, blocked, 'getClosure')).code).toBe('PROVIDER_ERROR');
    const unblocked = envelope(422, 'unprocessable', { detail: 'Unblocking is not possible' });
    expect(translateSolarisError(response(422, unblocked, 'closeAccount')).code).toBe('PROVIDER_ERROR');
  });

  it('handles bodies that are not the envelope by status, keeping an excerpt', () => {
    expect(translateSolarisError(response(502, null))).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      providerCode: null,
      requestId: 'header-request-id',
      details: { excerpt: '""' },
    });
    expect(translateSolarisError(response(401, null)).code).toBe('AUTHENTICATION_FAILED');
    expect(translateSolarisError(response(418, { message: 'teapot' })).code).toBe('PROVIDER_ERROR');
    expect(translateSolarisError(response(400, { errors: [] })).code).toBe('PROVIDER_ERROR');
  });

  it('reads OAuth error bodies of the auth host', () => {
    expect(
      translateSolarisError(
        response(400, { error: 'invalid_grant', error_description: 'bad scope' }, 'authenticate'),
      ),
    ).toMatchObject({ code: 'AUTHENTICATION_FAILED', providerCode: 'invalid_grant' });
    expect(translateSolarisError(response(429, { error: 'slow_down' }, 'authenticate')).code).toBe(
      'RATE_LIMITED',
    );
  });

  it('normalises numeric and string statuses and clips long texts', () => {
    const [first, second] = readSolarisErrors({
      errors: [
        { id: 'a', status: '409', code: 'record_not_unique', detail: 'x'.repeat(1000) },
        { status: 'not a number', code: 5, source: { field: 'account_id' } },
      ],
    });
    expect(first).toMatchObject({ id: 'a', status: 409, code: 'record_not_unique' });
    expect(first?.detail?.length).toBe(301);
    expect(second).toEqual({
      id: null,
      status: null,
      code: null,
      title: null,
      detail: null,
      field: 'account_id',
    });
  });
});
