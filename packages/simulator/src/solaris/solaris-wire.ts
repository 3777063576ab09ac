import type { SimResponse } from '../common/sim-http';

/** Reasons a partner may send on create (Solaris notes §6, [S1]). */
export const SOLARIS_PARTNER_REASONS = [
  'ACCOUNT_REVOCATION',
  'CUSTOMER_WISH',
  'PARTNER_SERVICE_ACCOUNT_TERMINATED',
  'RELATIONSHIP_TERMINATION',
  'COMPLIANCE_IMMEDIATE_PARTNER',
] as const;

/** Reasons only Solaris uses, i.e. Solaris-initiated closures (§6, seed 000). */
export const SOLARIS_INTERNAL_REASONS = [
  'ACCOUNT_REVOCATION_INTERNAL',
  'COMPLIANCE_IMMEDIATE_INTERNAL',
  'COMPLIANCE_ORDINARY_INTERNAL',
  'CUSTOMER_WISH_INTERNAL',
  'DUNNING_DECOUPLED_CARD_INTERNAL',
  'INSOLVENCY_IMMEDIATE_INTERNAL',
  'INSOLVENCY_ORDINARY_INTERNAL',
  'RELATIONSHIP_TERMINATION_INTERNAL',
  'SEIZURES_ORDINARY_INTERNAL',
  'TECHNICAL_IMMEDIATE_INTERNAL',
] as const;

export type SolarisAcrStatus = 'INITIATED' | 'CONFIRMED' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'REVOKED';
export const SOLARIS_ACR_STATUSES: readonly SolarisAcrStatus[] = [
  'INITIATED',
  'CONFIRMED',
  'IN_PROGRESS',
  'COMPLETED',
  'FAILED',
  'REVOKED',
];
export const SOLARIS_TERMINAL_STATUSES: ReadonlySet<SolarisAcrStatus> = new Set([
  'COMPLETED',
  'FAILED',
  'REVOKED',
]);

/** `failure_reason` code -> detail, paired as seed 000 lists them. */
export const SOLARIS_FAILURE_DETAILS = {
  account_inactive: 'Account already technically closed.',
  negative_balance: "Account balance is negative, can't perform technical closure.",
  positive_balance: "Account balance is positive, can't perform technical closure.",
  accrued_interest: "Accrued interest found on the account, can't perform technical closure.",
  forced_failure:
    'Account Closure was manually stopped. Please contact Solaris Customer Support for details.',
  processing_timeout: 'Account Closure failed. Please contact Solaris Customer Support for details.',
} as const;
export type SolarisFailureCode = keyof typeof SOLARIS_FAILURE_DETAILS;

export interface SolarisAcr {
  id: string;
  accountId: string;
  closureReason: string;
  status: SolarisAcrStatus;
  technicalClosureDate: string | null;
  legalClosureDate: string | null;
  failureReason: { code: SolarisFailureCode; detail: string } | null;
  payoutAllowed: boolean;
  updatedAt: string;
  /** Not on the wire (the ACR has no created_at, §4) but `sort=created_at` uses it. */
  createdAt: string;
  initiatedBy: 'partner' | 'provider';
}

/** The ACR as Solaris sends it (snake_case, §2). */
export interface SolarisWireAcr {
  id: string;
  closure_reason: string;
  status: SolarisAcrStatus;
  account_id: string;
  technical_closure_date: string | null;
  legal_closure_date: string | null;
  failure_reason: { code: string; detail: string } | Record<string, never>;
  payout_allowed: boolean;
  updated_at: string;
}

/** The ACR object exactly as create, get, list and both ACR webhooks return it (§2). */
export function toWireAcr(acr: SolarisAcr): SolarisWireAcr {
  return {
    id: acr.id,
    closure_reason: acr.closureReason,
    status: acr.status,
    account_id: acr.accountId,
    technical_closure_date: acr.technicalClosureDate,
    legal_closure_date: acr.legalClosureDate,
    // The docs' list example shows `{}` for "no failure" (§2); the simulator sends that shape.
    failure_reason: acr.failureReason === null ? {} : { ...acr.failureReason },
    payout_allowed: acr.payoutAllowed,
    updated_at: acr.updatedAt,
  };
}

const TITLES: Record<string, string> = {
  invalid_json: 'Invalid JSON',
  validation_error: 'Validation Error',
  token_required: 'Token Required',
  invalid_token: 'Invalid Token',
  unauthorized_action: 'Unauthorized Action',
  model_not_found: 'Model Not Found',
  not_found: 'Not Found',
  method_not_allowed: 'Method Not Allowed',
  record_not_unique: 'Record Not Unique',
  payload_too_large: 'Payload Too Large',
  rate_limit_exceeded: 'Too Many Requests',
  generic_error: 'Generic Error',
  not_implemented_error: 'Not Implemented',
  bad_gateway: 'Bad Gateway',
  service_unavailable: 'Service Unavailable',
  gateway_timeout: 'Gateway Timeout',
};

/** Default `code` for a status the simulator raises itself (fault injection, unknown routes). */
const CODE_FOR_STATUS: Record<number, string> = {
  400: 'validation_error',
  401: 'invalid_token',
  403: 'unauthorized_action',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'record_not_unique',
  413: 'payload_too_large',
  429: 'rate_limit_exceeded',
  500: 'generic_error',
  501: 'not_implemented_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

export interface SolarisErrorEntry {
  code: string;
  detail: string;
  field?: string;
  title?: string;
}

/** The `errors[]` envelope (§5): `{id, status, code, title, detail, source?}` per entry. */
export function solarisErrors(
  status: number,
  entries: readonly SolarisErrorEntry[],
  nextId: () => string,
): SimResponse {
  return {
    status,
    json: {
      errors: entries.map((entry) => ({
        id: nextId(),
        status,
        code: entry.code,
        title: entry.title ?? TITLES[entry.code] ?? entry.code,
        detail: entry.detail,
        ...(entry.field === undefined ? {} : { source: { field: entry.field, message: entry.detail } }),
      })),
    },
  };
}

export function solarisError(
  status: number,
  detail: string,
  nextId: () => string,
  code?: string,
): SimResponse {
  return solarisErrors(
    status,
    [
      {
        code: code ?? CODE_FOR_STATUS[status] ?? (status >= 500 ? 'generic_error' : 'validation_error'),
        detail,
      },
    ],
    nextId,
  );
}
