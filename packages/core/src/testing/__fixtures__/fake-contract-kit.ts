import type { ClosureErrorCode } from '../../domain/closure-error-code';
import { hmacSha256Hex } from '../../webhook/hmac';
import type { ClosureAdapterContractKit } from '../contract-kit';
import { createFakeClosureAdapter, FAKE_ERROR_TABLE, FAKE_STATE_TABLE } from '../fake-adapter';
import { FAKE_ERROR_CODES, type FakeErrorCode } from '../fake-provider';

export const API_KEY = 'cak-Rt5Gh8Mn2Ws4Xe9Kv';
export const WEBHOOK_SECRET = 'cws-Lp6Bz3Qj7Tf1Ud8Ny';
const ACCOUNT = 'acc_contract_1';
const CLOSURE_ID = 'clo_contract';
const wireCodeFor = (code: ClosureErrorCode) =>
  (Object.entries(FAKE_ERROR_TABLE).find(([, neutral]) => neutral === code)?.[0] ??
    'invalid_request') as FakeErrorCode;
const wireClosure = (status: string, reason: string | null) => ({
  id: CLOSURE_ID,
  account_id: ACCOUNT,
  status,
  reason,
  failure_code: null,
  updated_at: '2026-01-01T00:00:00Z',
});

/** The fake adapter's contract kit: a scripted provider speaking the fake provider's wire format. */
export const fakeContractKit: ClosureAdapterContractKit = {
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
  respondToClose: (_request, { refusal }, world) => {
    // The fake provider answers a close for an account with a closure with that closure (200).
    if (refusal === null && world.closure) {
      return { status: 200, body: wireClosure(world.closure.rawState, world.closure.rawReason) };
    }
    if (refusal === null) return { status: 201, body: wireClosure('requested', 'customer_request') };
    const wireCode = wireCodeFor(refusal);
    return { status: FAKE_ERROR_CODES[wireCode], body: { error: { code: wireCode, message: 'refused' } } };
  },
  respondToCloseWhenClosed: () => ({
    status: FAKE_ERROR_CODES.account_closed,
    body: { error: { code: 'account_closed', message: 'the account is already closed' } },
  }),
  respondWithStatus: (_request, { status, text }) => ({
    status,
    body: { error: { code: status === 401 ? 'bad_credentials' : 'request_failed', message: text } },
  }),
  respond: (request, world) => {
    const items = world.closure ? [wireClosure(world.closure.rawState, world.closure.rawReason)] : [];
    if (request.method === 'GET' && request.path === '/closures')
      return { status: 200, body: { data: items, has_more: false } };
    if (request.method === 'GET' && items[0] && request.path === `/closures/${CLOSURE_ID}`) {
      return { status: 200, body: items[0] };
    }
    return { status: 404, body: { error: { code: 'unknown_closure', message: 'no such closure' } } };
  },
  idempotencyMaterial: (request) => request.headers['idempotency-key'],
  providerDeduplicates: true,
  stateAfterClose: 'requested',
  refusals: ['NON_ZERO_BALANCE', 'ACCOUNT_BLOCKED', 'ACCOUNT_NOT_FOUND'],
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
};
