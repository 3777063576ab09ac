import { ClosureError, type ClosureEvent } from '@closekit/core';
import { errAsync, type ResultAsync } from 'neverthrow';

/**
 * Udara360 documents no closure event (events 1-6 cover accounts, customers and transactions),
 * publishes no payload schema and signs nothing (optional HTTP Basic only) ([WH], §8). A closure
 * event built from such a webhook could not be verified, so the adapter offers none: confirm
 * closures with getClosure({ accountId }) instead (docs/providers/udara360.md).
 */
export function parseUdara360Webhook(provider: string): ResultAsync<ClosureEvent, ClosureError> {
  return errAsync(
    new ClosureError({
      code: 'OPERATION_NOT_SUPPORTED',
      provider,
      message:
        'Udara360 sends no signed closure webhook; confirm a closure with getClosure({ accountId }) instead',
    }),
  );
}
