import type { Closure } from './closure';
import { type ClosureErrorCode, isRetryableErrorCode } from './closure-error-code';

const CLOSURE_ERROR_MARKER = Symbol.for('closekit.ClosureError');

export interface ClosureErrorOptions {
  code: ClosureErrorCode;
  /** Human-readable, and never containing a secret. */
  message: string;
  /** Defaults to the code's default (see RETRYABLE_ERROR_CODES). */
  retryable?: boolean;
  provider?: string | null;
  httpStatus?: number | null;
  providerCode?: string | null;
  /** The provider's trace id for this request, to quote to their support. */
  requestId?: string | null;
  details?: unknown;
  /** The closure as it stands after a refusal that still changed something. */
  closure?: Closure | null;
  cause?: unknown;
}

/**
 * The one error type of closekit. Operations return it inside a Result; it is only thrown
 * by adapter factories for invalid settings (with code INVALID_REQUEST).
 */
export class ClosureError extends Error {
  readonly [CLOSURE_ERROR_MARKER] = true;
  override readonly name = 'ClosureError';
  readonly code: ClosureErrorCode;
  readonly retryable: boolean;
  readonly provider: string | null;
  readonly httpStatus: number | null;
  readonly providerCode: string | null;
  readonly requestId: string | null;
  readonly details: unknown;
  readonly closure: Closure | null;

  constructor(options: ClosureErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.retryable = options.retryable ?? isRetryableErrorCode(options.code);
    this.provider = options.provider ?? null;
    this.httpStatus = options.httpStatus ?? null;
    this.providerCode = options.providerCode ?? null;
    this.requestId = options.requestId ?? null;
    this.details = options.details ?? null;
    this.closure = options.closure ?? null;
  }

  /** Works across duplicate copies of @closekit/core, unlike instanceof. */
  static isInstance(value: unknown): value is ClosureError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[CLOSURE_ERROR_MARKER] === true
    );
  }

  /** A copy with some fields replaced; the original stays the cause chain's head. */
  with(overrides: Partial<ClosureErrorOptions>): ClosureError {
    return new ClosureError({ ...this.toOptions(), ...overrides });
  }

  toOptions(): ClosureErrorOptions {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      provider: this.provider,
      httpStatus: this.httpStatus,
      providerCode: this.providerCode,
      requestId: this.requestId,
      details: this.details,
      closure: this.closure,
      cause: this.cause,
    };
  }

  /** What JSON.stringify shows: every field but `cause` and the stack. */
  toJSON(): Record<string, unknown> {
    const { cause: _cause, ...fields } = this.toOptions();
    return { name: this.name, ...fields };
  }
}
