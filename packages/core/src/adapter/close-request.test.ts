import { describe, expect, it } from 'vitest';
import { createReasonMap } from '../domain/reason-map';
import { parseCloseRequest } from './close-request';

const reasons = createReasonMap('bank', { CUSTOMER_REQUEST: 'customer', FRAUD: null });

describe('parseCloseRequest', () => {
  it('validates the request and maps its reason', () => {
    const parsed = parseCloseRequest(
      { accountId: 'A-1', reason: 'CUSTOMER_REQUEST' },
      { provider: 'bank', reasons },
    );
    expect(parsed._unsafeUnwrap()).toEqual({
      request: { accountId: 'A-1', reason: 'CUSTOMER_REQUEST' },
      wireReason: 'customer',
    });
  });

  it('refuses invalid input and unsupported reasons, naming the provider', () => {
    expect(
      parseCloseRequest({ accountId: '' }, { provider: 'bank', reasons })._unsafeUnwrapErr(),
    ).toMatchObject({
      code: 'INVALID_REQUEST',
      provider: 'bank',
    });
    expect(
      parseCloseRequest(
        { accountId: 'A-1', reason: 'FRAUD' },
        { provider: 'bank', reasons },
      )._unsafeUnwrapErr(),
    ).toMatchObject({ code: 'REASON_NOT_SUPPORTED', provider: 'bank' });
  });

  it("lists the provider's own issues beside the schema's, in one INVALID_REQUEST", () => {
    const error = parseCloseRequest(
      { accountId: '', reason: 'CUSTOMER_REQUEST' },
      { provider: 'bank', reasons, issues: [{ path: 'accountId', message: 'must be 10 digits' }] },
    )._unsafeUnwrapErr();
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.details?.issues).toEqual([
      expect.objectContaining({ path: 'accountId' }),
      { path: 'accountId', message: 'must be 10 digits' },
    ]);
    // A valid request with a provider issue is refused too, and its reason is not mapped.
    expect(
      parseCloseRequest(
        { accountId: 'A-1', reason: 'FRAUD' },
        { provider: 'bank', reasons, issues: [{ path: 'accountId', message: 'must be 10 digits' }] },
      )._unsafeUnwrapErr().code,
    ).toBe('INVALID_REQUEST');
  });
});
