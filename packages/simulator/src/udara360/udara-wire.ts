import type { SimResponse } from '../common/sim-http';

/** Postings response codes (Udara360 notes §5b, [CODES]). */
export const UDARA_POSTING_CODES = {
  '00': 'Successful',
  '06': 'General Error',
  '09': 'Model Validation Error',
  '13': 'Invalid Amount',
  '25': 'No Record Found',
  '26': 'Duplicate Record',
  '28': 'Force Debit Not Allowed',
  '29': 'Database Update Not Executed',
  '30': 'Format Error',
  '51': 'Insufficient Balance',
  '52': 'No Check Account',
  '57': 'Transaction Permission',
  '63': 'Security Violation',
  '90': 'Cut Off In Progress',
  '93': 'Exceeds Cash Limit',
  '96': 'Fatal Error',
} as const;
export type UdaraPostingCode = keyof typeof UDARA_POSTING_CODES;
export const UDARA_POSTING_CODE_LIST = Object.keys(UDARA_POSTING_CODES) as [
  UdaraPostingCode,
  ...UdaraPostingCode[],
];

/** SearchAccount `accountStatus` values (§3, [SEARCH]). */
export const UDARA_ACCOUNT_STATUS_NAMES: Record<number, string> = {
  1: 'Active',
  2: 'Dormant',
  3: 'Closed',
  4: 'PND',
  5: 'PNC',
  6: 'Inactive',
  7: 'Frozen',
};
export const UDARA_CLOSED = 3;

/** `{status, message, data}` (§1, [RESP]). */
export function udaraEnvelope(status: boolean, message: string, data: unknown): Record<string, unknown> {
  return { status, message, data };
}

const ERROR_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_SERVER_ERROR',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};

/** HTTP 4xx/5xx: `{"errors":[{"statusCode","errorCode","errorMessage"}]}` (§5a); no errorCode catalogue exists. */
export function udaraError(status: number, message: string, errorCode?: string): SimResponse {
  return {
    status,
    json: {
      errors: [
        {
          statusCode: status,
          errorCode: errorCode ?? ERROR_CODES[status] ?? `HTTP_${status}`,
          errorMessage: message,
        },
      ],
    },
  };
}
