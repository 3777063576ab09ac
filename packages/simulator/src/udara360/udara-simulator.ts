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
import { type UdaraUsedReferences, udaraApiRoutes } from './udara-routes';
import {
  type UdaraAccount,
  type UdaraAccountPatch,
  type UdaraAccountSeed,
  type UdaraInjectedCode,
  UdaraState,
} from './udara-state';
import { UDARA_POSTING_CODE_LIST, type UdaraPostingCode, udaraError } from './udara-wire';

export const UDARA_DEFAULT_CLIENT_ID = 'udara-sim-client';
export const UDARA_DEFAULT_CLIENT_SECRET = 'udara-sim-secret';

export interface Udara360SimulatorOptions extends CommonSimulatorOptions {
  /** Accepted `clientId`; default `udara-sim-client`. */
  clientId?: string;
  /** Accepted `clientSecret`; default `udara-sim-secret`. */
  clientSecret?: string;
  /** `tokenValiditySec` of issued tokens; default 3600. */
  tokenValiditySec?: number;
  /** Token fields at top level (`flat`, default) or inside `{status, message, data}` (`envelope`). */
  authResponseShape?: 'flat' | 'envelope';
  /** `accountStatus` in lookups as `number` (3, default) or `name` ("Closed"). */
  accountStatusFormat?: 'number' | 'name';
  /** Refuse closing a non-zero balance with `51`; default true (undocumented precondition). */
  requireZeroBalance?: boolean;
  /** Code for closing an already Closed account; default `26` (undocumented). */
  closedAccountStatusCode?: UdaraPostingCode;
  /** Reused Request-Reference or instrumentNumber: `reject` with `26` (default) or `replay` the first answer. */
  duplicateReference?: 'reject' | 'replay';
  /**
   * `true`: a Request-Reference or instrumentNumber sent in any earlier posting, even a failed
   * one, is refused when sent again. `false` (default): only those of a successful posting are; a
   * failed posting's may be reused. Udara360 documents neither, so adapters must cope with both.
   */
  strictReferences?: boolean;
  /** Accounts present from the start (and again after `reset`). */
  accounts?: readonly UdaraAccountSeed[];
}

export interface Udara360SimulatorControl
  extends CommonSimulatorControl<UdaraAccountSeed, UdaraAccount, UdaraAccountPatch> {
  /** Scripts the `data.statusCode` of the next closeaccount postings (e.g. `96` that still closes). */
  injectPostingCodes(codes: UdaraInjectedCode | readonly UdaraInjectedCode[]): void;
  /** Invalidates every issued token: the next API call answers 401. */
  revokeTokens(): void;
}

export interface Udara360Simulator {
  url: string;
  port: number;
  credentials: { clientId: string; clientSecret: string };
  /** Spread into `createUdara360Adapter({ ...sim.adapterSettings })` to point the adapter here. */
  adapterSettings: { baseUrl: string; clientId: string; clientSecret: string };
  control: Udara360SimulatorControl;
  close(): Promise<void>;
}

const statusSchema = z.number().int().min(1).max(7);
const accountSeedSchema = z.strictObject({
  accountNumber: z.string().min(1).max(150),
  accountStatus: statusSchema.optional(),
  balance: z.number().int().optional(),
  lienAmount: z.number().int().min(0).optional(),
  customerId: z.string().min(1).optional(),
  customerName: z.string().min(1).optional(),
  accountName: z.string().min(1).optional(),
  accountType: z.number().int().min(1).max(2).optional(),
});
const accountPatchSchema = accountSeedSchema.omit({ accountNumber: true });
const injectedCodeSchema = z.strictObject({
  code: z.enum(UDARA_POSTING_CODE_LIST),
  closes: z.boolean().optional(),
  accountNumber: z.string().min(1).optional(),
  times: z.number().int().min(1).optional(),
});

/** Starts a Udara360 simulator on loopback. See docs/simulator.md. */
export async function startUdara360Simulator(
  options: Udara360SimulatorOptions = {},
): Promise<Udara360Simulator> {
  const credentials = {
    clientId: options.clientId ?? UDARA_DEFAULT_CLIENT_ID,
    clientSecret: options.clientSecret ?? UDARA_DEFAULT_CLIENT_SECRET,
  };
  // Udara360 has no closure webhook (§8); the kernel's queue simply stays unused.
  const kernel = new SimulatorKernel(options, (status) =>
    status >= 200 && status < 300 ? 'delivered' : 'retry',
  );
  const state = new UdaraState(kernel, {
    requireZeroBalance: options.requireZeroBalance ?? true,
    closedAccountStatusCode: options.closedAccountStatusCode ?? '26',
  });
  const tokens = new Map<string, number>();
  const used: UdaraUsedReferences = { references: new Map(), instrumentNumbers: new Map() };

  const seedAll = (seeds: readonly UdaraAccountSeed[]) =>
    parseControlInput(z.array(accountSeedSchema), seeds, 'Udara360 accounts').map((seed) => state.seed(seed));

  const control: Udara360SimulatorControl = {
    seedAccounts: seedAll,
    updateAccount: (accountNumber, patch) =>
      state.update(accountNumber, parseControlInput(accountPatchSchema, patch, 'account patch')),
    setBalance: (accountNumber, balance) =>
      state.update(
        accountNumber,
        parseControlInput(accountPatchSchema, { balance: parseBalance(balance) }, 'balance'),
      ),
    getAccount: (accountNumber) => state.get(accountNumber),
    listAccounts: () => state.all(),
    ...kernelControls(kernel),
    reset: () => {
      kernel.reset();
      state.clear();
      tokens.clear();
      used.references.clear();
      used.instrumentNumbers.clear();
      seedAll(options.accounts ?? []);
    },
    injectPostingCodes: (codes) =>
      state.inject(
        parseControlInput(
          z.array(injectedCodeSchema),
          Array.isArray(codes) ? codes : [codes],
          'posting codes',
        ),
      ),
    revokeTokens: () => tokens.clear(),
  };

  const controlRoutes: RouteDefinition[] = [
    ...commonControlRoutes(control, () => describe()),
    {
      method: 'POST',
      pattern: '/posting-codes',
      handler: (request) => {
        const body = readControlBody(request);
        const codes =
          typeof body === 'object' && body !== null && !Array.isArray(body) && 'codes' in body
            ? (body as { codes: UdaraInjectedCode[] }).codes
            : (body as UdaraInjectedCode | UdaraInjectedCode[]);
        control.injectPostingCodes(codes);
        return json(200, { injected: true });
      },
    },
    {
      method: 'POST',
      pattern: '/tokens/revoke',
      handler: () => {
        control.revokeTokens();
        return json(200, { revoked: true });
      },
    },
  ];

  const server = await startSimulatorServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    routes: udaraApiRoutes(
      state,
      kernel,
      {
        ...credentials,
        tokenValiditySec: options.tokenValiditySec ?? 3600,
        authResponseShape: options.authResponseShape ?? 'flat',
        accountStatusFormat: options.accountStatusFormat ?? 'number',
        duplicateReference: options.duplicateReference ?? 'reject',
        strictReferences: options.strictReferences ?? false,
      },
      tokens,
      used,
    ),
    controlRoutes,
    errorResponse: (status, _request, message) => udaraError(status, message),
    faults: kernel.faults,
    counters: kernel.counters,
    caseInsensitivePaths: true,
    onClose: () => kernel.webhooks.close(),
  });
  seedAll(options.accounts ?? []);

  function describe() {
    return {
      provider: 'udara360',
      url: server.url,
      api: [
        'POST /api/auth/v1/authenticate',
        'POST /api/postings/v1/closeaccount',
        'GET /api/account/v1/getbyaccountnumber?AccountNumber=',
        'GET /api/account/v1/getaccountbalancebyaccountnumber?accountNumber=',
        'GET /api/account/v1/SearchAccount?accountNumber=',
        'PUT /api/account/v1/api/account/v1/SearchAccount?accountNumber=',
      ],
      control: controlRoutes.map(
        (route) => `${route.method} /__control${route.pattern === '/' ? '' : route.pattern}`,
      ),
    };
  }

  return {
    url: server.url,
    port: server.port,
    credentials,
    adapterSettings: { baseUrl: server.url, ...credentials },
    control,
    close: () => server.close(),
  };
}
