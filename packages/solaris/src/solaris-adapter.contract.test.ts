import type { ClosureErrorCode } from '@closekit/core';
import {
  defineClosureAdapterContract,
  type RecordedRequest,
  type ScriptedReply,
} from '@closekit/core/testing';
import { SOLARIS_INBOUND_REASON_TABLE } from './map-solaris-closure-reason';
import { SOLARIS_STATE_TABLE } from './map-solaris-closure-state';
import { createSolarisAdapter } from './solaris-adapter';
import { signSolarisWebhook } from './solaris-webhook';

const AUTH_URL = 'https://auth.solaris.test/oauth2/token';
const BASE_URL = 'https://api.solaris.test';
const CLIENT_ID = 'contract-client-id';
const CLIENT_SECRET = 'contract-client-secret-value';
const ACCESS_TOKEN = 'contract-access-token-value';
const WEBHOOK_SECRET = 'contract-webhook-secret-value';
const ACCOUNT = '5526853938474f3e92b22a03ea57a544cacc';
const ACR_ID = 'f8d7fbbd587047a0aa449ce69d2d6c08acrq';

const acr = (status: string, closureReason: string | null) => ({
  id: ACR_ID,
  closure_reason: closureReason,
  status,
  account_id: ACCOUNT,
  technical_closure_date: null,
  legal_closure_date: null,
  failure_reason: {},
  payout_allowed: false,
  updated_at: '2026-03-02T09:15:00.000Z',
});

const solarisError = (status: number, code: string, detail: string): ScriptedReply => ({
  status,
  body: { errors: [{ id: `err-${code}`, status, code, title: code, detail }] },
});

/** How a Solaris-like server refuses a create, for each refusal this adapter claims to map. */
const REFUSALS: Partial<Record<ClosureErrorCode, ScriptedReply>> = {
  ACCOUNT_NOT_FOUND: solarisError(404, 'model_not_found', "Couldn't find 'Solaris::Account'"),
  DUPLICATE_REQUEST: solarisError(409, 'record_not_unique', 'record is not unique'),
  INVALID_REQUEST: solarisError(400, 'validation_error', 'closure_reason does not have a valid value'),
  PERMISSION_DENIED: solarisError(403, 'unauthorized_partner', 'partner is not allowed to do this'),
  ACCOUNT_BLOCKED: solarisError(422, 'unprocessable_entity', 'the account is under a compliance block'),
};

/** A non-business code for each status, so only `detail` carries the scenario's text. */
const STATUS_CODES: Record<number, string> = {
  401: 'invalid_token',
  409: 'record_not_unique',
  429: 'too_many_requests',
  500: 'internal_server_error',
  503: 'service_unavailable',
};

const isAuth = (request: RecordedRequest) => request.url.host === 'auth.solaris.test';

defineClosureAdapterContract({
  provider: 'solaris',
  accountId: ACCOUNT,
  createAdapter: (options) =>
    createSolarisAdapter({
      ...options,
      baseUrl: BASE_URL,
      authUrl: AUTH_URL,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      webhookSecrets: [WEBHOOK_SECRET],
    }),
  isCloseRequest: (request) =>
    !isAuth(request) && request.method === 'POST' && request.path === '/v1/account_closure_requests',
  respondToClose: (_request, { refusal }, world) => {
    if (refusal !== null) return REFUSALS[refusal] ?? { status: 500, body: {} };
    // 200 + the existing ACR on a repeat, 201 + a new INITIATED ACR otherwise (provider doc §3).
    return world.closure
      ? { status: 200, body: acr(world.closure.rawState, world.closure.rawReason ?? 'CUSTOMER_WISH') }
      : { status: 201, body: acr('INITIATED', 'CUSTOMER_WISH') };
  },
  // A create for an account whose ACR is COMPLETED answers 200 + the existing ACR (provider doc §3).
  respondToCloseWhenClosed: (_request, world) => ({
    status: 200,
    body: acr(world.closure?.rawState ?? 'COMPLETED', world.closure?.rawReason ?? 'CUSTOMER_WISH'),
  }),
  respondWithStatus: (_request, { status, text }) =>
    solarisError(status, STATUS_CODES[status] ?? 'error', text),
  respond: (request, world) => {
    if (isAuth(request)) {
      return {
        status: 201,
        body: { access_token: ACCESS_TOKEN, expires_in: 3599, scope: 'partners', token_type: 'bearer' },
      };
    }
    if (request.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) {
      return solarisError(401, 'invalid_token', 'token is invalid');
    }
    const items = world.closure ? [acr(world.closure.rawState, world.closure.rawReason)] : [];
    if (request.method === 'GET' && request.path === '/v1/account_closure_requests') {
      const accountFilter = request.url.searchParams.get('filter[account_id]');
      return {
        status: 200,
        body: items.filter((item) => !accountFilter || item.account_id === accountFilter),
      };
    }
    if (request.method === 'GET' && request.path === `/v1/account_closure_requests/${ACR_ID}` && items[0]) {
      return { status: 200, body: items[0] };
    }
    return solarisError(404, 'model_not_found', "Couldn't find 'AccountClosureRequest'");
  },
  // Solaris has no idempotency header: the body is what must not change between attempts.
  idempotencyMaterial: (request) => request.json,
  providerDeduplicates: false,
  stateAfterClose: 'INITIATED',
  refusals: Object.keys(REFUSALS) as ClosureErrorCode[],
  states: SOLARIS_STATE_TABLE,
  reasons: { ...SOLARIS_INBOUND_REASON_TABLE, SOMETHING_NEW: 'OTHER' },
  secrets: [
    CLIENT_SECRET,
    ACCESS_TOKEN,
    WEBHOOK_SECRET,
    Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64'),
  ],
  webhook: {
    signatureHeader: 'Solaris-Webhook-Signature',
    validInput: () => {
      const rawBody = JSON.stringify(acr('CONFIRMED', 'CUSTOMER_WISH'));
      return {
        rawBody,
        headers: {
          'Solaris-Webhook-Id': 'b0a1c2d3-contract',
          'Solaris-Webhook-Event-Type': 'ACCOUNT_CLOSURE_REQUEST_UPDATE',
          'Solaris-Webhook-Signature': signSolarisWebhook(WEBHOOK_SECRET, rawBody),
        },
      };
    },
  },
});
