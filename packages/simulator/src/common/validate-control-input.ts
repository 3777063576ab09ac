import type { z } from 'zod';
import { SimulatorControlError } from './control-error';

/** Strict input check shared by the in-process control API and its HTTP twin. */
export function parseControlInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  what: string,
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`,
  );
  throw new SimulatorControlError(
    400,
    'INVALID_CONTROL_INPUT',
    `Invalid ${what}: ${issues.join('; ')}`,
    issues,
  );
}
