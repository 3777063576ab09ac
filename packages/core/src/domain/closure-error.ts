import type { Closure } from './closure';
import { type ClosureErrorCode, isRetryableErrorCode } from './closure-error-code';
import type { ClosureReason } from './closure-reason';
import type { InputIssue } from './validate-input';

const CLOSURE_ERROR_MARKER = Symbol.for('closekit.ClosureError');

/** Fields any error's details may carry; adapters may add their own. */
export interface CommonErrorDetails {
  /** A short redacted excerpt of the provider's body. */
  excerpt?: string;
  [key: string]: unknown;
}

/** What `details` holds, per error code. Every field is optional: read them with `?.`. */
export interface ClosureErrorDetailsMap {
  INVALID_REQUEST: CommonErrorDetails & {
    /** Every problem found in the input, each with its path. */
    issues?: InputIssue[];
  };
  REASON_NOT_SUPPORTED: CommonErrorDetails & {
    reason?: ClosureReason;
    /** The reasons the adapter accepts. */
    supported?: readonly ClosureReason[];
  };
  OPERATION_NOT_SUPPORTED: CommonErrorDetails;
  NON_ZERO_BALANCE: CommonErrorDetails;
  ALREADY_CLOSED: CommonErrorDetails;
  ACCOUNT_NOT_FOUND: CommonErrorDetails;
  CLOSURE_NOT_FOUND: CommonErrorDetails;
  ACCOUNT_BLOCKED: CommonErrorDetails;
  DUPLICATE_REQUEST: CommonErrorDetails;
  AUTHENTICATION_FAILED: CommonErrorDetails;
  PERMISSION_DENIED: CommonErrorDetails;
  RATE_LIMITED: CommonErrorDetails & {
    /** How long the provider asked to wait (its Retry-After), when it said. */
    retryAfterMs?: number;
  };
  PROVIDER_UNAVAILABLE: CommonErrorDetails & {
    /** How long the provider asked to wait (its Retry-After), when it said. */
    retryAfterMs?: number;
  };
  TIMEOUT: CommonErrorDetails;
  NETWORK_ERROR: CommonErrorDetails & {
    /** True when the caller aborted the call (then `retryable` is false). */
    aborted?: boolean;
    /** The socket error code (ECONNRESET, ENOTFOUND ...), when known. */
    systemCode?: string | null;
  };
  OUTCOME_UNKNOWN: CommonErrorDetails & {
    /** True when the caller aborted the call after the request was sent. */
    aborted?: boolean;
  };
  INVALID_RESPONSE: CommonErrorDetails & {
    /** Where the body did not have the expected shape. */
    issues?: { path: string; message: string }[];
  };
  WEBHOOK_SIGNATURE_INVALID: CommonErrorDetails;
  WEBHOOK_PAYLOAD_INVALID: CommonErrorDetails & {
    /** True for a delivery to acknowledge (2xx) and ignore, see `shouldAcknowledgeWebhook`. */
    acknowledge?: boolean;
  };
  PROVIDER_ERROR: CommonErrorDetails;
}

export type ClosureErrorDetails<C extends ClosureErrorCode = ClosureErrorCode> = ClosureErrorDetailsMap[C];

export interface ClosureErrorOptions<C extends ClosureErrorCode = ClosureErrorCode> {
  code: C;
  /** Human-readable, and never containing a secret. */
  message: string;
  /** Defaults to the code's default (see RETRYABLE_ERROR_CODES). */
  retryable?: boolean;
  provider?: string | null;
  httpStatus?: number | null;
  providerCode?: string | null;
  /** The provider's trace id for this request, to quote to their support. */
  requestId?: string | null;
  details?: ClosureErrorDetailsMap[C] | null;
  /** The closure as it stands after a refusal that still changed something. */
  closure?: Closure | null;
  cause?: unknown;
}

/**
 * The one error class of closekit. Operations return it inside a Result; it is only thrown by
 * adapter factories for invalid settings (with code INVALID_REQUEST). Its public type,
 * `ClosureError`, is a union over the codes, so that checking `code` narrows `details`.
 */
class ClosureErrorClass extends Error {
  readonly [CLOSURE_ERROR_MARKER] = true;
  override readonly name = 'ClosureError';
  readonly code: ClosureErrorCode;
  readonly retryable: boolean;
  readonly provider: string | null;
  readonly httpStatus: number | null;
  readonly providerCode: string | null;
  readonly requestId: string | null;
  readonly details: ClosureErrorDetails | null;
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

  /** A copy with some fields replaced. */
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

/** A ClosureError with code `C` (the union of every code when not given): `details` follows the code. */
export type ClosureError<C extends ClosureErrorCode = ClosureErrorCode> = C extends ClosureErrorCode
  ? Omit<ClosureErrorClass, 'code' | 'details'> & {
      readonly code: C;
      readonly details: ClosureErrorDetailsMap[C] | null;
    }
  : never;

export interface ClosureErrorConstructor {
  new <C extends ClosureErrorCode>(options: ClosureErrorOptions<C>): ClosureError<C>;
  readonly prototype: ClosureErrorClass;
  /** Works across duplicate copies of @closekit/core, unlike instanceof. */
  isInstance(value: unknown): value is ClosureError;
}

export const ClosureError: ClosureErrorConstructor = ClosureErrorClass as unknown as ClosureErrorConstructor;
