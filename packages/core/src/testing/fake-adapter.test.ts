import { describe, expect, it } from 'vitest';
import type { ClosureErrorCode } from '../domain/closure-error-code';
import { hmacSha256Hex } from '../webhook/hmac';
import { defineClosureAdapterContract } from './closure-adapter-contract';
import { createFakeClosureAdapter, FAKE_ERROR_TABLE, FAKE_STATE_TABLE } from './fake-adapter';
import { createFakeProvider, FAKE_ERROR_CODES, type FakeErrorCode } from './fake-provider';

const API_KEY = 'cak-Rt5Gh8Mn2Ws4Xe9Kv';
const WEBHOOK_SECRET = 'cws-Lp6Bz3Qj7Tf1Ud8Ny';
const ACCOUNT = 'acc_contract_1';
const wireCodeFor = (code: ClosureErrorCode) =>
  (Object.entries(FAKE_ERROR_TABLE).find(([, neutral]) => neutral === code)?.[0] ??
    'invalid_request') as FakeErrorCode;
const wireClosure = (status: string, reason: string | null) => ({
  id: 'clo_contract',
  account_id: ACCOUNT,
  status,
  reason,
  failure_code: null,
  updated_at: '2026-01-01T00:00:00Z',
});

defineClosureAdapterContract({
  provider: 'fake',
  accountId: ACCOUNT,
  createAdapter: (options) =>
    createFakeClosureAdapter({
      ...options,
      apiKey: API_KEY,
      webhookSecrets: [WEBHOOK_SECRET],
      baseUrl: 'https://fake.test',
    }),
  isCloseRequest: (request) => request.method === 'POST' && request.path === '/closures',
  respondToClose: (_request, { refusal }) => {
    if (refusal === null) return { status: 201, body: wireClosure('requested', 'customer_request') };
    const wireCode = wireCodeFor(refusal);
    return { status: FAKE_ERROR_CODES[wireCode], body: { error: { code: wireCode, message: 'refused' } } };
  },
  respond: (request, world) => {
    const items = world.closure ? [wireClosure(world.closure.rawState, world.closure.rawReason)] : [];
    if (request.method === 'GET' && request.path === '/closures')
      return { status: 200, body: { data: items, has_more: false } };
    if (request.method === 'GET' && items[0]) return { status: 200, body: items[0] };
    return { status: 404, body: { error: { code: 'unknown_closure', message: 'no such closure' } } };
  },
  idempotencyMaterial: (request) => request.headers['idempotency-key'],
  providerDeduplicates: true,
  stateAfterClose: 'requested',
  refusals: ['NON_ZERO_BALANCE', 'ALREADY_CLOSED', 'ACCOUNT_BLOCKED', 'ACCOUNT_NOT_FOUND'],
  states: FAKE_STATE_TABLE,
  reasons: { customer_request: 'CUSTOMER_REQUEST', fraud: 'FRAUD', 'something new': null },
  secrets: [API_KEY, WEBHOOK_SECRET],
  webhook: {
    signatureHeader: 'fake-signature',
    validInput: () => {
      const rawBody = JSON.stringify({
        id: 'evt_1',
        type: 'closure.updated',
        occurred_at: null,
        data: wireClosure('closed', null),
      });
      return { rawBody, headers: { 'fake-signature': hmacSha256Hex(WEBHOOK_SECRET, rawBody) } };
    },
  },
});

describe('fake adapter on its in-memory provider', () => {
  it('walks a closure to CLOSED and never closes an account twice', async () => {
    const backend = createFakeProvider();
    backend.seedAccount('acc_1', { balance: 0 });
    const adapter = createFakeClosureAdapter({ backend });
    const first = (
      await adapter.closeAccount({ accountId: 'acc_1', reason: 'CUSTOMER_REQUEST', idempotencyKey: 'k1' })
    )._unsafeUnwrap();
    expect(first).toMatchObject({ created: true, state: { unified: 'REQUESTED', raw: 'requested' } });
    const again = (
      await adapter.closeAccount({ accountId: 'acc_1', reason: 'CUSTOMER_REQUEST' })
    )._unsafeUnwrap();
    expect(again).toMatchObject({ created: false, closureId: first.closureId });
    backend.advance(first.closureId);
    backend.advance(first.closureId);
    const closed = (await adapter.getClosure({ closureId: first.closureId }))._unsafeUnwrap();
    expect(closed.state).toEqual({ unified: 'CLOSED', raw: 'closed' });
    expect(backend.closeCount('acc_1')).toBe(1);
    const webhook = backend.webhookFor(first.closureId)!;
    const event = (await adapter.parseWebhook(webhook))._unsafeUnwrap();
    expect(event).toMatchObject({ type: 'ACCOUNT_CLOSED', accountId: 'acc_1' });
  });

  it('refuses a non-zero balance with NON_ZERO_BALANCE', async () => {
    const backend = createFakeProvider();
    backend.seedAccount('acc_2', { balance: 12 });
    const result = await createFakeClosureAdapter({ backend }).closeAccount({
      accountId: 'acc_2',
      reason: 'CUSTOMER_REQUEST',
    });
    expect(result._unsafeUnwrapErr()).toMatchObject({
      code: 'NON_ZERO_BALANCE',
      httpStatus: 409,
      providerCode: 'balance_not_zero',
    });
  });

  it('throws one error listing every invalid setting', () => {
    expect(() =>
      createFakeClosureAdapter({ baseUrl: 'http://bank.example.com', timeoutMs: -1 } as never),
    ).toThrowError(/baseUrl must use https.*timeoutMs/);
  });
});
