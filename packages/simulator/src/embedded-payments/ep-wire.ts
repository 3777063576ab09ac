import type { SimResponse } from '../common/sim-http';

export type EpApiVersion = 'v1' | 'v2';

/** Only these categories can be closed (EP notes §2, [CLOSE]). */
export const EP_CLOSABLE_CATEGORIES: ReadonlySet<string> = new Set(['LIMITED_DDA', 'LIMITED_DDA_PAYMENTS']);

export interface EpRestriction {
  restrictionId: string;
  /** The simulator adds DEBITS / CREDITS on closure (types not specified by the docs, §3). */
  restrictionType: string;
  restrictionReason: string;
  restrictionStatus: string;
}

export interface EpAccount {
  id: string;
  clientId: string;
  label: string;
  state: string;
  category: string;
  /** Every booked and available balance type reports this amount (USD). */
  balance: number;
  /** Added to `balance` in v2 `INTERIM_EXPECTED` only. */
  pendingCredits: number;
  currency: string;
  closureReason: string | null;
  accountNumber: string;
  restrictions: EpRestriction[];
  createdAt: string;
  updatedAt: string;
}

/** GET /accounts/{id}: v1 `AccountResponseWithStatus`, v2 `GetAccountResponseV2` (§4). */
export function toWireAccount(account: EpAccount, version: EpApiVersion): Record<string, unknown> {
  const active = account.state === 'OPEN' || account.state === 'PENDING_CLOSE';
  if (version === 'v1') {
    // v1 restrictions only know DIRECT_DEBIT ({restrictionId, restrictionType}); others are not shown.
    const restrictions = account.restrictions
      .filter((restriction) => restriction.restrictionType === 'DIRECT_DEBIT')
      .map(({ restrictionId, restrictionType }) => ({ restrictionId, restrictionType }));
    return {
      id: account.id,
      clientId: account.clientId,
      label: account.label,
      state: account.state,
      paymentRoutingInformation: {
        accountNumber: account.accountNumber,
        country: 'US',
        routingInformation: [{ type: 'ABA', value: '028000024' }],
        status: active ? 'ACTIVE' : 'INACTIVE',
      },
      category: account.category,
      ...(restrictions.length > 0 ? { restrictions } : {}),
      ...(account.closureReason === null ? {} : { closureReason: account.closureReason }),
      createdAt: account.createdAt,
    };
  }
  return {
    id: account.id,
    clientId: account.clientId,
    label: account.label,
    state: account.state,
    category: account.category,
    paymentRoutingInformation: {
      accountNumber: account.accountNumber,
      country: 'US',
      routingInformation: [{ routingCodeType: 'ABA', routingNumber: '028000024', transactionType: 'ACH' }],
      status: active ? 'ACTIVE' : 'INACTIVE',
    },
    ...(account.restrictions.length > 0 ? { restrictions: account.restrictions.map((r) => ({ ...r })) } : {}),
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
    ...(account.closureReason === null ? {} : { closureReason: account.closureReason }),
  };
}

/** List items: v1 list items carry no restrictions (§4). */
export function toWireListItem(account: EpAccount, version: EpApiVersion): Record<string, unknown> {
  const item = toWireAccount(account, version);
  if (version === 'v1') delete item.restrictions;
  return item;
}

/** GET /accounts/{id}/balances: v1 `{balanceTypes[ITAV, ITBD]}` numbers, v2 `{items[{balances}]}` strings. */
export function toWireBalances(
  account: EpAccount,
  version: EpApiVersion,
  today: string,
): Record<string, unknown> {
  if (version === 'v1') {
    return {
      id: account.id,
      date: today,
      currency: account.currency,
      balanceTypes: [
        { typeCode: 'ITAV', amount: account.balance },
        { typeCode: 'ITBD', amount: account.balance },
      ],
    };
  }
  const amount = formatAmount(account.balance);
  return {
    id: account.id,
    items: [
      {
        effectiveDate: today,
        currency: account.currency,
        balances: [
          { type: 'INTERIM_AVAILABLE', amount },
          { type: 'INTERIM_BOOKED', amount },
          { type: 'INTERIM_EXPECTED', amount: formatAmount(account.balance + account.pendingCredits) },
        ],
      },
    ],
  };
}

function formatAmount(value: number): string {
  return Number.isInteger(value) ? value.toFixed(2) : String(value);
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
const ERROR_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_SERVER_ERROR',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};

export interface EpErrorReason {
  code?: string;
  location?: 'BODY' | 'QUERY' | 'PATH' | 'HEADER';
  field?: string;
  message: string;
}

/**
 * v1 `ApiError` `{title, httpStatus, error, traceId, requestId?, context?}` or v2 `ApiErrorV2`
 * `{title, httpStatus, traceId, requestId?, context?}` (§5). Business codes
 * (ACCOUNT_HAS_NON_ZERO_BALANCE, ...) go in `context[].code` and, for v1, in `error`.
 */
export function epError(input: {
  version: EpApiVersion;
  status: number;
  traceId: string;
  requestId: string | undefined;
  code?: string;
  context?: readonly EpErrorReason[];
}): SimResponse {
  const { version, status, traceId, requestId } = input;
  const body: Record<string, unknown> = {
    title: TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error'),
    httpStatus: status,
  };
  if (version === 'v1') body.error = input.code ?? ERROR_CODES[status] ?? `HTTP_${status}`;
  body.traceId = traceId;
  if (requestId !== undefined) body.requestId = requestId;
  if (input.context !== undefined && input.context.length > 0)
    body.context = input.context.map((reason) => ({ ...reason }));
  const headers: Record<string, string> = {};
  if (version === 'v2' && requestId !== undefined) headers['request-id'] = requestId;
  return { status, json: body, headers };
}
