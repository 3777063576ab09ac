import { describe, expect, it } from 'vitest';
import { parseUdara360Webhook } from './udara360-webhook';

describe('parseUdara360Webhook', () => {
  it('answers OPERATION_NOT_SUPPORTED and points to getClosure', async () => {
    const error = (await parseUdara360Webhook('udara360'))._unsafeUnwrapErr();
    expect(error).toMatchObject({ code: 'OPERATION_NOT_SUPPORTED', provider: 'udara360', retryable: false });
    expect(error.message).toContain('getClosure({ accountId })');
  });
});
