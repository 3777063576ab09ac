import { err, ok, type Result } from 'neverthrow';
import type { z } from 'zod';
import { ClosureError } from './closure-error';

export interface InputIssue {
  path: string;
  message: string;
}

export function describeIssues(issues: readonly z.core.$ZodIssue[]): InputIssue[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

/**
 * Parses caller input strictly; every problem is listed in one INVALID_REQUEST, including
 * `extraIssues` the schema cannot see (a setting paired with an environment variable, say).
 */
export function validateInput<T>(
  schema: z.ZodType<T>,
  input: unknown,
  context: { provider: string | null; operation: string },
  extraIssues: readonly InputIssue[] = [],
): Result<T, ClosureError> {
  const parsed = schema.safeParse(input);
  if (parsed.success && extraIssues.length === 0) return ok(parsed.data);
  const issues = [...(parsed.success ? [] : describeIssues(parsed.error.issues)), ...extraIssues];
  return err(
    new ClosureError({
      code: 'INVALID_REQUEST',
      provider: context.provider,
      message: `${context.operation}: invalid input: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`,
      details: { issues },
    }),
  );
}

/**
 * Validates adapter settings and throws one error listing every problem, `extraIssues` included:
 * invalid settings are a programmer error, found at start-up rather than on the first closure.
 */
export function parseSettingsOrThrow<T>(
  schema: z.ZodType<T>,
  settings: unknown,
  provider: string,
  extraIssues: readonly InputIssue[] = [],
): T {
  const result = validateInput(
    schema,
    settings ?? {},
    { provider, operation: `create ${provider} adapter` },
    extraIssues,
  );
  if (result.isErr()) throw result.error;
  return result.value;
}
