import { ClosureError } from '@closekit/core';
import { err, ok, type Result } from 'neverthrow';
import type { SolarisCreateAcrBody } from './solaris-api';
import { SOLARIS_PROVIDER } from './solaris-settings';

/**
 * The create body: exactly the two documented fields (provider doc §2). Solaris drops unknown
 * body fields silently (provider doc §1, S10), so provider options are refused rather than sent
 * where a typo would go unnoticed.
 */
export function convertToSolarisCloseRequest(input: {
  accountId: string;
  closureReason: string;
  providerOptions?: Record<string, unknown>;
}): Result<SolarisCreateAcrBody, ClosureError> {
  const optionNames = Object.keys(input.providerOptions ?? {});
  if (optionNames.length > 0) {
    return err(
      new ClosureError({
        code: 'INVALID_REQUEST',
        provider: SOLARIS_PROVIDER,
        message: `closeAccount: Solaris takes no provider options (got ${optionNames.join(', ')})`,
        details: {
          issues: optionNames.map((name) => ({ path: `providerOptions.${name}`, message: 'not supported' })),
        },
      }),
    );
  }
  return ok({ account_id: input.accountId, closure_reason: input.closureReason });
}
