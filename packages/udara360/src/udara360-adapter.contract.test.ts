import type { ClosureErrorCode } from '@closekit/core';
import { defineClosureAdapterContract, type RecordedRequest } from '@closekit/core/testing';
import { createUdara360Adapter } from './udara360-adapter';
import { UDARA360_TEST_BASE_URL } from './udara360-settings';

const CLIENT_ID = 'contract-client-id';
const CLIENT_SECRET = 'contract-client-secret-0001';
const ACCESS_TOKEN = 'contract-access-token-0001';
const ACCOUNT = '0123456789';

/** The posting status code that stands for each neutral refusal the adapter claims (udara360-error.ts). */
const REFUSAL_STATUS_CODES: Partial<Record<ClosureErrorCode, string>> = {
  INVALID_REQUEST: '09',
  ACCOUNT_NOT_FOUND: '25',
  DUPLICATE_REQUEST: '26',
  ACCOUNT_BLOCKED: '28',
  NON_ZERO_BALANCE: '51',
  PERMISSION_DENIED: '57',
};

const instrumentNumberOf = (request: RecordedRequest) =>
  (request.json as { instrumentNumber?: string } | undefined)?.instrumentNumber ?? null;

defineClosureAdapterContract({
  provider: 'udara360',
  accountId: ACCOUNT,
  createAdapter: (options) =>
    createUdara360Adapter({
      ...options,
      baseUrl: UDARA360_TEST_BASE_URL,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
    }),
  isCloseRequest: (request) => request.method === 'POST' && request.path === '/api/postings/v1/closeaccount',
  respondToClose: (request, { refusal }) => {
    if (refusal === null) {
      return {
        status: 200,
        body: {
          status: true,
          message: 'Successful',
          data: {
            statusCode: '00',
            referenceNumber: 'UDR-REF-0001',
            instrumentNumber: instrumentNumberOf(request),
            duration: '120ms',
          },
        },
      };
    }
    const statusCode = REFUSAL_STATUS_CODES[refusal] ?? '06';
    return { status: 200, body: { status: false, message: 'Refused', data: { statusCode } } };
  },
  // Closing a Closed account is undocumented (providers/udara360.md §9): the adapter pre-checks the
  // status so this is never sent; if it were, a refused posting is the conservative model.
  respondToCloseWhenClosed: () => ({
    status: 200,
    body: { status: false, message: 'Duplicate Record', data: { statusCode: '26' } },
  }),
  // Only HTTP classes are documented; the error envelope is `errors[]` (providers/udara360.md §5).
  respondWithStatus: (_request, { status, text }) => ({
    status,
    body: { errors: [{ statusCode: status, errorCode: 'ERROR', errorMessage: text }] },
  }),
  respond: (request, world) => {
    if (request.method === 'POST' && request.path === '/api/auth/v1/authenticate') {
      const body = request.json as { clientId?: string; clientSecret?: string } | undefined;
      if (body?.clientId !== CLIENT_ID || body.clientSecret !== CLIENT_SECRET) {
        return {
          status: 401,
          body: { errors: [{ statusCode: 401, errorCode: 'AUTH', errorMessage: 'bad' }] },
        };
      }
      return {
        status: 200,
        body: { accessToken: ACCESS_TOKEN, tokenType: 'Bearer', expirationTime: 0, tokenValiditySec: 3600 },
      };
    }
    if (request.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) {
      return {
        status: 401,
        body: { errors: [{ statusCode: 401, errorCode: 'TOKEN', errorMessage: 'expired' }] },
      };
    }
    if (request.method === 'GET' && request.path === '/api/account/v1/SearchAccount') {
      const rawState = world.closure?.rawState ?? '1';
      const accountStatus = /^\d+$/.test(rawState) ? Number(rawState) : rawState;
      return {
        status: 200,
        body: {
          status: true,
          message: 'Successful',
          data: [{ accountNumber: world.accountId, accountName: 'Ada Obi', accountStatus }],
        },
      };
    }
    return {
      status: 404,
      body: { errors: [{ statusCode: 404, errorCode: 'NOT_FOUND', errorMessage: 'no route' }] },
    };
  },
  idempotencyMaterial: (request) => ({
    requestReference: request.headers['request-reference'],
    instrumentNumber: instrumentNumberOf(request),
    body: request.bodyText,
  }),
  stateAfterClose: '3',
  refusals: Object.keys(REFUSAL_STATUS_CODES) as ClosureErrorCode[],
  states: { '3': 'CLOSED', Closed: 'CLOSED' },
  // Udara360 returns no closure reason on any read (providers/udara360.md §6).
  reasons: {},
  secrets: [CLIENT_SECRET, ACCESS_TOKEN],
});
