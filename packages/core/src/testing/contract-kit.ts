import type { ClosureErrorCode } from '../domain/closure-error-code';
import type { ClosureReason } from '../domain/closure-reason';
import type { ClosureState } from '../domain/closure-state';
import type { HttpHooks } from '../http/http-transport';
import type { BackoffSettings } from '../http/retry-policy';
import type { ClosureAdapter, WebhookInput } from '../port/closure-adapter';
import type { RecordedRequest, ScriptedReply } from './scripted-fetch';

/** What the scripted provider knows about the one account under test. */
export interface ContractWorld {
  readonly accountId: string;
  /**
   * The closure that read-backs should report, as raw provider values, or null when the
   * account has none. The contract sets it when a close is applied.
   */
  closure: { rawState: string; rawReason: string | null } | null;
}

export interface ContractAdapterOptions {
  fetch: typeof fetch;
  hooks: HttpHooks;
  timeoutMs: number;
  maxRetries: number;
  backoff: BackoffSettings;
  reasonMap?: Partial<Record<ClosureReason, string | null>>;
}

/** Everything the contract needs to drive one adapter against scripted provider responses. */
export interface ClosureAdapterContractKit {
  /** The adapter's provider name. */
  provider: string;
  /** Builds the adapter under test; pass every option through (they point it at the script). */
  createAdapter(options: ContractAdapterOptions): ClosureAdapter;
  /** An account id in this provider's format. */
  accountId: string;
  /** A reason the adapter accepts. Default: its first capability reason. */
  reason?: ClosureReason;
  /** True for the request that performs the closure (not auth, not read-backs). */
  isCloseRequest(request: RecordedRequest): boolean;
  /**
   * The provider's answer to the close request: success, or the refusal that the adapter maps to
   * `refusal`. On success with `world.closure` already set (a repeated close, or a retry after
   * the provider acted), answer as the provider does for an account that already has a closure
   * (the existing closure, a replay of the first answer, ...).
   */
  respondToClose(
    request: RecordedRequest,
    outcome: { refusal: ClosureErrorCode | null },
    world: ContractWorld,
  ): ScriptedReply;
  /** Answers every other request (auth, read-backs, get, list) from `world`. */
  respond(request: RecordedRequest, world: ContractWorld): ScriptedReply;
  /** The values that must be identical on every attempt of one close (idempotency key, reference, body). */
  idempotencyMaterial(request: RecordedRequest): unknown;
  /**
   * True when the provider itself de-duplicates closes by the idempotency material (an
   * Idempotency-Key header): a repeat with known material is then not a second closure.
   * False (the safe default) when only the adapter's read-back prevents duplicates.
   */
  providerDeduplicates?: boolean;
  /** The raw state a successful close leaves (read-backs report it). */
  stateAfterClose: string;
  /**
   * The raw state read-backs report for an account that is already closed. Default: the first
   * raw state in `states` that maps to CLOSED.
   */
  closedState?: string;
  /**
   * How the provider answers a close for an account it already reports closed (`world.closure`
   * then holds `closedState`): a refusal such as a 400 `ACCOUNT_ALREADY_CLOSED`, the existing
   * closure, or whatever the provider documents. The adapter must turn it into `Ok`, state
   * CLOSED, `created: false` (DESIGN.md "Semantics every adapter shares": already closed).
   */
  respondToCloseWhenClosed(request: RecordedRequest, world: ContractWorld): ScriptedReply;
  /**
   * The provider's error reply to a close with this HTTP `status` (401, 409, 429, 500, 503)
   * whose free-text fields (message, detail, title: wherever the provider writes prose) say
   * `text`. Put no business code in the provider's code fields: the scenario checks that text
   * such as "non-zero balance" or "blocked" never overrides what the status says.
   */
  respondWithStatus(request: RecordedRequest, error: { status: number; text: string }): ScriptedReply;
  /**
   * Neutral refusals the adapter claims to map; `respondToClose` must produce each.
   * `ALREADY_CLOSED` is not a refusal of `closeAccount` (see `respondToCloseWhenClosed`).
   */
  refusals: readonly ClosureErrorCode[];
  /** Every raw closure state the adapter declares, with the unified state it must map to. */
  states: Readonly<Record<string, ClosureState>>;
  /** Every raw reason the adapter declares on read, with the unified reason (or null). */
  reasons: Readonly<Record<string, ClosureReason | null>>;
  /** Values that must never appear in an error, hook event or raw payload. */
  secrets: readonly string[];
  /** How to produce a correctly signed webhook, when the adapter supports webhooks. */
  webhook?: {
    validInput(): WebhookInput;
    /** The header that carries the signature or credential. */
    signatureHeader: string;
    /**
     * False when verification is a shared credential (a bearer token) that does not cover the
     * body, so a changed body cannot be detected. Default true (an HMAC over the raw body).
     */
    bodyBound?: boolean;
  };
}
