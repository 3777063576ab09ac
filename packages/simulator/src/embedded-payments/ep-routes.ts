import {
  headerValue,
  isPlainObject,
  json,
  parseJsonBody,
  type RouteDefinition,
  type SimRequest,
  type SimResponse,
} from '../common/sim-http';
import type { SimulatorKernel } from '../common/simulator-kernel';
import type { EpState } from './ep-state';
import {
  type EpApiVersion,
  type EpErrorReason,
  epError,
  toWireAccount,
  toWireBalances,
  toWireListItem,
} from './ep-wire';

export interface EpApiSettings {
  /** HTTP status of ACCOUNT_ALREADY_CLOSED (undocumented, §3). */
  alreadyClosedStatus: number;
  /** HTTP status of OPERATION_NOT_SUPPORTED (undocumented, §3). */
  notSupportedStatus: number;
  /**
   * The code of the 400 a close on a funded account answers (it still moves the account to
   * PENDING_CLOSE, §3). Where J.P. Morgan puts ACCOUNT_HAS_NON_ZERO_BALANCE is undocumented (§5):
   * another code (e.g. BAD_REQUEST) models a 400 whose code says nothing yet changed the account.
   */
  nonZeroBalanceCode: string;
}

export const EP_V1_PREFIX = '/embedded/v1';
export const EP_V2_PREFIX = '/embedded/v2';

export function versionOf(path: string): EpApiVersion {
  return path.startsWith(`${EP_V2_PREFIX}/`) || path === EP_V2_PREFIX ? 'v2' : 'v1';
}

/** Accounts v1 (1.0.35) and v2 (2.0.47) routes: list, get, close (v1 POST / v2 PATCH), balances. */
export function epApiRoutes(
  state: EpState,
  kernel: SimulatorKernel,
  settings: EpApiSettings,
): RouteDefinition[] {
  /** v2 `request-id` (1–36): echoed on every v2 answer, errors included (§1). */
  const requestIdOf = (request: SimRequest) => headerValue(request, 'request-id');
  const fail = (
    request: SimRequest,
    version: EpApiVersion,
    status: number,
    code?: string,
    context?: EpErrorReason[],
  ) =>
    epError({
      version,
      status,
      traceId: kernel.traces.hex(32),
      requestId: requestIdOf(request),
      ...(code === undefined ? {} : { code }),
      ...(context === undefined ? {} : { context }),
    });
  const ok = (request: SimRequest, version: EpApiVersion, status: number, body: unknown): SimResponse => {
    const requestId = requestIdOf(request);
    return version === 'v2' && requestId !== undefined
      ? json(status, body, { 'request-id': requestId })
      : json(status, body);
  };

  /** Shared checks of the `request-id` header (v2) and the `{id}` path parameter (≤ 34, §2). */
  const guarded =
    (version: EpApiVersion, handler: (request: SimRequest, accountId: string) => SimResponse) =>
    (request: SimRequest, params: Readonly<Record<string, string>>): SimResponse => {
      const requestId = requestIdOf(request);
      if (version === 'v2' && requestId !== undefined && (requestId.length < 1 || requestId.length > 36)) {
        return fail(request, version, 400, 'BAD_REQUEST', [
          {
            code: 'BAD_REQUEST',
            location: 'HEADER',
            field: 'request-id',
            message: 'request-id must be 1 to 36 characters.',
          },
        ]);
      }
      const accountId = params.id;
      if (accountId !== undefined && accountId.length > 34) {
        return fail(request, version, 400, 'BAD_REQUEST', [
          {
            code: 'BAD_REQUEST',
            location: 'PATH',
            field: 'id',
            message: 'id must be at most 34 characters.',
          },
        ]);
      }
      return handler(request, accountId ?? '');
    };

  const routes: RouteDefinition[] = [];
  for (const [prefix, version] of [
    [EP_V1_PREFIX, 'v1'],
    [EP_V2_PREFIX, 'v2'],
  ] as const) {
    const notFound = (request: SimRequest, accountId: string) =>
      fail(request, version, 404, 'NOT_FOUND', [
        { code: 'NOT_FOUND', location: 'PATH', field: 'id', message: `Account ${accountId} not found.` },
      ]);
    routes.push(
      {
        method: 'GET',
        pattern: `${prefix}/accounts`,
        handler: guarded(version, (request) => listAccounts(request, version)),
      },
      {
        method: 'GET',
        pattern: `${prefix}/accounts/:id`,
        handler: guarded(version, (request, accountId) => {
          const account = state.get(accountId);
          return account === null
            ? notFound(request, accountId)
            : ok(request, version, 200, toWireAccount(account, version));
        }),
      },
      {
        method: 'GET',
        pattern: `${prefix}/accounts/:id/balances`,
        handler: guarded(version, (request, accountId) => {
          const account = state.get(accountId);
          return account === null
            ? notFound(request, accountId)
            : ok(
                request,
                version,
                200,
                toWireBalances(account, version, kernel.now().toISOString().slice(0, 10)),
              );
        }),
      },
      {
        // v1 closes with POST (`manageAccounts`), v2 with PATCH (`manageAccountsV2`).
        method: version === 'v1' ? 'POST' : 'PATCH',
        pattern: `${prefix}/accounts/:id`,
        handler: guarded(version, (request, accountId) =>
          closeAccount(request, version, accountId, notFound),
        ),
        closeRequestAccount: (_request, params) => params.id ?? null,
      },
    );
  }
  return routes;

  function closeAccount(
    request: SimRequest,
    version: EpApiVersion,
    accountId: string,
    notFound: (request: SimRequest, accountId: string) => SimResponse,
  ): SimResponse {
    const parsed = parseJsonBody(request.rawBody);
    if (!parsed.ok || !isPlainObject(parsed.value)) {
      return fail(request, version, 400, 'BAD_REQUEST', [
        { code: 'BAD_REQUEST', location: 'BODY', message: 'Malformed JSON request body.' },
      ]);
    }
    const { state: requestedState, closureReason } = parsed.value;
    const problems: EpErrorReason[] = [];
    if (requestedState !== 'CLOSED') {
      problems.push({
        code: 'BAD_REQUEST',
        location: 'BODY',
        field: 'state',
        message: 'The only supported state is CLOSED.',
      });
    }
    if (typeof closureReason !== 'string' || closureReason.length < 1 || closureReason.length > 50) {
      problems.push({
        code: 'BAD_REQUEST',
        location: 'BODY',
        field: 'closureReason',
        message: 'closureReason is required when closing an account (1 to 50 characters).',
      });
    }
    if (problems.length > 0) return fail(request, version, 400, 'BAD_REQUEST', problems);
    const outcome = state.close(accountId, closureReason as string);
    const business = (status: number, code: string, message: string) =>
      fail(request, version, status, code, [{ code, location: 'PATH', field: 'id', message }]);
    switch (outcome.kind) {
      case 'not-found':
        return notFound(request, accountId);
      case 'already-closed':
        return business(settings.alreadyClosedStatus, 'ACCOUNT_ALREADY_CLOSED', 'Account is already closed.');
      case 'not-supported':
        return business(
          settings.notSupportedStatus,
          'OPERATION_NOT_SUPPORTED',
          'This operation is only supported for accounts with either of these categories: LIMITED_DDA, LIMITED_DDA_PAYMENTS.',
        );
      case 'not-closable-state':
        return business(400, 'BAD_REQUEST', `An account in state ${outcome.account.state} cannot be closed.`);
      case 'non-zero-balance':
        return business(
          400,
          settings.nonZeroBalanceCode,
          'Account cannot be closed due to an outstanding balance. Account balance must be zero to allow closure.',
        );
      case 'accepted':
        return ok(request, version, 202, {
          id: outcome.account.id,
          state: outcome.account.state,
          closureReason: outcome.account.closureReason,
        });
    }
  }

  /** `GET /accounts?clientId=&limit=(1–25)&page=(0-based)` -> `{metadata, items}` (§4). */
  function listAccounts(request: SimRequest, version: EpApiVersion): SimResponse {
    const problems: EpErrorReason[] = [];
    const integer = (name: string, fallback: number, min: number, max: number) => {
      const raw = request.query.get(name);
      if (raw === null) return fallback;
      if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
        problems.push({
          code: 'BAD_REQUEST',
          location: 'QUERY',
          field: name,
          message: `${name} must be an integer from ${min} to ${max}.`,
        });
        return fallback;
      }
      return Number(raw);
    };
    const limit = integer('limit', 25, 1, 25);
    const page = integer('page', 0, 0, 1_000_000);
    const clientId = request.query.get('clientId');
    if (clientId !== null && !/^\d{10}$/.test(clientId)) {
      problems.push({
        code: 'BAD_REQUEST',
        location: 'QUERY',
        field: 'clientId',
        message: 'clientId must be 10 digits.',
      });
    }
    if (problems.length > 0) return fail(request, version, 400, 'BAD_REQUEST', problems);
    const all = state.all().filter((account) => clientId === null || account.clientId === clientId);
    return ok(request, version, 200, {
      metadata: { page, limit, total_items: all.length },
      items: all.slice(page * limit, (page + 1) * limit).map((account) => toWireListItem(account, version)),
    });
  }
}
