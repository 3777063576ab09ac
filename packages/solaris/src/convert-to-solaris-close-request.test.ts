import { describe, expect, it } from 'vitest';
import { convertToSolarisCloseRequest } from './convert-to-solaris-close-request';

describe('convertToSolarisCloseRequest', () => {
  it('builds exactly the two documented fields', () => {
    expect(
      convertToSolarisCloseRequest({
        accountId: 'abccacc',
        closureReason: 'CUSTOMER_WISH',
        providerOptions: {},
      })._unsafeUnwrap(),
    ).toEqual({ account_id: 'abccacc', closure_reason: 'CUSTOMER_WISH' });
  });

  it('refuses provider options, naming each', () => {
    const error = convertToSolarisCloseRequest({
      accountId: 'abccacc',
      closureReason: 'CUSTOMER_WISH',
      providerOptions: { a: 1, b: 2 },
    })._unsafeUnwrapErr();
    expect(error).toMatchObject({
      code: 'INVALID_REQUEST',
      details: { issues: [{ path: 'providerOptions.a' }, { path: 'providerOptions.b' }] },
    });
  });
});
