import {
  type CloseAccountRequest,
  ClosureError,
  type ClosureRef,
  closeAccountRequestSchema,
  closureRefSchema,
  describeIssues,
  type InputIssue,
  type ListClosuresQuery,
  listClosuresQuerySchema,
} from '@closekit/core';
import { err, ok, type Result } from 'neverthrow';
import type { z } from 'zod';

/**
 * closeaccount accepts 150 characters of accountNumber ([CA]), but the account endpoints the
 * adapter reads back with cap it at 10 (§2): a closure is only safe to send when its outcome
 * can be read back, so the stricter limit applies. Udara360 account numbers are NUBANs.
 */
export const ACCOUNT_NUMBER_MAX_LENGTH = 10;
const ACCOUNT_NUMBER_PATTERN = /^[A-Za-z0-9]+$/;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Udara-specific problems of an account number (the core schema already checks emptiness and whitespace). */
export function accountNumberIssues(value: string, path: string): InputIssue[] {
  const issues: InputIssue[] = [];
  if (value.length > ACCOUNT_NUMBER_MAX_LENGTH) {
    issues.push({
      path,
      message: `must be at most ${ACCOUNT_NUMBER_MAX_LENGTH} characters (Udara360 account number)`,
    });
  }
  if (
    value.length > 0 &&
    !ACCOUNT_NUMBER_PATTERN.test(value) &&
    !CONTROL_CHARACTERS.test(value) &&
    value.trim() === value
  ) {
    issues.push({ path, message: 'must contain only letters and digits (Udara360 account number)' });
  }
  return issues;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function validate<T>(
  schema: z.ZodType<T>,
  input: unknown,
  context: { provider: string; operation: string },
  extraIssues: (input: Record<string, unknown>) => InputIssue[],
): Result<T, ClosureError> {
  const parsed = schema.safeParse(input);
  const issues = parsed.success ? [] : describeIssues(parsed.error.issues);
  if (isObject(input)) {
    for (const issue of extraIssues(input)) {
      if (!issues.some((known) => known.path === issue.path && known.message === issue.message))
        issues.push(issue);
    }
  }
  if (parsed.success && issues.length === 0) return ok(parsed.data);
  return err(
    new ClosureError({
      code: 'INVALID_REQUEST',
      provider: context.provider,
      message: `${context.operation}: invalid input: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`,
      details: { issues },
    }),
  );
}

const accountIdIssues = (input: Record<string, unknown>) =>
  typeof input.accountId === 'string' ? accountNumberIssues(input.accountId, 'accountId') : [];

/** closeAccount input: the core rules plus Udara360's account-number format, in one INVALID_REQUEST. */
export function validateUdara360CloseRequest(
  input: unknown,
  provider: string,
): Result<CloseAccountRequest, ClosureError> {
  return validate(closeAccountRequestSchema, input, { provider, operation: 'closeAccount' }, (value) => {
    const issues = accountIdIssues(value);
    // Udara360's closeaccount has nothing a caller could choose; silently ignoring options is worse.
    if (isObject(value.providerOptions) && Object.keys(value.providerOptions).length > 0) {
      issues.push({
        path: 'providerOptions',
        message: `udara360 takes no provider options (got ${Object.keys(value.providerOptions).slice(0, 10).join(', ')})`,
      });
    }
    return issues;
  });
}

/**
 * getClosure input. A Udara360 closureId is the account number (convert-udara360-to-closure.ts), so it follows
 * the same rules, and naming two different accounts at once is refused.
 */
export function validateUdara360ClosureRef(
  input: unknown,
  provider: string,
): Result<ClosureRef, ClosureError> {
  return validate(closureRefSchema, input, { provider, operation: 'getClosure' }, (value) => {
    const issues = accountIdIssues(value);
    if (typeof value.closureId === 'string') {
      issues.push(...accountNumberIssues(value.closureId, 'closureId'));
      if (typeof value.accountId === 'string' && value.accountId !== value.closureId) {
        issues.push({
          path: 'closureId',
          message: 'names another account than accountId (a Udara360 closureId is the account number)',
        });
      }
    }
    return issues;
  });
}

export function validateUdara360ListQuery(
  input: unknown,
  provider: string,
): Result<ListClosuresQuery, ClosureError> {
  return validate(listClosuresQuerySchema, input, { provider, operation: 'listClosures' }, accountIdIssues);
}
