import type { Closure, ClosureError } from '@closekit/core';
import type { TableRow } from './render-table';

export function closureRow(closure: Closure): TableRow {
  return {
    provider: closure.provider,
    account: closure.accountId,
    closure: closure.closureId,
    state: closure.state.unified,
    'raw state': closure.state.raw,
    reason: closure.reason.unified ?? closure.reason.raw,
    created: closure.created,
    failure: closure.failure?.code ?? (closure.blockers.map((blocker) => blocker.code).join(',') || null),
  };
}

export function errorRow(error: ClosureError): TableRow {
  return {
    provider: error.provider,
    code: error.code,
    retryable: error.retryable,
    http: error.httpStatus,
    'provider code': error.providerCode,
    'request id': error.requestId,
    message: error.message,
  };
}
