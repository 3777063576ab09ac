import { type ClosureErrorCode, hmacSha256Hex, verifyHmacSha256Hex } from '@closekit/core';
import {
  defineClosureAdapterContract,
  type RecordedRequest,
  type ScriptedReply,
} from '@closekit/core/testing';
import { describe } from 'vitest';
import { createEmbeddedPaymentsAdapter } from './embedded-payments-adapter';
import type { EmbeddedPaymentsApiVersion } from './embedded-payments-api';
import { EMBEDDED_PAYMENTS_STATE_TABLE } from './map-embedded-payments-closure-state';

/**
 * The shared contract, run for both API generations with the pre-flight ON (the default users
 * get): the scripted provider answers GET account and balances from the contract's `world`, so
 * every contract case also walks the pre-flight. Pre-flight refusals (category, CLOSED, balance)
 * are covered in embedded-payments-adapter.test.ts, because the contract's world has no balances.
 */

const ACCOUNT = 'ablim765e14741c5a44acc570af517ab';
const BEARER = 'cbt-Qx7Lm2Vr9Np4Hs6Tw1-0001';
// Stands in for the user's own signature verifier: the scheme is undocumented, so the contract's
// "signed" notifications carry an HMAC that only this test verifier knows.
const SIGNING_SECRET = 'css-Jd3Fk8Wq5Zb2Yc7Pe0-0001';

/** The EP body code for each refusal the contract asks for (provider notes §5). */
const REFUSALS: Record<string, { status: number; body: Record<string, unknown>; movesToPending?: boolean }> =
  {
    NON_ZERO_BALANCE: {
      status: 400,
      body: {
        title: 'BAD_REQUEST',
        httpStatus: 400,
        traceId: 'trace-nzb',
        context: [
          { code: 'ACCOUNT_HAS_NON_ZERO_BALANCE', location: 'BODY', message: 'Account balance must be zero' },
        ],
      },
      // The 400 still moves OPEN -> PENDING_CLOSE (seed "Account closure process").
      movesToPending: true,
    },
    OPERATION_NOT_SUPPORTED: {
      status: 400,
      body: { title: 'Bad Request', httpStatus: 400, error: 'OPERATION_NOT_SUPPORTED' },
    },
    ACCOUNT_NOT_FOUND: { status: 404, body: { title: 'Not Found', httpStatus: 404, error: 'NOT_FOUND' } },
    PERMISSION_DENIED: { status: 403, body: { title: 'Forbidden', httpStatus: 403, error: 'FORBIDDEN' } },
  };

/** EP's answer to a close for a CLOSED account (provider notes §5): now Ok, CLOSED, created: false. */
const ALREADY_CLOSED_REPLY: ScriptedReply = {
  status: 400,
  body: { title: 'ACCOUNT_ALREADY_CLOSED', httpStatus: 400, traceId: 'trace-closed' },
};

function account(world: { closure: { rawState: string; rawReason: string | null } | null }) {
  return {
    id: ACCOUNT,
    clientId: '1000010400',
    label: 'MAIN',
    state: world.closure?.rawState ?? 'OPEN',
    category: 'LIMITED_DDA',
    ...(world.closure?.rawReason ? { closureReason: world.closure.rawReason } : {}),
    createdAt: '2025-04-14T09:09:47.245258Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

const zeroBalances = (apiVersion: EmbeddedPaymentsApiVersion) =>
  apiVersion === 'v1'
    ? {
        id: ACCOUNT,
        date: '2026-01-01',
        currency: 'USD',
        balanceTypes: [
          { typeCode: 'ITAV', amount: 0 },
          { typeCode: 'ITBD', amount: 0 },
        ],
      }
    : {
        id: ACCOUNT,
        items: [
          {
            effectiveDate: '2026-01-01',
            currency: 'USD',
            balances: [
              { type: 'INTERIM_AVAILABLE', amount: '0.00' },
              { type: 'INTERIM_BOOKED', amount: '0' },
            ],
          },
        ],
      };

function signedNotification() {
  const rawBody = JSON.stringify({
    notificationId: 'b9a1f0e2-contract',
    notificationType: 'ACCOUNT',
    notificationSubType: 'ACCOUNT_CLOSED',
    messageCreateTimestamp: '2026-02-01T10:15:30.000Z',
    account: { id: ACCOUNT, state: 'CLOSED', category: 'LIMITED_DDA' },
  });
  return {
    rawBody,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${BEARER}`,
      signature: hmacSha256Hex(SIGNING_SECRET, rawBody),
      'key-id': 'contract-key',
      signingAlgorithm: 'EC',
    },
  };
}

function runContract(apiVersion: EmbeddedPaymentsApiVersion) {
  const closeMethod = apiVersion === 'v1' ? 'POST' : 'PATCH';
  defineClosureAdapterContract({
    provider: 'embedded-payments',
    accountId: ACCOUNT,
    reason: 'CUSTOMER_REQUEST',
    createAdapter: (options) =>
      createEmbeddedPaymentsAdapter({
        ...options,
        apiVersion,
        baseUrl: `https://api-mock.payments.jpmorgan.com/embedded/${apiVersion}`,
        webhookCredentials: [BEARER],
        webhookSignatureVerifier: ({ rawBody, signature }) =>
          signature !== null &&
          verifyHmacSha256Hex({ rawBody, signatureHex: signature, secrets: [SIGNING_SECRET] }),
      }),
    isCloseRequest: (request: RecordedRequest) =>
      request.method === closeMethod && request.path === `/embedded/${apiVersion}/accounts/${ACCOUNT}`,
    respondToClose: (_request, { refusal }, world): ScriptedReply => {
      if (refusal === null) {
        return { status: 202, body: { id: ACCOUNT, state: 'PENDING_CLOSE', closureReason: 'ELECTIVE' } };
      }
      const answer = REFUSALS[refusal];
      if (!answer) throw new Error(`no scripted refusal for ${refusal}`);
      if (answer.movesToPending) world.closure = { rawState: 'PENDING_CLOSE', rawReason: 'ELECTIVE' };
      return { status: answer.status, body: answer.body, headers: { 'request-id': 'echoed' } };
    },
    respondToCloseWhenClosed: () => ALREADY_CLOSED_REPLY,
    // The text goes in the context message only: EP's `title` and `error` may carry codes.
    respondWithStatus: (_request, { status, text }) => ({
      status,
      body: {
        title: 'Error',
        httpStatus: status,
        traceId: 'trace-status',
        context: [{ location: 'BODY', message: text }],
      },
    }),
    respond: (request, world): ScriptedReply => {
      if (request.method !== 'GET') return { status: 405, body: { title: 'Method Not Allowed' } };
      if (request.path === `/embedded/${apiVersion}/accounts/${ACCOUNT}`)
        return { status: 200, body: account(world) };
      if (request.path === `/embedded/${apiVersion}/accounts/${ACCOUNT}/balances`) {
        return { status: 200, body: zeroBalances(apiVersion) };
      }
      return { status: 404, body: { title: 'Not Found', httpStatus: 404, error: 'NOT_FOUND' } };
    },
    // No idempotency header exists: what must not change between attempts is the body (request-id must).
    idempotencyMaterial: (request) => ({ method: request.method, path: request.path, body: request.json }),
    providerDeduplicates: false,
    stateAfterClose: 'PENDING_CLOSE',
    refusals: Object.keys(REFUSALS) as ClosureErrorCode[],
    states: EMBEDDED_PAYMENTS_STATE_TABLE,
    reasons: {
      ELECTIVE: 'CUSTOMER_REQUEST',
      Elective: 'CUSTOMER_REQUEST',
      'Elective Closure': 'CUSTOMER_REQUEST',
      SUBJECTED_TO_FRAUD: 'FRAUD',
      'Subjected to Fraud': 'FRAUD',
      OVERDRAFT: 'OVERDRAFT',
      DORMANCY: 'DORMANCY',
      OTHER: 'OTHER',
      AML_CLOSURE: 'REGULATORY',
      PROBATE: 'OTHER',
      'something new': null,
    },
    secrets: [BEARER, SIGNING_SECRET],
    webhook: { signatureHeader: 'signature', validInput: signedNotification },
  });
}

describe('Accounts v1 (POST /accounts/{id})', () => runContract('v1'));
describe('Accounts v2 beta (PATCH /accounts/{id})', () => runContract('v2'));
