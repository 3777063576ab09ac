import type { HttpMethod } from '@closekit/core/adapter';
import type { EmbeddedPaymentsApiVersion } from './embedded-payments-settings';

/** v1 `ManageAccountRequest` / v2 `ManageAccountRequestV2`, restricted to what a close sends. */
export interface EmbeddedPaymentsCloseRequest {
  state: 'CLOSED';
  closureReason: string;
}

/**
 * The close call: v1 `POST /accounts/{id}` (the guide's call, `manageAccounts`) or v2 (beta)
 * `PATCH /accounts/{id}` (`manageAccountsV2`), both with `{state: "CLOSED", closureReason}`
 * (provider notes §2). Nothing else is sent: v2's balanceLimits and paymentRoutingInformation
 * are not closure fields.
 */
export function convertToEmbeddedPaymentsCloseRequest(
  apiVersion: EmbeddedPaymentsApiVersion,
  closureReason: string,
): { method: HttpMethod; body: EmbeddedPaymentsCloseRequest } {
  return {
    method: apiVersion === 'v2' ? 'PATCH' : 'POST',
    body: { state: 'CLOSED', closureReason },
  };
}
