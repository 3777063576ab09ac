import { afterAll, describe, expect, it } from 'vitest';
import { CLOSURE_EVENT_TYPES } from '../domain/closure-event';
import { CLOSURE_REASONS } from '../domain/closure-reason';
import { CLOSURE_STATES } from '../domain/closure-state';
import type { WebhookInput } from '../port/closure-adapter';
import { createContractHarness } from './contract-harness';
import type { ClosureAdapterContractKit } from './contract-kit';
import { assertErrorFreeOfSecrets, assertNoSecretLeak } from './result-checks';
import type { ScriptedReply } from './scripted-fetch';
import { sharedSemanticsScenarios } from './shared-semantics-scenarios';

export type { ClosureAdapterContractKit, ContractAdapterOptions, ContractWorld } from './contract-kit';

const RETRY_AFTER_ZERO = { 'retry-after': '0' };

/**
 * The conformance suite every adapter runs (ours and yours). Call it at the top level of a
 * vitest file; it defines one describe block of tests against a scripted provider.
 */
export function defineClosureAdapterContract(kit: ClosureAdapterContractKit): void {
  const harness = createContractHarness(kit);
  const { setup, reason, expectError, closeOnce, hookEvents, seenErrors, seenClosures } = harness;
  const semantics = sharedSemanticsScenarios(kit, harness);

  describe(`closekit adapter contract: ${kit.provider}`, () => {
    it('declares its provider and capabilities', () => {
      const { adapter } = setup();
      expect(adapter.provider).toBe(kit.provider);
      expect(adapter.capabilities.reasons.length).toBeGreaterThan(0);
      for (const declared of adapter.capabilities.reasons) expect(CLOSURE_REASONS).toContain(declared);
    });

    it('closes an account', async () => {
      const { result, closeRequests, appliedCloses } = await closeOnce([{ kind: 'success' }]);
      expect(result.isOk(), result.isErr() ? result.error.message : '').toBe(true);
      const closure = result._unsafeUnwrap();
      expect(closure.provider).toBe(kit.provider);
      expect(closure.accountId).toBe(kit.accountId);
      expect(closure.closureId.length).toBeGreaterThan(0);
      expect(CLOSURE_STATES).toContain(closure.state.unified);
      expect(closure.state.unified).not.toBe('FAILED');
      expect(closure.state.raw.length).toBeGreaterThan(0);
      expect(closeRequests()).toHaveLength(1);
      expect(appliedCloses()).toBe(1);
    });

    it('has no ALREADY_CLOSED among its refusals (already closed is Ok)', () => {
      expect(kit.refusals).not.toContain('ALREADY_CLOSED');
    });

    for (const code of kit.refusals.filter((refusal) => refusal !== 'ALREADY_CLOSED')) {
      it(`translates the provider's refusal to ${code}`, async () => {
        const { result, appliedCloses } = await closeOnce([{ kind: 'refusal', code }]);
        const error = expectError(result, code);
        expect(error.retryable).toBe(false);
        expect(appliedCloses()).toBe(0);
      });
    }

    it('refuses a reason without an equivalent before sending anything', async () => {
      const probe = setup();
      const unsupported = CLOSURE_REASONS.find(
        (candidate) => !probe.adapter.capabilities.reasons.includes(candidate),
      );
      const context = unsupported ? probe : setup([], { reasonMap: { OTHER: null } });
      const refused = unsupported ?? 'OTHER';
      expect(context.adapter.capabilities.reasons).not.toContain(refused);
      const result = await context.adapter.closeAccount({ accountId: kit.accountId, reason: refused });
      expectError(result, 'REASON_NOT_SUPPORTED');
      expect(context.requests).toHaveLength(0);
    });

    it('refuses invalid input with INVALID_REQUEST before sending anything', async () => {
      const { adapter, requests } = setup();
      const inputs: unknown[] = [
        { accountId: '', reason: reason(adapter) },
        { accountId: kit.accountId, reason: 'NOT_A_REASON' },
        { accountId: ` ${kit.accountId}`, reason: reason(adapter) },
        null,
      ];
      for (const input of inputs) {
        const result = await adapter.closeAccount(input as never);
        expectError(result, 'INVALID_REQUEST');
      }
      expect(requests).toHaveLength(0);
    });

    it('retries a 429 with the same idempotency material', async () => {
      const { result, closeRequests, appliedCloses } = await closeOnce([
        { kind: 'reply', reply: { status: 429, headers: RETRY_AFTER_ZERO, body: {} } },
        { kind: 'success' },
      ]);
      expect(result.isOk(), result.isErr() ? result.error.message : '').toBe(true);
      const [first, second] = closeRequests();
      expect(closeRequests()).toHaveLength(2);
      expect(kit.idempotencyMaterial(second!)).toEqual(kit.idempotencyMaterial(first!));
      expect(appliedCloses()).toBe(1);
    });

    it('retries a 5xx the provider did not act on, with the same idempotency material', async () => {
      const { result, closeRequests, appliedCloses } = await closeOnce([
        { kind: 'reply', reply: { status: 503, body: {} } },
        {
          kind: 'reply',
          reply: {
            status: 502,
            body: '<html><body>Bad gateway</body></html>',
            headers: { 'content-type': 'text/html' },
          },
        },
        { kind: 'success' },
      ]);
      expect(result.isOk(), result.isErr() ? result.error.message : '').toBe(true);
      const material = closeRequests().map((request) => kit.idempotencyMaterial(request));
      expect(material).toHaveLength(3);
      expect(new Set(material.map((value) => JSON.stringify(value))).size).toBe(1);
      expect(appliedCloses()).toBe(1);
    });

    it('never closes twice when the provider acted but the answer was lost', async () => {
      for (const lost of [{ status: 500, body: {} }, { networkError: 'reset' as const }, { hang: true }]) {
        const { result, appliedCloses } = await closeOnce([{ kind: 'applied-then', reply: lost }], {
          timeoutMs: 200,
        });
        expect(appliedCloses()).toBe(1);
        if (result.isErr()) expectError(result, 'OUTCOME_UNKNOWN');
        else expect(result.value.accountId).toBe(kit.accountId);
      }
    });

    it('stops after the retry budget and reports the last error', async () => {
      const unavailable = { kind: 'reply' as const, reply: { status: 503, body: {} } };
      const { result, closeRequests, appliedCloses } = await closeOnce(
        [unavailable, unavailable, unavailable, unavailable],
        {
          maxRetries: 2,
        },
      );
      const error = expectError(result, ['PROVIDER_UNAVAILABLE', 'OUTCOME_UNKNOWN']);
      expect(error.httpStatus === 503 || error.code === 'OUTCOME_UNKNOWN').toBe(true);
      expect(closeRequests()).toHaveLength(3);
      expect(appliedCloses()).toBe(0);
    });

    const badBodies: [string, ScriptedReply][] = [
      [
        'an HTML page',
        {
          status: 200,
          body: '<!DOCTYPE html><html><body>Maintenance</body></html>',
          headers: { 'content-type': 'text/html' },
        },
      ],
      ['text that is not JSON', { status: 200, body: 'OK' }],
      [
        'truncated JSON',
        { status: 200, body: '{"id": "abc', headers: { 'content-type': 'application/json' } },
      ],
      ['JSON of the wrong shape', { status: 200, body: 42 }],
      ['an oversized body', { status: 200, body: `{"padding":"${'x'.repeat(2 * 1024 * 1024)}"}` }],
    ];
    for (const [label, reply] of badBodies) {
      it(`turns ${label} into INVALID_RESPONSE`, async () => {
        const { result, appliedCloses } = await closeOnce([{ kind: 'reply', reply }], { maxRetries: 0 });
        const error = expectError(result, ['INVALID_RESPONSE', 'OUTCOME_UNKNOWN']);
        if (error.code === 'INVALID_RESPONSE') expect(JSON.stringify(error).length).toBeLessThan(20_000);
        expect(appliedCloses()).toBe(0);
      });
    }

    it('times out an attempt and reports TIMEOUT (or OUTCOME_UNKNOWN) without closing', async () => {
      const { result, appliedCloses } = await closeOnce([{ kind: 'reply', reply: { hang: true } }], {
        timeoutMs: 100,
        maxRetries: 0,
      });
      const error = expectError(result, ['TIMEOUT', 'OUTCOME_UNKNOWN']);
      if (error.code === 'TIMEOUT') expect(error.retryable).toBe(true);
      else expect(error.retryable).toBe(false);
      expect(appliedCloses()).toBe(0);
    });

    it('never retries after the caller aborts', async () => {
      const controller = new AbortController();
      const context = setup([{ kind: 'reply', reply: { hang: true } }]);
      setTimeout(() => controller.abort(), 50);
      const result = await context.adapter.closeAccount(
        { accountId: kit.accountId, reason: reason(context.adapter) },
        { signal: controller.signal },
      );
      const error = expectError(result, ['NETWORK_ERROR', 'OUTCOME_UNKNOWN', 'TIMEOUT']);
      expect(error.retryable).toBe(false);
      expect(context.closeRequests()).toHaveLength(1);
    });

    it('answers getClosure for an account without a closure with CLOSURE_NOT_FOUND', async () => {
      const { adapter } = setup();
      const result = await adapter.getClosure({ accountId: kit.accountId });
      expectError(result, adapter.capabilities.getClosure ? 'CLOSURE_NOT_FOUND' : 'OPERATION_NOT_SUPPORTED');
    });

    for (const [rawState, unified] of Object.entries(kit.states)) {
      it(`maps the raw state ${rawState} to ${unified} and keeps the raw value`, async () => {
        const { adapter, world } = setup();
        if (!adapter.capabilities.getClosure) return;
        world.closure = { rawState, rawReason: null };
        const result = await adapter.getClosure({ accountId: kit.accountId });
        expect(result.isOk(), result.isErr() ? result.error.message : '').toBe(true);
        const closure = result._unsafeUnwrap();
        seenClosures.push(closure);
        expect(closure.state).toEqual({ unified, raw: rawState });
      });
    }

    for (const [rawReason, unified] of Object.entries(kit.reasons)) {
      it(`maps the raw reason ${rawReason} to ${unified ?? 'null'} and keeps the raw value`, async () => {
        const { adapter, world } = setup();
        if (!adapter.capabilities.getClosure) return;
        world.closure = { rawState: kit.stateAfterClose, rawReason };
        const result = await adapter.getClosure({ accountId: kit.accountId });
        expect(result.isOk(), result.isErr() ? result.error.message : '').toBe(true);
        expect(result._unsafeUnwrap().reason).toEqual({ unified, raw: rawReason });
      });
    }

    it('answers listClosures, or says it cannot', async () => {
      const { adapter, world } = setup();
      world.closure = { rawState: kit.stateAfterClose, rawReason: null };
      const result = await adapter.listClosures({ accountId: kit.accountId, page: 1, pageSize: 10 });
      if (!adapter.capabilities.listClosures) {
        expectError(result, 'OPERATION_NOT_SUPPORTED');
        return;
      }
      expect(result.isOk(), result.isErr() ? result.error.message : '').toBe(true);
      const page = result._unsafeUnwrap();
      expect(page.items.length).toBeGreaterThanOrEqual(1);
      for (const item of page.items) expect(item.provider).toBe(kit.provider);
      expect(page.nextPage === null || page.nextPage >= 2).toBe(true);
    });

    describe('semantics every adapter shares', () => {
      it(
        'gives a closure one closureId on every path, and getClosure finds it by it',
        semantics.closureIdRoundTrips,
      );
      it(
        'answers Ok, CLOSED, created: false for an account that is already closed',
        semantics.alreadyClosedIsOk,
      );
      it(
        'returns the same closure with created: false for a repeated idempotency key',
        semantics.sameKeySameClosure,
      );
      it('never lets body text override a 401, 409, 429 or 5xx', semantics.statusBeforeText);
    });

    describe('webhooks', () => {
      const webhook = kit.webhook;
      if (!webhook) {
        it('says it has no webhooks and answers OPERATION_NOT_SUPPORTED', async () => {
          const { adapter } = setup();
          expect(adapter.capabilities.webhooks).toBe(false);
          const result = await adapter.parseWebhook({ rawBody: '{}', headers: {} });
          expectError(result, 'OPERATION_NOT_SUPPORTED');
        });
        return;
      }

      it('accepts a correctly signed webhook and normalises it', async () => {
        const { adapter } = setup();
        expect(adapter.capabilities.webhooks).toBe(true);
        const result = await adapter.parseWebhook(webhook.validInput());
        expect(result.isOk(), result.isErr() ? result.error.message : '').toBe(true);
        const event = result._unsafeUnwrap();
        expect(event.provider).toBe(kit.provider);
        expect(event.eventId.length).toBeGreaterThan(0);
        expect(CLOSURE_EVENT_TYPES).toContain(event.type);
      });

      const tamperings: [string, (input: WebhookInput) => WebhookInput][] = [
        ['a changed body', (input) => ({ ...input, rawBody: `${bodyText(input.rawBody)} ` })],
        [
          'no signature',
          (input) => ({ ...input, headers: withoutHeader(input.headers, webhook.signatureHeader) }),
        ],
        [
          'a garbage signature',
          (input) => ({
            ...input,
            headers: {
              ...withoutHeader(input.headers, webhook.signatureHeader),
              [webhook.signatureHeader]: 'sha256=00',
            },
          }),
        ],
      ];
      for (const [label, tamper] of tamperings) {
        it(`refuses a webhook with ${label} with WEBHOOK_SIGNATURE_INVALID`, async () => {
          const { adapter } = setup();
          const result = await adapter.parseWebhook(tamper(webhook.validInput()));
          expectError(result, 'WEBHOOK_SIGNATURE_INVALID');
        });
      }
    });

    afterAll(() => {
      // Runs last: everything the suite saw must be free of secrets, even of fragments of them.
      for (const error of seenErrors) assertErrorFreeOfSecrets(error, kit.secrets);
      assertNoSecretLeak('hook events', hookEvents, kit.secrets);
      assertNoSecretLeak('closures', seenClosures, kit.secrets);
    });
  });
}

function bodyText(rawBody: string | Uint8Array): string {
  return typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
}

function withoutHeader(
  headers: WebhookInput['headers'],
  name: string,
): Record<string, string | string[] | undefined> {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  return Object.fromEntries(entries.filter(([key]) => key.toLowerCase() !== name.toLowerCase()));
}
