import { err, ok, type Result } from 'neverthrow';
import type { ClosureError } from '../domain/closure-error';
import type { ReasonMap } from '../domain/reason-map';
import { type InputIssue, validateInput } from '../domain/validate-input';
import { type CloseAccountRequest, closeAccountRequestSchema } from '../port/closure-adapter';

/** A close request that passed validation, with the provider's value for its reason. */
export interface ValidCloseRequest {
  request: CloseAccountRequest;
  wireReason: string;
}

/**
 * The first step of every `closeAccount`: the caller's input validated (INVALID_REQUEST listing
 * every issue, the provider's own `issues` included, such as an account-number format) and its
 * reason mapped (REASON_NOT_SUPPORTED), both before anything is sent.
 */
export function parseCloseRequest(
  input: unknown,
  context: { provider: string; reasons: ReasonMap; issues?: readonly InputIssue[] },
): Result<ValidCloseRequest, ClosureError> {
  const valid = validateInput(
    closeAccountRequestSchema,
    input,
    { provider: context.provider, operation: 'closeAccount' },
    context.issues,
  );
  if (valid.isErr()) return err(valid.error);
  const wireReason = context.reasons.toProvider(valid.value.reason);
  if (wireReason.isErr()) return err(wireReason.error);
  return ok({ request: valid.value, wireReason: wireReason.value });
}
