import { expect } from 'vitest';
import type { Closure } from '../domain/closure';
import { ClosureError } from '../domain/closure-error';
import type { ClosureErrorCode } from '../domain/closure-error-code';
import type { ClosureReason } from '../domain/closure-reason';
import type { HttpHooks } from '../http/http-transport';
import type { BackoffSettings } from '../http/retry-policy';
import type { ClosureAdapter } from '../port/closure-adapter';
import type { ClosureAdapterContractKit, ContractAdapterOptions, ContractWorld } from './contract-kit';
import { createScriptedFetch, type ScriptedReply } from './scripted-fetch';

/** How the scripted provider answers the next close request. */
export type CloseOutcome =
  | { kind: 'success' }
  | { kind: 'refusal'; code: ClosureErrorCode }
  /** The provider never acted and answered this. */
  | { kind: 'reply'; reply: ScriptedReply }
  /** The provider acted, but the answer was lost or broken. */
  | { kind: 'applied-then'; reply: ScriptedReply }
  /** The account is already closed: the kit's `respondToCloseWhenClosed` answers. */
  | { kind: 'already-closed' }
  /** The provider never acted and answered with this status and text (`respondWithStatus`). */
  | { kind: 'status'; status: number; text: string };

const NO_BACKOFF: BackoffSettings = { baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 5_000 };

export type ContractHarness = ReturnType<typeof createContractHarness>;

/**
 * The scripted provider and the checks the contract's scenarios share. Everything the scenarios
 * see (errors, closures, hook events) is collected so the suite can check it for secrets last.
 */
export function createContractHarness(kit: ClosureAdapterContractKit) {
  const hookEvents: unknown[] = [];
  const seenErrors: ClosureError[] = [];
  const seenClosures: Closure[] = [];

  const setup = (script: CloseOutcome[] = [], overrides: Partial<ContractAdapterOptions> = {}) => {
    const world: ContractWorld = { accountId: kit.accountId, closure: null };
    const queue = [...script];
    let appliedCloses = 0;
    const appliedMaterial = new Set<string>();
    const scripted = createScriptedFetch((request) => {
      if (!kit.isCloseRequest(request)) return kit.respond(request, world);
      const outcome = queue.shift() ?? { kind: 'success' };
      const apply = () => {
        const material = JSON.stringify(kit.idempotencyMaterial(request));
        if (kit.providerDeduplicates && appliedMaterial.has(material)) return;
        appliedMaterial.add(material);
        appliedCloses++;
        world.closure = { rawState: kit.stateAfterClose, rawReason: null };
      };
      switch (outcome.kind) {
        case 'success': {
          const reply = kit.respondToClose(request, { refusal: null }, world);
          apply();
          return reply;
        }
        case 'refusal':
          return kit.respondToClose(request, { refusal: outcome.code }, world);
        case 'reply':
          return outcome.reply;
        case 'applied-then':
          kit.respondToClose(request, { refusal: null }, world);
          apply();
          return outcome.reply;
        case 'already-closed':
          return kit.respondToCloseWhenClosed(request, world);
        case 'status':
          return kit.respondWithStatus(request, { status: outcome.status, text: outcome.text });
      }
    });
    const hooks: HttpHooks = {
      onRequest: (event) => hookEvents.push(event),
      onResponse: (event) => hookEvents.push(event),
      onRetry: (event) => hookEvents.push(event),
    };
    const adapter = kit.createAdapter({
      fetch: scripted.fetch,
      hooks,
      timeoutMs: 2_000,
      maxRetries: 2,
      backoff: NO_BACKOFF,
      ...overrides,
    });
    const closeRequests = () => scripted.requests.filter((request) => kit.isCloseRequest(request));
    return { adapter, world, requests: scripted.requests, closeRequests, appliedCloses: () => appliedCloses };
  };

  const reason = (adapter: ClosureAdapter): ClosureReason =>
    kit.reason ?? adapter.capabilities.reasons[0] ?? 'OTHER';

  const expectOk = <T>(result: { isOk(): boolean; value?: T; error?: unknown }): T => {
    const error = (result as { error?: unknown }).error;
    expect(result.isOk(), ClosureError.isInstance(error) ? `${error.code}: ${error.message}` : '').toBe(true);
    return (result as { value: T }).value;
  };

  const expectError = (
    result: { isErr(): boolean; error?: unknown },
    codes: ClosureErrorCode | ClosureErrorCode[],
  ) => {
    expect(result.isErr(), 'expected an error result').toBe(true);
    const error = (result as { error: unknown }).error;
    expect(ClosureError.isInstance(error)).toBe(true);
    const closureError = error as ClosureError;
    seenErrors.push(closureError);
    expect([codes].flat()).toContain(closureError.code);
    expect(closureError.provider).toBe(kit.provider);
    return closureError;
  };

  const closeOnce = async (
    script: CloseOutcome[],
    overrides: Partial<ContractAdapterOptions> = {},
    prepare: (world: ContractWorld) => void = () => {},
  ) => {
    const context = setup(script, overrides);
    prepare(context.world);
    const result = await context.adapter.closeAccount({
      accountId: kit.accountId,
      reason: reason(context.adapter),
    });
    if (result.isOk()) seenClosures.push(result.value);
    else if (ClosureError.isInstance(result.error)) seenErrors.push(result.error);
    return { ...context, result };
  };

  return { setup, reason, expectOk, expectError, closeOnce, hookEvents, seenErrors, seenClosures };
}
