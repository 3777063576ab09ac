const BULK_ERROR_MARKER = Symbol.for('closekit.BulkError');

/**
 * What can go wrong in a bulk run itself (not at a provider: those are ClosureErrors recorded
 * per account). `INVALID_INPUT`: the input file or a call's arguments; nothing was changed.
 * `STORE_FAILED`: the engine's store (SQLite file, Redis) refused a read or write.
 * `CONFIGURATION`: engine settings that cannot work (unknown provider, missing dependency).
 * `RUN_BUSY`: another live process is working the same run on the same store.
 * `ABORTED`: the caller's AbortSignal fired (or the engine was closed); everything recorded
 * so far stays recorded and `runUntil` again resumes.
 */
export const BULK_ERROR_CODES = [
  'INVALID_INPUT',
  'STORE_FAILED',
  'CONFIGURATION',
  'RUN_BUSY',
  'ABORTED',
] as const;
export type BulkErrorCode = (typeof BULK_ERROR_CODES)[number];

/** One problem in the input, with its 1-based line number in the file. */
export interface BulkInputIssue {
  line: number;
  field: string | null;
  message: string;
}

export interface BulkErrorOptions {
  code: BulkErrorCode;
  message: string;
  /** INVALID_INPUT: every bad row, so a user fixes the file in one pass. */
  issues?: readonly BulkInputIssue[];
  cause?: unknown;
}

export class BulkError extends Error {
  readonly [BULK_ERROR_MARKER] = true;
  override readonly name = 'BulkError';
  readonly code: BulkErrorCode;
  readonly issues: readonly BulkInputIssue[];

  constructor(options: BulkErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.issues = options.issues ?? [];
  }

  /** Works across duplicate copies of @closekit/bulk, unlike instanceof. */
  static isInstance(value: unknown): value is BulkError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BULK_ERROR_MARKER] === true
    );
  }
}

/** Wraps whatever a store threw into a STORE_FAILED error that names the operation. */
export function storeFailed(operation: string, cause: unknown): BulkError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new BulkError({ code: 'STORE_FAILED', message: `${operation}: ${detail}`, cause });
}
