import type { Closure, ClosureReason } from '@closekit/core';
import { createClosure, type Redactor } from '@closekit/core/adapter';
import type { Udara360PostingReferences } from './convert-to-udara360-close-request';
import type { Udara360PostingResponse } from './udara360-api';
import type { FoundAccount } from './udara360-read-back';

export interface ClosureReasonSent {
  unified: ClosureReason | null;
  raw: string | null;
}

/*
 * closureId is the account number on every path (providers/udara360.md §4): Udara360 keeps no
 * closure record that can be read, only the account's status, so the account number is the one
 * handle that the "00" answer, a read-back after a timeout and getClosure can all produce, and
 * that getClosure({ closureId }) can resolve. An account closes once and for good (§3), so it
 * names its closure uniquely. The posting's referenceNumber and instrumentNumber stay in `raw`.
 */

/** The closure a successful closeaccount posting created ("00", §2-§3: synchronous, no intermediate state). */
export function closureFromPosting(input: {
  provider: string;
  accountNumber: string;
  posting: Udara360PostingResponse;
  reason: ClosureReasonSent;
  redactor: Redactor;
}): Closure {
  return createClosure({
    provider: input.provider,
    closureId: input.accountNumber,
    accountId: input.accountNumber,
    state: { unified: 'CLOSED', raw: '00' },
    reason: input.reason,
    initiatedBy: 'partner',
    created: true,
    raw: input.redactor.value(input.posting),
  });
}

/**
 * A closure established by reading the account (accountStatus Closed):
 * - after this call sent a close whose answer was lost or unclear (`sent` given): reason as sent,
 *   initiated by the partner, `created: null` (the read cannot tell whose posting closed it);
 * - otherwise (getClosure, an account found Closed before sending): no reason, initiator unknown
 *   (a portal operator may have closed it, [PORTAL]).
 */
export function closureFromAccount(input: {
  provider: string;
  account: FoundAccount;
  sent?: { reason: ClosureReasonSent; postings: readonly Udara360PostingReferences[] };
  created: boolean | null;
  redactor: Redactor;
}): Closure {
  const { sent } = input;
  return createClosure({
    provider: input.provider,
    closureId: input.account.accountNumber,
    accountId: input.account.accountNumber,
    state: { unified: 'CLOSED', raw: input.account.status.raw },
    reason: sent?.reason ?? { unified: null, raw: null },
    initiatedBy: sent ? 'partner' : 'unknown',
    created: input.created,
    raw: {
      account: input.redactor.value(input.account.record),
      ...(sent ? { postings: sent.postings.map((posting) => ({ ...posting })) } : {}),
    },
  });
}
