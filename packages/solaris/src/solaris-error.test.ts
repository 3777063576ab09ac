import type { ErrorRule, HttpErrorResponse } from '@closekit/core/adapter';
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
  const operationOf = { authenticate: 'authenticate', closeAccount: 'closeAccount', read: 'getClosure' };
  for (const [table, rules] of Object.entries(SOLARIS_ERROR_TABLE)) {
    for (const rule of rules) {
      const { status: ruleStatus, providerCode, text } = rule as ErrorRule;
      const statuses: number[] =
        ruleStatus === '4xx'
          ? [422]
          : ruleStatus === '5xx'
            ? [503]
            : ruleStatus === undefined
              ? [418]
              : [ruleStatus].flat();
      const codes: string[] = providerCode === undefined ? ['some_unlisted_code'] : [providerCode].flat();
      const detail = text ? 'the account is under a compliance block' : undefined;
      const operation = operationOf[table as keyof typeof operationOf];
      for (const status of statuses) {
        for (const code of codes) {
          it(`${table}: ${status} ${code} -> ${rule.code}`, () => {
            const error = translateSolarisError(
              response(status, envelope(status, code, detail ? { detail } : {}), operation),
            );
            expect(error.code).toBe(rule.code);
            expect(error).toMatchObject({
              provider: 'solaris',
              httpStatus: status,
              providerCode: code,
              requestId: `id-${code}`,
            });
          });
        }
      }
    }
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
    // Changed by the status-before-text rule: every documented 403 is a policy refusal (§5).
    expect(translateSolarisError(response(403, envelope(403, 'forbidden_thing'))).code).toBe(
      'PERMISSION_DENIED',
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

  it('never lets a generic word make a policy refusal ACCOUNT_BLOCKED', () => {
    for (const code of ['unauthorized_action', 'some_new_code']) {
      const body = envelope(403, code, { detail: 'Action blocked by token policy' });
      expect(translateSolarisError(response(403, body, 'closeAccount'))).toMatchObject({
        code: 'PERMISSION_DENIED',
        providerCode: code,
      });
    }
    const blockedWord = envelope(422, 'unprocessable', { detail: 'Request blocked' });
    expect(translateSolarisError(response(422, blockedWord, 'closeAccount')).code).toBe('PROVIDER_ERROR');
  });

  it('lets text refine only 400/403/422: never a 401, 409, 429 or 5xx', () => {
    const detail = { detail: 'the account is under a compliance block' };
    const cases = [
      [401, 'invalid_token', 'AUTHENTICATION_FAILED'],
      [401, 'other', 'AUTHENTICATION_FAILED'],
      [409, 'record_not_unique', 'DUPLICATE_REQUEST'],
      [429, 'too_many', 'RATE_LIMITED'],
      [500, 'generic_error', 'PROVIDER_UNAVAILABLE'],
      [503, 'other', 'PROVIDER_UNAVAILABLE'],
      [504, 'gateway_timeout', 'TIMEOUT'],
    ] as const;
    for (const [status, code, expected] of cases) {
      expect(
        translateSolarisError(response(status, envelope(status, code, detail), 'closeAccount')).code,
      ).toBe(expected);
    }
    // A documented code decides before any text does.
    const validation = envelope(400, 'validation_error', detail);
    expect(translateSolarisError(response(400, validation, 'closeAccount')).code).toBe('INVALID_REQUEST');
    for (const status of [400, 403, 422]) {
      const undocumented = envelope(status, 'unlisted_refusal', detail);
      expect(translateSolarisError(response(status, undocumented, 'closeAccount')).code).toBe(
        'ACCOUNT_BLOCKED',
      );
    }
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
