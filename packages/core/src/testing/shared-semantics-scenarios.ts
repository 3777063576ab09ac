import { expect } from 'vitest';
import type { Closure } from '../domain/closure';
import type { ClosureErrorCode } from '../domain/closure-error-code';
import type { ContractHarness } from './contract-harness';
import type { ClosureAdapterContractKit } from './contract-kit';

/** Free text that names a business condition, put where the provider writes prose. */
export const MISLEADING_TEXTS = [
  'Account has a non-zero balance',
  'Account blocked',
  'Account already closed',
] as const;

/**
 * What the status alone says, for the statuses whose meaning text never overrides. A 409 has no
 * fixed neutral code (a provider's conflict code decides it), so it is compared with the answer to
 * the same 409 carrying neutral text instead.
 */
const STATUS_MEANINGS: readonly { status: number; codes: readonly ClosureErrorCode[] }[] = [
  { status: 401, codes: ['AUTHENTICATION_FAILED'] },
  { status: 409, codes: [] },
  { status: 429, codes: ['RATE_LIMITED'] },
  { status: 500, codes: ['PROVIDER_UNAVAILABLE', 'PROVIDER_ERROR', 'OUTCOME_UNKNOWN'] },
  { status: 503, codes: ['PROVIDER_UNAVAILABLE', 'OUTCOME_UNKNOWN'] },
];

const NEUTRAL_TEXT = 'Request could not be processed';
const SAME_KEY = 'contract-same-key-0001';

export type SharedSemanticsScenario = () => Promise<void>;

/**
 * The semantics every adapter shares (DESIGN.md "Semantics every adapter shares"), each a plain
 * async function that rejects when the adapter breaks the rule: the contract runs each as a
 * test, and core's own tests run them against deliberately broken adapters to show they can fail.
 */
export function sharedSemanticsScenarios(kit: ClosureAdapterContractKit, harness: ContractHarness) {
  const { setup, reason, expectOk, expectError, closeOnce, seenClosures } = harness;
  const closedState =
    kit.closedState ?? Object.entries(kit.states).find(([, unified]) => unified === 'CLOSED')?.[0];

  // Three answers, so a forced token refresh after a 401 sees the same answer again.
  const closeWithStatus = (status: number, text: string) =>
    closeOnce(
      [1, 2, 3].map(() => ({ kind: 'status' as const, status, text })),
      { maxRetries: 0 },
    );

  /** One handle: the closureId of every path is accepted by getClosure and names the same closure. */
  const closureIdRoundTrips: SharedSemanticsScenario = async () => {
    const { adapter, result } = await closeOnce([{ kind: 'success' }]);
    if (!adapter.capabilities.getClosure) return;
    const created = expectOk<Closure>(result);
    const byId = expectOk<Closure>(await adapter.getClosure({ closureId: created.closureId }));
    seenClosures.push(byId);
    expect(byId.closureId).toBe(created.closureId);
    expect(byId.accountId).toBe(kit.accountId);
    const byAccount = expectOk<Closure>(await adapter.getClosure({ accountId: kit.accountId }));
    expect(byAccount.closureId).toBe(created.closureId);

    // The same closure found by a read-back after a lost answer carries the same handle.
    const lost = await closeOnce([{ kind: 'applied-then', reply: { status: 500, body: {} } }]);
    if (lost.result.isErr()) return;
    const readBack = lost.result.value;
    const again = expectOk<Closure>(await lost.adapter.getClosure({ closureId: readBack.closureId }));
    expect(again.closureId).toBe(readBack.closureId);
  };

  /** Already closed is not an error: Ok, state CLOSED, created: false, and nothing new closed. */
  const alreadyClosedIsOk: SharedSemanticsScenario = async () => {
    expect(closedState, 'the kit declares no raw state that maps to CLOSED').toBeDefined();
    const { result, appliedCloses } = await closeOnce([{ kind: 'already-closed' }], {}, (world) => {
      world.closure = { rawState: closedState as string, rawReason: null };
    });
    const closure = expectOk<Closure>(result);
    expect(closure.accountId).toBe(kit.accountId);
    expect(closure.state.unified).toBe('CLOSED');
    expect(closure.created).toBe(false);
    expect(closure.closureId.length).toBeGreaterThan(0);
    expect(appliedCloses()).toBe(0);
  };

  /** Same key, same closure: a repeat after a success returns that closure with created: false. */
  const sameKeySameClosure: SharedSemanticsScenario = async () => {
    const { adapter } = setup([{ kind: 'success' }, { kind: 'success' }]);
    const request = { accountId: kit.accountId, reason: reason(adapter), idempotencyKey: SAME_KEY };
    const first = expectOk<Closure>(await adapter.closeAccount(request));
    const repeat = expectOk<Closure>(await adapter.closeAccount(request));
    seenClosures.push(first, repeat);
    expect(repeat.closureId).toBe(first.closureId);
    expect(repeat.accountId).toBe(kit.accountId);
    expect(repeat.created, 'created on the repeated call').toBe(false);
  };

  /** Status before text: prose naming a business condition never overrides a 401, 409, 429 or 5xx. */
  const statusBeforeText: SharedSemanticsScenario = async () => {
    for (const { status, codes } of STATUS_MEANINGS) {
      const baseline = await closeWithStatus(status, NEUTRAL_TEXT);
      if (codes.length > 0) expectError(baseline.result, [...codes]);
      for (const text of MISLEADING_TEXTS) {
        const { result, appliedCloses } = await closeWithStatus(status, text);
        expect(outcomeOf(result), `HTTP ${status} with the text "${text}"`).toBe(outcomeOf(baseline.result));
        if (result.isErr()) expectError(result, result.error.code);
        expect(appliedCloses()).toBe(0);
      }
    }
  };

  return { closureIdRoundTrips, alreadyClosedIsOk, sameKeySameClosure, statusBeforeText };
}

/** 'ok', or the error's code: what a caller's automation branches on. */
function outcomeOf(result: { isOk(): boolean; error?: unknown }): string {
  return result.isOk() ? 'ok' : String((result as { error?: { code?: unknown } }).error?.code);
}
