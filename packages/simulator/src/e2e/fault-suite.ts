/**
 * The fault suite every adapter runs against its simulator: the same faults on the close route
 * (and, in a few scenarios, on the read-back route too), the same expected typed results, bounded
 * retries counted by the simulator, the call's idempotency material checked on the wire, and the
 * simulator's proof that no account received two closures.
 *
 * Expected results follow docs/transport.md: a fault before the provider acted is retried (after a
 * read-back that proves the close was not applied, for every fault whose outcome is unknown); a
 * fault after it acted is settled by the read-back (`created: null`, no second close); a read-back
 * that fails too ends in OUTCOME_UNKNOWN.
 */
import type { ClosureAdapter, ClosureErrorCode, HttpHooks } from '@closekit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fault, FaultRule } from '../common/fault-rules';
import type { SimulatorCounters } from '../common/request-counters';
import { FAST, hookLog, type RecordedRequest, recordingFetch, timeBudgetMs, timed } from './e2e-support';

/** The part of every simulator handle the suite needs. */
export interface FaultSimulator {
  control: {
    injectFaults(rules: FaultRule | readonly FaultRule[]): unknown;
    clearFaults(): void;
    counters(): SimulatorCounters;
  };
  close(): Promise<void>;
}

export interface FaultAdapterOverrides {
  fetch: typeof fetch;
  hooks: HttpHooks;
  maxResponseBytes: number;
}

export interface FaultKit<S extends FaultSimulator> {
  /** Name of the describe block. */
  name: string;
  start(): Promise<S>;
  adapter(sim: S, overrides: FaultAdapterOverrides): ClosureAdapter;
  accountId: string;
  /** Matches the close request only (method + path), so auth and reads are never faulted by accident. */
  closeMatch: NonNullable<FaultRule['match']>;
  /** Matches the request the adapter reads back with after an unknown outcome. */
  readBackMatch: NonNullable<FaultRule['match']>;
  /** Simulator counter keys. */
  closeRoute: string;
  readBackRoute: string;
  /** Requests on the read-back route that every close makes before sending (pre-flight reads). */
  readsBeforeClose: number;
  isCloseRequest(request: RecordedRequest): boolean;
  /**
   * Checks the close attempts as sent: the provider's idempotency material identical on every
   * attempt, correlation ids fresh on every attempt.
   */
  checkAttempts(attempts: RecordedRequest[], idempotencyKey: string): void;
}

type Expected =
  | { ok: true; created: boolean | null }
  | { ok: false; code: ClosureErrorCode; retryable: boolean };

interface FaultScenario {
  name: string;
  /** Rules on the close route (built when the scenario runs: HTTP dates are relative to now). */
  close: () => { fault: Fault; times?: number }[];
  /** A fault on the read-back route, injected when the first close attempt is sent, never ending. */
  readBack?: Fault;
  expected: Expected;
  /** How the first close attempt failed (hook `onResponse.errorCode`): proves the fault was hit. */
  firstError: ClosureErrorCode;
  closeRequests: number;
  /** Read-back requests after the pre-flight reads. */
  readBacks: number;
  closures: 0 | 1;
  /** Time the scenario waits on purpose (Retry-After), added to the hang budget. */
  waitMs?: number;
  /** Extra checks on the hook log (retry delays) and the error. */
  check?: (context: ScenarioContext) => void;
}

interface ScenarioContext {
  retryDelays: number[];
  error: { details: unknown } | null;
}

const ONE_MIB = 1024 * 1024;
const MAX_RESPONSE_BYTES = 64 * 1024;
const SLOW = FAST.timeoutMs * 3;

const once = (fault: Fault) => ({ fault, times: 1 });
const always = (fault: Fault) => ({ fault });
const httpDate = (msFromNow: number) => new Date(Date.now() + msFromNow).toUTCString();

const applied = { ok: true, created: null } as const;
const resent = { ok: true, created: true } as const;

export const FAULT_SCENARIOS: readonly FaultScenario[] = [
  {
    name: 'connection reset before the provider read the request: read back, then sent again',
    firstError: 'NETWORK_ERROR',
    close: () => [once({ type: 'reset-before' })],
    expected: resent,
    closeRequests: 2,
    readBacks: 1,
    closures: 1,
  },
  {
    name: 'connection reset after the provider processed the request: the read-back finds the closure',
    firstError: 'NETWORK_ERROR',
    close: () => [once({ type: 'reset-after' })],
    expected: applied,
    closeRequests: 1,
    readBacks: 1,
    closures: 1,
  },
  {
    name: 'timeout before processing (latency > timeoutMs): read back, then sent again',
    firstError: 'TIMEOUT',
    close: () => [once({ type: 'latency', ms: SLOW, phase: 'before' })],
    expected: resent,
    closeRequests: 2,
    readBacks: 1,
    closures: 1,
  },
  {
    name: 'timeout after processing (answer delayed past timeoutMs): the read-back finds the closure',
    firstError: 'TIMEOUT',
    close: () => [once({ type: 'latency', ms: SLOW, phase: 'after' })],
    expected: applied,
    closeRequests: 1,
    readBacks: 1,
    closures: 1,
  },
  {
    name: 'a request that hangs once: read back, then sent again',
    firstError: 'TIMEOUT',
    close: () => [once({ type: 'hang' })],
    expected: resent,
    closeRequests: 2,
    readBacks: 1,
    closures: 1,
  },
  {
    name: 'a request that always hangs: TIMEOUT after maxRetries + 1 attempts, each read back, nothing closed',
    firstError: 'TIMEOUT',
    close: () => [always({ type: 'hang' })],
    expected: { ok: false, code: 'TIMEOUT', retryable: true },
    closeRequests: 3,
    readBacks: 3,
    closures: 0,
  },
  {
    name: 'a 5xx burst (502, 503) then success: each read back before the next attempt',
    firstError: 'PROVIDER_UNAVAILABLE',
    close: () => [once({ type: 'status', code: 502 }), once({ type: 'status', code: 503 })],
    expected: resent,
    closeRequests: 3,
    readBacks: 2,
    closures: 1,
  },
  {
    name: 'a 503 that persists: PROVIDER_UNAVAILABLE after maxRetries + 1 attempts, nothing closed',
    firstError: 'PROVIDER_UNAVAILABLE',
    close: () => [always({ type: 'status', code: 503 })],
    expected: { ok: false, code: 'PROVIDER_UNAVAILABLE', retryable: true },
    closeRequests: 3,
    readBacks: 3,
    closures: 0,
  },
  {
    name: '429 with Retry-After in seconds: waits exactly that long, retries without a read-back',
    firstError: 'RATE_LIMITED',
    close: () => [once({ type: 'status', code: 429, retryAfter: 1 })],
    expected: resent,
    closeRequests: 2,
    readBacks: 0,
    closures: 1,
    waitMs: 1_000,
    check: ({ retryDelays }) => expect(retryDelays).toEqual([1_000]),
  },
  {
    name: '429 with Retry-After as an HTTP date: waits until then, retries without a read-back',
    firstError: 'RATE_LIMITED',
    close: () => [once({ type: 'status', code: 429, retryAfter: httpDate(3_000) })],
    expected: resent,
    closeRequests: 2,
    readBacks: 0,
    closures: 1,
    waitMs: 3_000,
    check: ({ retryDelays }) => {
      expect(retryDelays).toHaveLength(1);
      // An HTTP date has whole seconds: "now + 3 s" truncated is still more than 2 s away when the
      // date is written, so even a slow machine parses it with well over the 500 ms asserted here
      // left (the backoff alone would wait at most 10 ms).
      expect(retryDelays[0]).toBeGreaterThan(500);
      expect(retryDelays[0]).toBeLessThanOrEqual(3_000);
    },
  },
  {
    name: '429 with a Retry-After date beyond maxRetryAfterMs: RATE_LIMITED at once with retryAfterMs',
    firstError: 'RATE_LIMITED',
    close: () => [always({ type: 'status', code: 429, retryAfter: httpDate(3_600_000) })],
    expected: { ok: false, code: 'RATE_LIMITED', retryable: true },
    closeRequests: 1,
    readBacks: 0,
    closures: 0,
    check: ({ retryDelays, error }) => {
      expect(retryDelays).toEqual([]);
      const retryAfterMs = (error?.details as { retryAfterMs?: number } | undefined)?.retryAfterMs ?? 0;
      expect(retryAfterMs).toBeGreaterThan(3_500_000);
      expect(retryAfterMs).toBeLessThanOrEqual(3_600_000);
    },
  },
  {
    name: '429 that persists (Retry-After: 0): RATE_LIMITED after maxRetries + 1 attempts, never read back',
    firstError: 'RATE_LIMITED',
    close: () => [always({ type: 'status', code: 429, retryAfter: 0 })],
    expected: { ok: false, code: 'RATE_LIMITED', retryable: true },
    closeRequests: 3,
    readBacks: 0,
    closures: 0,
  },
  {
    name: 'malformed JSON on a processed close: the read-back finds the closure',
    firstError: 'INVALID_RESPONSE',
    close: () => [once({ type: 'malformed-json' })],
    expected: applied,
    closeRequests: 1,
    readBacks: 1,
    closures: 1,
  },
  {
    name: 'malformed JSON on a close that was not processed: read back, then sent again',
    firstError: 'INVALID_RESPONSE',
    close: () => [once({ type: 'malformed-json', processed: false })],
    expected: resent,
    closeRequests: 2,
    readBacks: 1,
    closures: 1,
  },
  {
    name: 'an HTML 502 page: read back, then sent again',
    firstError: 'PROVIDER_UNAVAILABLE',
    close: () => [once({ type: 'html-error' })],
    expected: resent,
    closeRequests: 2,
    readBacks: 1,
    closures: 1,
  },
  {
    name: 'an HTML 502 page that persists: PROVIDER_UNAVAILABLE, nothing closed',
    firstError: 'PROVIDER_UNAVAILABLE',
    close: () => [always({ type: 'html-error', status: 502 })],
    expected: { ok: false, code: 'PROVIDER_UNAVAILABLE', retryable: true },
    closeRequests: 3,
    readBacks: 3,
    closures: 0,
  },
  {
    name: 'a truncated body on a processed close: the read-back finds the closure',
    firstError: 'NETWORK_ERROR',
    close: () => [once({ type: 'truncated-body' })],
    expected: applied,
    closeRequests: 1,
    readBacks: 1,
    closures: 1,
  },
  {
    name: 'a truncated body on a close that was not processed: read back, then sent again',
    firstError: 'NETWORK_ERROR',
    close: () => [once({ type: 'truncated-body', processed: false })],
    expected: resent,
    closeRequests: 2,
    readBacks: 1,
    closures: 1,
  },
  {
    name: 'an oversized body with Content-Length on a processed close: the read-back finds the closure',
    firstError: 'INVALID_RESPONSE',
    close: () => [once({ type: 'oversized-body', bytes: ONE_MIB })],
    expected: applied,
    closeRequests: 1,
    readBacks: 1,
    closures: 1,
  },
  {
    name: 'an oversized chunked body on a processed close: the read-back finds the closure',
    firstError: 'INVALID_RESPONSE',
    close: () => [once({ type: 'oversized-body', bytes: ONE_MIB, declareLength: false })],
    expected: applied,
    closeRequests: 1,
    readBacks: 1,
    closures: 1,
  },
  {
    name: 'an oversized body on a close that was not processed: read back, then sent again',
    firstError: 'INVALID_RESPONSE',
    close: () => [once({ type: 'oversized-body', bytes: ONE_MIB, processed: false })],
    expected: resent,
    closeRequests: 2,
    readBacks: 1,
    closures: 1,
  },
  {
    name: 'a body that never ends on a processed close: timed out, the read-back finds the closure',
    firstError: 'TIMEOUT',
    close: () => [once({ type: 'never-ending-body' })],
    expected: applied,
    closeRequests: 1,
    readBacks: 1,
    closures: 1,
  },
  {
    name: 'a body that never ends on a close that was not processed: read back, then sent again',
    firstError: 'TIMEOUT',
    close: () => [once({ type: 'never-ending-body', processed: false })],
    expected: resent,
    closeRequests: 2,
    readBacks: 1,
    closures: 1,
  },
  // The read-back fails too: the adapter cannot tell, so it answers OUTCOME_UNKNOWN and never resends.
  {
    name: 'reset after processing, read-back answering 503: OUTCOME_UNKNOWN, no second close',
    firstError: 'NETWORK_ERROR',
    close: () => [once({ type: 'reset-after' })],
    readBack: { type: 'status', code: 503 },
    expected: { ok: false, code: 'OUTCOME_UNKNOWN', retryable: false },
    closeRequests: 1,
    readBacks: 3,
    closures: 1,
  },
  {
    name: 'timeout after processing, read-back hanging: OUTCOME_UNKNOWN, no second close',
    firstError: 'TIMEOUT',
    close: () => [once({ type: 'latency', ms: SLOW, phase: 'after' })],
    readBack: { type: 'hang' },
    expected: { ok: false, code: 'OUTCOME_UNKNOWN', retryable: false },
    closeRequests: 1,
    readBacks: 3,
    closures: 1,
  },
  {
    name: 'truncated body after processing, read-back an HTML 502 page: OUTCOME_UNKNOWN, no second close',
    firstError: 'NETWORK_ERROR',
    close: () => [once({ type: 'truncated-body' })],
    readBack: { type: 'html-error' },
    expected: { ok: false, code: 'OUTCOME_UNKNOWN', retryable: false },
    closeRequests: 1,
    readBacks: 3,
    closures: 1,
  },
  {
    name: 'reset before processing, read-back a body that never ends: OUTCOME_UNKNOWN, nothing resent',
    firstError: 'NETWORK_ERROR',
    close: () => [once({ type: 'reset-before' })],
    readBack: { type: 'never-ending-body' },
    expected: { ok: false, code: 'OUTCOME_UNKNOWN', retryable: false },
    closeRequests: 1,
    readBacks: 3,
    closures: 0,
  },
];

/** Defines one describe block running every scenario against a fresh simulator. */
export function defineFaultSuite<S extends FaultSimulator>(kit: FaultKit<S>): void {
  describe(`${kit.name}: faults on the close route`, () => {
    let sim: S;

    beforeEach(async () => {
      sim = await kit.start();
    });

    afterEach(async () => {
      await sim.close();
    });

    for (const scenario of FAULT_SCENARIOS) {
      it(scenario.name, async () => {
        sim.control.injectFaults(scenario.close().map((rule) => ({ match: kit.closeMatch, ...rule })));
        const recorder = recordingFetch();
        let readBackFaulted = false;
        const log = hookLog((event) => {
          if (scenario.readBack && !readBackFaulted && event.operation === 'closeAccount') {
            readBackFaulted = true;
            sim.control.injectFaults({ match: kit.readBackMatch, fault: scenario.readBack });
          }
        });
        const adapter = kit.adapter(sim, {
          fetch: recorder.fetch,
          hooks: log.hooks,
          maxResponseBytes: MAX_RESPONSE_BYTES,
        });
        const idempotencyKey = `fault-${kit.accountId}`;

        const { value: result, elapsedMs } = await timed(() =>
          adapter.closeAccount({ accountId: kit.accountId, reason: 'CUSTOMER_REQUEST', idempotencyKey }),
        );

        // The typed result.
        if (scenario.expected.ok) {
          const closure = result._unsafeUnwrap();
          expect(closure).toMatchObject({
            accountId: kit.accountId,
            created: scenario.expected.created,
            initiatedBy: 'partner',
          });
        } else {
          const error = result._unsafeUnwrapErr();
          expect({ code: error.code, retryable: error.retryable }).toEqual({
            code: scenario.expected.code,
            retryable: scenario.expected.retryable,
          });
        }
        // Within the configured time: a bound on hanging, not a speed assertion.
        expect(elapsedMs).toBeLessThan(timeBudgetMs(FAST, scenario.waitMs ?? 0));

        // Retries bounded, read-backs as expected, counted by the simulator.
        const counters = sim.control.counters();
        expect(counters.requests[kit.closeRoute] ?? 0).toBe(scenario.closeRequests);
        expect(counters.requests[kit.readBackRoute] ?? 0).toBe(kit.readsBeforeClose + scenario.readBacks);
        // Never closed twice; closed exactly when expected.
        expect(counters.maxClosuresPerAccount).toBeLessThanOrEqual(1);
        expect(counters.closures[kit.accountId] ?? 0).toBe(scenario.closures);

        // The same idempotency material on every attempt (and what must be fresh, fresh).
        const attempts = recorder.requests.filter((request) => kit.isCloseRequest(request));
        expect(attempts).toHaveLength(scenario.closeRequests);
        kit.checkAttempts(attempts, idempotencyKey);
        const closeEvents = log.requests.filter((event) => event.operation === 'closeAccount');
        expect(closeEvents.map((event) => event.attempt)).toEqual(
          Array.from({ length: scenario.closeRequests }, (_, index) => index + 1),
        );
        expect(new Set(closeEvents.map((event) => event.idempotencyKey))).toEqual(new Set([idempotencyKey]));

        const firstClose = log.responses.find((event) => event.operation === 'closeAccount');
        expect(firstClose?.errorCode).toBe(scenario.firstError);

        scenario.check?.({
          retryDelays: log.retries
            .filter((event) => event.operation === 'closeAccount')
            .map((event) => event.delayMs),
          error: result.isErr() ? result.error : null,
        });

        if (!scenario.expected.ok && scenario.expected.code === 'OUTCOME_UNKNOWN') {
          expect(result._unsafeUnwrapErr().message).toMatch(/getClosure/);
          // Reconcile as the docs say: once the provider answers again, getClosure tells, and a
          // second closeAccount never closes twice.
          sim.control.clearFaults();
          const read = await adapter.getClosure({ accountId: kit.accountId });
          if (scenario.closures === 1) expect(read._unsafeUnwrap().accountId).toBe(kit.accountId);
          else expect(read._unsafeUnwrapErr().code).toBe('CLOSURE_NOT_FOUND');
          const again = (
            await adapter.closeAccount({
              accountId: kit.accountId,
              reason: 'CUSTOMER_REQUEST',
              idempotencyKey,
            })
          )._unsafeUnwrap();
          // Applied before: the existing closure (created: false); not applied: closed now.
          expect(again.created).toBe(scenario.closures === 0);
          expect(sim.control.counters().closures[kit.accountId]).toBe(1);
        }
      });
    }

    it('a caller abort while the close hangs: OUTCOME_UNKNOWN at once, no retry, no read-back', async () => {
      sim.control.injectFaults({ match: kit.closeMatch, fault: { type: 'hang' } });
      const controller = new AbortController();
      const log = hookLog((event) => {
        // Abort once the close is on the wire (well before timeoutMs).
        if (event.operation === 'closeAccount') setTimeout(() => controller.abort(), 50);
      });
      const adapter = kit.adapter(sim, {
        fetch: recordingFetch().fetch,
        hooks: log.hooks,
        maxResponseBytes: MAX_RESPONSE_BYTES,
      });
      const result = await adapter.closeAccount(
        { accountId: kit.accountId, reason: 'CUSTOMER_REQUEST' },
        { signal: controller.signal, timeoutMs: 5_000 },
      );
      expect(result._unsafeUnwrapErr()).toMatchObject({
        code: 'OUTCOME_UNKNOWN',
        retryable: false,
        details: { aborted: true },
      });
      const counters = sim.control.counters();
      expect(counters.requests[kit.closeRoute]).toBe(1);
      expect(counters.requests[kit.readBackRoute] ?? 0).toBe(kit.readsBeforeClose);
      expect(log.retries).toEqual([]);
      expect(counters.maxClosuresPerAccount).toBe(0);
    });
  });
}
