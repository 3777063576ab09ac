import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closeAccountRequestSchema } from '../port/closure-adapter';
import { createClosure } from './closure';
import { ClosureError } from './closure-error';
import { CLOSURE_ERROR_CODES, isRetryableErrorCode } from './closure-error-code';
import { createReasonMap } from './reason-map';
import { parseSettingsOrThrow, validateInput } from './validate-input';

describe('ClosureError', () => {
  it('defaults retryable from its code; OUTCOME_UNKNOWN is never retryable', () => {
    const retryable = CLOSURE_ERROR_CODES.filter(isRetryableErrorCode);
    expect(retryable).toEqual(['RATE_LIMITED', 'PROVIDER_UNAVAILABLE', 'TIMEOUT', 'NETWORK_ERROR']);
    expect(new ClosureError({ code: 'OUTCOME_UNKNOWN', message: 'm' }).retryable).toBe(false);
    expect(new ClosureError({ code: 'TIMEOUT', message: 'm' }).retryable).toBe(true);
  });

  it('is recognised across package copies by its symbol marker, not instanceof', () => {
    const error = new ClosureError({ code: 'TIMEOUT', message: 'm' });
    const foreign = { [Symbol.for('closekit.ClosureError')]: true };
    expect(ClosureError.isInstance(error)).toBe(true);
    expect(ClosureError.isInstance(foreign)).toBe(true);
    expect(ClosureError.isInstance(new Error('x'))).toBe(false);
    expect(ClosureError.isInstance(null)).toBe(false);
  });

  it('serialises every field but the cause', () => {
    const error = new ClosureError({
      code: 'PROVIDER_ERROR',
      message: 'm',
      provider: 'p',
      httpStatus: 418,
      cause: new Error('hidden'),
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'ClosureError',
      code: 'PROVIDER_ERROR',
      message: 'm',
      retryable: false,
      provider: 'p',
      httpStatus: 418,
      providerCode: null,
      requestId: null,
      details: null,
      closure: null,
    });
    expect(String(error)).toBe('ClosureError: m');
    expect(error.with({ requestId: 'r' })).toMatchObject({
      code: 'PROVIDER_ERROR',
      requestId: 'r',
      httpStatus: 418,
    });
  });
});

describe('input validation', () => {
  it('lists every problem in one INVALID_REQUEST', () => {
    const error = validateInput(
      closeAccountRequestSchema,
      { accountId: ' a', reason: 'NOPE', extra: 1 },
      { provider: 'p', operation: 'closeAccount' },
    )._unsafeUnwrapErr();
    expect(error.code).toBe('INVALID_REQUEST');
    expect(
      (error.details as { issues: { path: string }[] }).issues.map((issue) => issue.path).sort(),
    ).toEqual(['(root)', 'accountId', 'reason']);
  });

  it('rejects control characters and over-long idempotency keys', () => {
    const context = { provider: null, operation: 'closeAccount' };
    expect(
      validateInput(closeAccountRequestSchema, { accountId: 'a\nb', reason: 'OTHER' }, context).isErr(),
    ).toBe(true);
    expect(
      validateInput(
        closeAccountRequestSchema,
        { accountId: 'a', reason: 'OTHER', idempotencyKey: 'k'.repeat(256) },
        context,
      ).isErr(),
    ).toBe(true);
    expect(
      validateInput(
        closeAccountRequestSchema,
        { accountId: 'a', reason: 'OTHER', idempotencyKey: 'k-1' },
        context,
      ).isOk(),
    ).toBe(true);
  });

  it('throws settings problems all at once', () => {
    const schema = z.object({ a: z.string(), b: z.number() });
    expect(() => parseSettingsOrThrow(schema, { a: 1, b: 'x' }, 'p')).toThrowError(/a .*; b /);
  });
});

describe('reason maps', () => {
  const map = createReasonMap(
    'bank',
    { CUSTOMER_REQUEST: 'WISH', FRAUD: 'FRAUD_X' },
    { FRAUD: null, OTHER: 'MISC' },
    { WISH_INTERNAL: 'CUSTOMER_REQUEST' },
  );

  it('merges overrides: null refuses, a value adds', () => {
    expect(map.supported).toEqual(['CUSTOMER_REQUEST', 'OTHER']);
    expect(map.toProvider('CUSTOMER_REQUEST')._unsafeUnwrap()).toBe('WISH');
    expect(map.toProvider('OTHER')._unsafeUnwrap()).toBe('MISC');
    expect(map.toProvider('FRAUD')._unsafeUnwrapErr()).toMatchObject({
      code: 'REASON_NOT_SUPPORTED',
      provider: 'bank',
    });
  });

  it('maps provider values back, keeping unknown ones unmapped', () => {
    expect(map.fromProvider('WISH')).toBe('CUSTOMER_REQUEST');
    expect(map.fromProvider('WISH_INTERNAL')).toBe('CUSTOMER_REQUEST');
    expect(map.fromProvider('FRAUD_X')).toBe('FRAUD');
    expect(map.fromProvider('NEW_VALUE')).toBeNull();
    expect(map.fromProvider(null)).toBeNull();
  });
});

describe('createClosure', () => {
  it('fills what the provider did not say with explicit nulls', () => {
    expect(
      createClosure({
        provider: 'p',
        closureId: 'c',
        accountId: 'a',
        state: { unified: 'PENDING', raw: 'X' },
      }),
    ).toEqual({
      provider: 'p',
      closureId: 'c',
      accountId: 'a',
      state: { unified: 'PENDING', raw: 'X' },
      reason: { unified: null, raw: null },
      initiatedBy: 'unknown',
      created: null,
      blockers: [],
      failure: null,
      legalClosureDate: null,
      technicalClosureDate: null,
      payoutAllowed: null,
      updatedAt: null,
      raw: null,
    });
  });
});
