import { type Closure, type ClosureReason, createClosure, type Redactor } from '@closekit/core';
import type { AccountReadBack } from './udara360-account-lookup';
import type { Udara360PostingResponse } from './udara360-api';

export interface ClosureReasonSent {
  unified: ClosureReason | null;
  raw: string | null;
}

/**
 * The closure a successful closeaccount posting created ("00", §2-§3: synchronous, no
 * intermediate state). closureId is Udara's posting reference; the echoed or sent
 * instrumentNumber stands in when no reference is returned.
 */
export function closureFromPosting(input: {
  provider: string;
  accountNumber: string;
  posting: Udara360PostingResponse;
  instrumentNumber: string;
  reason: ClosureReasonSent;
  redactor: Redactor;
}): Closure {
  const data = input.posting.data;
  const closureId = data?.referenceNumber?.trim() || data?.instrumentNumber?.trim() || input.instrumentNumber;
  return createClosure({
    provider: input.provider,
    closureId,
    accountId: input.accountNumber,
    state: { unified: 'CLOSED', raw: '00' },
    reason: input.reason,
    initiatedBy: 'partner',
    created: true,
    raw: input.redactor.value(input.posting),
  });
}

/**
 * A closure established by reading the account (accountStatus Closed). Udara360 keeps no
 * closure record that can be read (§4), so what the closure is called depends on what we know:
 * - after this call sent a close whose answer was lost: the instrumentNumber it sent, reason as
 *   sent, `created: null` (the read-back cannot tell whose posting closed it);
 * - otherwise (getClosure, an account found Closed before sending): the account number, which
 *   names the closure uniquely since an account closes once and for good; no reason, initiator
 *   unknown (a portal operator may have closed it).
 */
export function closureFromAccount(input: {
  provider: string;
  account: Extract<AccountReadBack, { kind: 'found' }>;
  closureId?: string;
  reason?: ClosureReasonSent;
  created: boolean | null;
  redactor: Redactor;
}): Closure {
  const ours = input.closureId !== undefined;
  return createClosure({
    provider: input.provider,
    closureId: input.closureId ?? input.account.accountNumber,
    accountId: input.account.accountNumber,
    state: { unified: 'CLOSED', raw: input.account.status.raw },
    reason: input.reason ?? { unified: null, raw: null },
    initiatedBy: ours ? 'partner' : 'unknown',
    created: input.created,
    raw: { account: input.redactor.value(input.account.record) },
  });
}
