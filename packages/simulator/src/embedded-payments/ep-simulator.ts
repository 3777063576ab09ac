import { z } from 'zod';
import {
  type CommonSimulatorControl,
  commonControlRoutes,
  kernelControls,
  parseBalance,
  readControlBody,
} from '../common/common-control';
import { json, type RouteDefinition } from '../common/sim-http';
import { type CommonSimulatorOptions, SimulatorKernel } from '../common/simulator-kernel';
import { startSimulatorServer } from '../common/simulator-server';
import { parseControlInput } from '../common/validate-control-input';
import { EP_V1_PREFIX, EP_V2_PREFIX, epApiRoutes, versionOf } from './ep-routes';
import { type EpAccountPatch, type EpAccountSeed, EpState, snapshot } from './ep-state';
import { type EpAccount, epError } from './ep-wire';

export const EP_DEFAULT_WEBHOOK_TOKEN = 'ep-sim-webhook-token';

export interface EmbeddedPaymentsSimulatorOptions extends CommonSimulatorOptions {
  /** Sent as `Authorization: Bearer <token>` with notifications; default `ep-sim-webhook-token`; null sends none. */
  webhookBearerToken?: string | null;
  /** Extra notification headers, like the portal's `headerFields` (`{"X-CustomKey1": "..."}`). */
  webhookHeaders?: Record<string, string>;
  /** HTTP status of ACCOUNT_ALREADY_CLOSED (undocumented); default 400. */
  alreadyClosedStatus?: number;
  /** HTTP status of OPERATION_NOT_SUPPORTED (undocumented); default 400. */
  notSupportedStatus?: number;
  /**
   * Code of the 400 that a close on a funded account answers while still moving it to
   * PENDING_CLOSE; default `ACCOUNT_HAS_NON_ZERO_BALANCE`. Its placement is undocumented: set
   * e.g. `BAD_REQUEST` to test clients against a 400 that names nothing yet changed the account.
   */
  nonZeroBalanceCode?: string;
  /** Accounts present from the start (and again after `reset`). */
  accounts?: readonly EpAccountSeed[];
}

export interface EpServicingResult {
  /** `closed`: PENDING_CLOSE -> CLOSED and ACCOUNT_CLOSED sent; `blocked`: nothing changed. */
  outcome: 'closed' | 'blocked';
  reason: 'NON_ZERO_BALANCE' | 'NOT_PENDING_CLOSE' | null;
  account: EpAccount;
}

export interface EmbeddedPaymentsSimulatorControl
  extends CommonSimulatorControl<EpAccountSeed, EpAccount, EpAccountPatch> {
  /** The servicing team's step: PENDING_CLOSE -> CLOSED at zero balance, then the ACCOUNT_CLOSED notification. */
  service(accountId: string): EpServicingResult;
  /** Same as `service`, in the shape the other simulators use. */
  advance(ref: { accountId: string }): EpServicingResult;
}

export interface EmbeddedPaymentsSimulator {
  url: string;
  port: number;
  /** `${url}/embedded/v1` (Accounts v1: POST close). */
  v1BaseUrl: string;
  /** `${url}/embedded/v2` (Accounts v2: PATCH close). */
  v2BaseUrl: string;
  credentials: { webhookBearerToken: string | null };
  /**
   * Spread into `createEmbeddedPaymentsAdapter({ ...sim.adapterSettings })` (v1); add
   * `baseUrl: sim.v2BaseUrl, apiVersion: 'v2'` for v2.
   */
  adapterSettings: { baseUrl: string; webhookCredentials: string[] };
  control: EmbeddedPaymentsSimulatorControl;
  close(): Promise<void>;
}

const accountSeedSchema = z.strictObject({
  id: z.string().min(1).max(34),
  category: z.string().min(1).optional(),
  state: z.enum(['OPEN', 'PENDING_OPEN', 'PENDING_CLOSE', 'CLOSED']).optional(),
  balance: z.number().finite().optional(),
  pendingCredits: z.number().finite().min(0).optional(),
  clientId: z
    .string()
    .regex(/^\d{10}$/)
    .optional(),
  label: z.string().min(1).optional(),
  currency: z.string().length(3).optional(),
  closureReason: z.string().min(1).max(50).nullable().optional(),
  accountNumber: z.string().min(1).optional(),
  createdAt: z.string().min(1).optional(),
});
const accountPatchSchema = accountSeedSchema.omit({ id: true });

/** Starts a J.P. Morgan Embedded Payments simulator on loopback. See docs/simulator.md. */
export async function startEmbeddedPaymentsSimulator(
  options: EmbeddedPaymentsSimulatorOptions = {},
): Promise<EmbeddedPaymentsSimulator> {
  const webhookBearerToken =
    options.webhookBearerToken === undefined ? EP_DEFAULT_WEBHOOK_TOKEN : options.webhookBearerToken;
  // [NOTIF]: reply 200 within 3 s, else resent (3 times); the simulator compresses the schedule.
  const kernel = new SimulatorKernel(
    { ...options, webhookRetry: { maxAttempts: 4, timeoutMs: 3_000, ...options.webhookRetry } },
    (status) => (status >= 200 && status < 300 ? 'delivered' : 'retry'),
  );
  const state = new EpState(kernel);

  const service = (accountId: string): EpServicingResult => {
    const outcome = state.service(accountId);
    if (outcome.kind === 'blocked')
      return { outcome: 'blocked', reason: outcome.reason, account: snapshot(outcome.account) };
    const account = outcome.account;
    const eventId = kernel.events.digits(12);
    // WebhookCallbackEvent (EF 1.0.8): `resource` is a JSON string of an AccountCallbackEvent (`type`, not `category`).
    const body = JSON.stringify({
      eventId,
      eventType: 'ACCOUNT_CLOSED',
      resourceType: 'ACCOUNTS',
      resource: JSON.stringify({
        id: account.id,
        clientId: account.clientId,
        label: account.label,
        state: account.state,
        type: account.category,
        createdAt: account.createdAt,
      }),
    });
    kernel.webhooks.enqueue({
      eventId,
      eventType: 'ACCOUNT_CLOSED',
      body,
      headers: () => ({
        'Content-Type': 'application/json',
        ...(webhookBearerToken === null ? {} : { Authorization: `Bearer ${webhookBearerToken}` }),
        ...options.webhookHeaders,
      }),
    });
    return { outcome: 'closed', reason: null, account: snapshot(account) };
  };

  const seedAll = (seeds: readonly EpAccountSeed[]) =>
    parseControlInput(z.array(accountSeedSchema), seeds, 'Embedded Payments accounts').map((seed) =>
      state.seed(seed),
    );

  const control: EmbeddedPaymentsSimulatorControl = {
    seedAccounts: seedAll,
    updateAccount: (accountId, patch) =>
      state.update(accountId, parseControlInput(accountPatchSchema, patch, 'account patch')),
    setBalance: (accountId, balance) => state.update(accountId, { balance: parseBalance(balance) }),
    getAccount: (accountId) => {
      const account = state.get(accountId);
      return account === null ? null : snapshot(account);
    },
    listAccounts: () => state.all().map(snapshot),
    ...kernelControls(kernel),
    reset: () => {
      kernel.reset();
      state.clear();
      seedAll(options.accounts ?? []);
    },
    service: (accountId) => service(parseControlInput(z.string().min(1), accountId, 'account id')),
    advance: (ref) =>
      service(
        parseControlInput(z.looseObject({ accountId: z.string().min(1) }), ref, 'advance request').accountId,
      ),
  };

  const controlRoutes: RouteDefinition[] = [
    ...commonControlRoutes(control, () => describe()),
    {
      method: 'POST',
      pattern: '/advance',
      handler: (request) => json(200, control.advance(readControlBody(request) as { accountId: string })),
    },
    {
      method: 'POST',
      pattern: '/accounts/:id/service',
      handler: (_request, params) => json(200, control.service(params.id as string)),
    },
  ];

  const server = await startSimulatorServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    routes: epApiRoutes(state, kernel, {
      alreadyClosedStatus: options.alreadyClosedStatus ?? 400,
      notSupportedStatus: options.notSupportedStatus ?? 400,
      nonZeroBalanceCode: options.nonZeroBalanceCode ?? 'ACCOUNT_HAS_NON_ZERO_BALANCE',
    }),
    controlRoutes,
    errorResponse: (status, request) =>
      epError({
        version: versionOf(request.path),
        status,
        traceId: kernel.traces.hex(32),
        requestId:
          typeof request.headers['request-id'] === 'string' ? request.headers['request-id'] : undefined,
      }),
    faults: kernel.faults,
    counters: kernel.counters,
    onClose: () => kernel.webhooks.close(),
  });
  seedAll(options.accounts ?? []);

  function describe() {
    return {
      provider: 'embedded-payments',
      url: server.url,
      v1BaseUrl: `${server.url}${EP_V1_PREFIX}`,
      v2BaseUrl: `${server.url}${EP_V2_PREFIX}`,
      api: [
        'GET {v1,v2}/accounts',
        'GET {v1,v2}/accounts/:id',
        'GET {v1,v2}/accounts/:id/balances',
        'POST v1/accounts/:id',
        'PATCH v2/accounts/:id',
      ],
      control: controlRoutes.map(
        (route) => `${route.method} /__control${route.pattern === '/' ? '' : route.pattern}`,
      ),
      webhookUrl: kernel.webhooks.getUrl(),
    };
  }

  return {
    url: server.url,
    port: server.port,
    v1BaseUrl: `${server.url}${EP_V1_PREFIX}`,
    v2BaseUrl: `${server.url}${EP_V2_PREFIX}`,
    credentials: { webhookBearerToken },
    adapterSettings: {
      baseUrl: `${server.url}${EP_V1_PREFIX}`,
      webhookCredentials: webhookBearerToken === null ? [] : [webhookBearerToken],
    },
    control,
    close: () => server.close(),
  };
}
