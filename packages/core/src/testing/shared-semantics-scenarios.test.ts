import { errAsync, okAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { ClosureError } from '../domain/closure-error';
import type { ClosureAdapter } from '../port/closure-adapter';
import { fakeContractKit } from './__fixtures__/fake-contract-kit';
import { createContractHarness } from './contract-harness';
import type { ClosureAdapterContractKit, ContractAdapterOptions } from './contract-kit';
import { sharedSemanticsScenarios } from './shared-semantics-scenarios';

/**
 * Each shared-semantics scenario must be able to fail: run against the fake adapter it passes,
 * run against a copy of it broken in exactly the way the scenario guards against it rejects.
 */

type Scenarios = ReturnType<typeof sharedSemanticsScenarios>;

const scenariosFor = (createAdapter: (options: ContractAdapterOptions) => ClosureAdapter): Scenarios => {
  const kit: ClosureAdapterContractKit = { ...fakeContractKit, createAdapter };
  return sharedSemanticsScenarios(kit, createContractHarness(kit));
};

/** The fake adapter with its closeAccount answers passed through `change`. */
const withCloseAnswers =
  (
    change: (
      closure: Awaited<ReturnType<ClosureAdapter['closeAccount']>>,
    ) => ReturnType<ClosureAdapter['closeAccount']>,
  ) =>
  (options: ContractAdapterOptions): ClosureAdapter => {
    const adapter = fakeContractKit.createAdapter(options);
    return {
      ...adapter,
      closeAccount: (request, callOptions) =>
        adapter.closeAccount(request, callOptions).then(change) as unknown as ReturnType<
          ClosureAdapter['closeAccount']
        >,
    };
  };

/** An adapter that reads the body's prose before the status: the bug "status before text" forbids. */
const textFirstFetch =
  (inner: typeof fetch): typeof fetch =>
  async (input, init) => {
    const response = await inner(input, init);
    const text = await response.clone().text();
    const rewrite = (code: string, status: number) =>
      new Response(JSON.stringify({ error: { code, message: text } }), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    if (/balance/i.test(text)) return rewrite('balance_not_zero', 409);
    if (/blocked/i.test(text)) return rewrite('account_blocked', 423);
    return response;
  };

const broken: Record<keyof Scenarios, (options: ContractAdapterOptions) => ClosureAdapter> = {
  // Reports the account id as the closure's handle, which getClosure does not know.
  closureIdRoundTrips: withCloseAnswers((result) =>
    result.isOk() ? okAsync({ ...result.value, closureId: result.value.accountId }) : errAsync(result.error),
  ),
  // Passes the provider's "already closed" refusal on as an error.
  alreadyClosedIsOk: withCloseAnswers((result) =>
    result.isOk() && result.value.state.unified === 'CLOSED'
      ? errAsync(new ClosureError({ code: 'ALREADY_CLOSED', provider: 'fake', message: 'already closed' }))
      : result.isOk()
        ? okAsync(result.value)
        : errAsync(result.error),
  ),
  // Claims every answered close created the closure.
  sameKeySameClosure: withCloseAnswers((result) =>
    result.isOk() ? okAsync({ ...result.value, created: true }) : errAsync(result.error),
  ),
  statusBeforeText: (options) =>
    fakeContractKit.createAdapter({ ...options, fetch: textFirstFetch(options.fetch) }),
};

/** What each scenario reports about its broken adapter. */
const FAILURES: Record<keyof Scenarios, RegExp> = {
  closureIdRoundTrips: /CLOSURE_NOT_FOUND/,
  alreadyClosedIsOk: /ALREADY_CLOSED/,
  sameKeySameClosure: /created on the repeated call/,
  statusBeforeText: /HTTP 401 with the text "Account has a non-zero balance"/,
};

describe('the shared-semantics scenarios', () => {
  for (const name of Object.keys(broken) as (keyof Scenarios)[]) {
    it(`${name} passes for the fake adapter`, async () => {
      await expect(scenariosFor(fakeContractKit.createAdapter)[name]()).resolves.toBeUndefined();
    });

    it(`${name} fails for an adapter broken against it`, async () => {
      await expect(scenariosFor(broken[name])[name]()).rejects.toThrow(FAILURES[name]);
    });
  }
});
