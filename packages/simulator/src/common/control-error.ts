/**
 * A control-API call that cannot be honoured (unknown account, invalid seed, a closure already in
 * a terminal state). In-process it is thrown, because it is a mistake in the test or demo set-up;
 * over HTTP it becomes `{ "error": { "code", "message", "issues"? } }` with `status`.
 */
export class SimulatorControlError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: readonly string[];

  constructor(status: number, code: string, message: string, issues: readonly string[] = []) {
    super(message);
    this.name = 'SimulatorControlError';
    this.status = status;
    this.code = code;
    this.issues = issues;
  }

  static isInstance(value: unknown): value is SimulatorControlError {
    return value instanceof Error && value.name === 'SimulatorControlError' && 'status' in value;
  }
}

export function unknownAccount(accountId: string): SimulatorControlError {
  return new SimulatorControlError(404, 'ACCOUNT_NOT_FOUND', `No seeded account with id '${accountId}'`);
}
