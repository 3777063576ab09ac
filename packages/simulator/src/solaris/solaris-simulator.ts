import { hmacSha256Hex } from '@closekit/core/adapter';
import { z } from 'zod';
import {
  type CommonSimulatorControl,
  commonControlRoutes,
  kernelControls,
  parseBalance,
  readControlBody,
} from '../common/common-control';
import { unknownAccount } from '../common/control-error';
import { createPrng } from '../common/prng';
import { json, type RouteDefinition } from '../common/sim-http';
import { type CommonSimulatorOptions, SimulatorKernel } from '../common/simulator-kernel';
import { startSimulatorServer } from '../common/simulator-server';
import { parseControlInput } from '../common/validate-control-input';
import { solarisApiRoutes } from './solaris-routes';
import {
  type SolarisAccount,
  type SolarisAccountPatch,
  type SolarisAccountSeed,
  SolarisState,
  type SolarisWebhookEventType,
} from './solaris-state';
import {
  SOLARIS_FAILURE_DETAILS,
  SOLARIS_INTERNAL_REASONS,
  SOLARIS_PARTNER_REASONS,
  type SolarisFailureCode,
  type SolarisWireAcr,
  solarisError,
  toWireAcr,
} from './solaris-wire';

export const SOLARIS_DEFAULT_CLIENT_ID = 'solaris-sim-client';
export const SOLARIS_DEFAULT_CLIENT_SECRET = 'solaris-sim-secret';
export const SOLARIS_DEFAULT_WEBHOOK_SECRET = 'solaris-sim-webhook-secret';

export interface SolarisSimulatorOptions extends CommonSimulatorOptions {
  /** Accepted OAuth client id; default `solaris-sim-client`. */
  clientId?: string;
  /** Accepted OAuth client secret; default `solaris-sim-secret`. */
  clientSecret?: string;
  /** HMAC-SHA256 key of `Solaris-Webhook-Signature`; default `solaris-sim-webhook-secret`. */
  webhookSecret?: string;
  /** `expires_in` of issued tokens; default 3599 (§1). */
  tokenTtlSeconds?: number;
  /** Status of a successful token answer; default 200 (the public mock answers 201). */
  tokenResponseStatus?: number;
  /** How ACR creation is refused for an account under a compliance block (undocumented status). */
  complianceBlockResponse?: { status?: number; code?: string; detail?: string };
  /**
   * The create reasons this partner has agreed with Solaris (the guide asks partners to consult
   * Solaris before using any reason but CUSTOMER_WISH, §3). Another reason is refused with
   * 403 `unauthorized_action` "Action blocked by token policy" (a policy refusal, §5 X1).
   * Default: every partner reason.
   */
  agreedReasons?: readonly string[];
  /** Accounts present from the start (and again after `reset`). */
  accounts?: readonly SolarisAccountSeed[];
}

export type SolarisClosureRef = { closureId?: string; accountId?: string };

export interface SolarisSimulatorControl
  extends CommonSimulatorControl<SolarisAccountSeed, SolarisAccount, SolarisAccountPatch> {
  /** Moves an ACR one lifecycle step (`to: 'next'`, default) or until it is terminal (`to: 'end'`). */
  advance(ref: SolarisClosureRef & { to?: 'next' | 'end' }): SolarisWireAcr;
  /** A Solaris-initiated closure: a new ACR with an `*_INTERNAL` reason and an ACCOUNT_CLOSURE_REQUEST webhook. */
  createProviderClosure(input: { accountId: string; reason?: string }): SolarisWireAcr;
  /** Ends an open ACR as FAILED with a documented failure code (default `forced_failure`). */
  failClosure(ref: SolarisClosureRef & { code?: SolarisFailureCode }): SolarisWireAcr;
  /** Ends an open ACR as REVOKED (Solaris only). */
  revokeClosure(ref: SolarisClosureRef): SolarisWireAcr;
  getClosure(closureId: string): SolarisWireAcr | null;
  listClosures(): SolarisWireAcr[];
  /** Invalidates every issued token: the next API call answers 401 invalid_token. */
  revokeTokens(): void;
}

export interface SolarisSimulator {
  url: string;
  port: number;
  /** `${url}/oauth2/token`: point the adapter's `authUrl` here. */
  tokenUrl: string;
  credentials: { clientId: string; clientSecret: string; webhookSecret: string };
  /** Spread into `createSolarisAdapter({ ...sim.adapterSettings })` to point the adapter here. */
  adapterSettings: {
    baseUrl: string;
    authUrl: string;
    clientId: string;
    clientSecret: string;
    webhookSecrets: string[];
  };
  control: SolarisSimulatorControl;
  close(): Promise<void>;
}

const accountSeedSchema = z.strictObject({
  id: z.string().min(1),
  balance: z.number().finite().optional(),
  status: z.string().min(1).optional(),
  complianceBlock: z.boolean().optional(),
  iban: z.string().min(1).optional(),
  personId: z.string().min(1).nullable().optional(),
  businessId: z.string().min(1).nullable().optional(),
});
const accountPatchSchema = accountSeedSchema.omit({ id: true });
const refSchema = {
  closureId: z.string().min(1).optional(),
  accountId: z.string().min(1).optional(),
};
const advanceSchema = z.strictObject({ ...refSchema, to: z.enum(['next', 'end']).optional() });
const failSchema = z.strictObject({
  ...refSchema,
  code: z
    .enum(Object.keys(SOLARIS_FAILURE_DETAILS) as [SolarisFailureCode, ...SolarisFailureCode[]])
    .optional(),
});
const providerClosureSchema = z.strictObject({
  accountId: z.string().min(1),
  reason: z.enum(SOLARIS_INTERNAL_REASONS).optional(),
});

const EVENT_TYPES: readonly SolarisWebhookEventType[] = [
  'ACCOUNT_CLOSURE_REQUEST',
  'ACCOUNT_CLOSURE_REQUEST_UPDATE',
  'ACCOUNT_CLOSURE',
];

/** Starts a Solaris simulator on loopback. See docs/simulator.md. */
export async function startSolarisSimulator(
  options: SolarisSimulatorOptions = {},
): Promise<SolarisSimulator> {
  const credentials = {
    clientId: options.clientId ?? SOLARIS_DEFAULT_CLIENT_ID,
    clientSecret: options.clientSecret ?? SOLARIS_DEFAULT_CLIENT_SECRET,
    webhookSecret: options.webhookSecret ?? SOLARIS_DEFAULT_WEBHOOK_SECRET,
  };
  // §8: 2xx delivered; 410 (subscription cancelled) and 422 (rejected) are not retried.
  const kernel = new SimulatorKernel(options, (status) =>
    status >= 200 && status < 300 ? 'delivered' : status === 410 || status === 422 ? 'stop' : 'retry',
  );
  const subscriptionPrng = createPrng(options.seed ?? 1, 'subscriptions');
  const subscriptionIds = new Map(EVENT_TYPES.map((type) => [type, subscriptionPrng.uuid()]));
  const tokens = new Map<string, number>();

  const state = new SolarisState(kernel, (eventType, entityId, payload) => {
    const eventId = kernel.events.uuid();
    const body = JSON.stringify(payload);
    const signature = `sha256=${hmacSha256Hex(credentials.webhookSecret, body)}`;
    kernel.webhooks.enqueue({
      eventId,
      eventType,
      body,
      headers: (attempt) => ({
        'Content-Type': 'application/json',
        'Solaris-Webhook-Id': eventId,
        'Solaris-Webhook-Subscription-Id': subscriptionIds.get(eventType) as string,
        'Solaris-Webhook-Event-Type': eventType,
        'Solaris-Entity-Id': entityId,
        'Solaris-Webhook-Attempt': String(attempt),
        'Solaris-Webhook-Signature': signature,
      }),
    });
  });

  const seedAll = (seeds: readonly SolarisAccountSeed[]) =>
    parseControlInput(z.array(accountSeedSchema), seeds, 'Solaris accounts').map((seed) => state.seed(seed));

  const control: SolarisSimulatorControl = {
    seedAccounts: seedAll,
    updateAccount: (accountId, patch) =>
      state.update(accountId, parseControlInput(accountPatchSchema, patch, 'account patch')),
    setBalance: (accountId, balance) => state.update(accountId, { balance: parseBalance(balance) }),
    getAccount: (accountId) => state.account(accountId),
    listAccounts: () => state.allAccounts(),
    ...kernelControls(kernel),
    reset: () => {
      kernel.reset();
      state.clear();
      tokens.clear();
      seedAll(options.accounts ?? []);
    },
    advance: (input) => {
      const ref = parseControlInput(advanceSchema, input, 'advance request');
      const acr = state.resolve(ref);
      state.advance(acr);
      while (ref.to === 'end' && !['COMPLETED', 'FAILED', 'REVOKED'].includes(acr.status)) state.advance(acr);
      return toWireAcr(acr);
    },
    createProviderClosure: (input) => {
      const parsed = parseControlInput(providerClosureSchema, input, 'provider closure');
      const outcome = state.create(
        parsed.accountId,
        parsed.reason ?? 'COMPLIANCE_IMMEDIATE_INTERNAL',
        'provider',
      );
      if (outcome.kind === 'unknown-account') throw unknownAccount(parsed.accountId);
      if (outcome.kind === 'compliance-block')
        throw new Error('unreachable: provider closures ignore blocks');
      return toWireAcr(outcome.acr);
    },
    failClosure: (input) => {
      const ref = parseControlInput(failSchema, input, 'fail request');
      return toWireAcr(state.fail(state.resolve(ref), ref.code ?? 'forced_failure'));
    },
    revokeClosure: (input) => {
      const ref = parseControlInput(z.strictObject(refSchema), input, 'revoke request');
      return toWireAcr(state.revoke(state.resolve(ref)));
    },
    getClosure: (closureId) => {
      const acr = state.acr(closureId);
      return acr === null ? null : toWireAcr(acr);
    },
    listClosures: () => state.list({}).map(toWireAcr),
    revokeTokens: () => tokens.clear(),
  };

  const controlRoutes: RouteDefinition[] = [
    ...commonControlRoutes(control, () => describe()),
    {
      method: 'POST',
      pattern: '/advance',
      handler: (request) => json(200, control.advance(readControlBody(request) as SolarisClosureRef)),
    },
    {
      method: 'POST',
      pattern: '/provider-closures',
      handler: (request) =>
        json(
          201,
          control.createProviderClosure(readControlBody(request) as { accountId: string; reason?: string }),
        ),
    },
    { method: 'GET', pattern: '/closures', handler: () => json(200, { closures: control.listClosures() }) },
    {
      method: 'GET',
      pattern: '/closures/:id',
      handler: (_request, params) => json(200, toWireAcr(state.resolve({ closureId: params.id as string }))),
    },
    {
      method: 'POST',
      pattern: '/closures/:id/fail',
      handler: (request, params) => {
        const body = (readControlBody(request) ?? {}) as { code?: SolarisFailureCode };
        return json(200, control.failClosure({ ...body, closureId: params.id as string }));
      },
    },
    {
      method: 'POST',
      pattern: '/closures/:id/revoke',
      handler: (_request, params) => json(200, control.revokeClosure({ closureId: params.id as string })),
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

  const blockResponse = options.complianceBlockResponse ?? {};
  const server = await startSimulatorServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    routes: solarisApiRoutes(
      state,
      kernel,
      {
        ...credentials,
        tokenTtlSeconds: options.tokenTtlSeconds ?? 3599,
        tokenResponseStatus: options.tokenResponseStatus ?? 200,
        agreedReasons: options.agreedReasons ?? SOLARIS_PARTNER_REASONS,
        complianceBlockResponse: {
          status: blockResponse.status ?? 403,
          code: blockResponse.code ?? 'unauthorized_action',
          detail:
            blockResponse.detail ??
            'The account is under a compliance block: no account closure request can be created.',
        },
      },
      tokens,
    ),
    controlRoutes,
    errorResponse: (status, _request, message) => solarisError(status, message, () => kernel.traces.uuid()),
    faults: kernel.faults,
    counters: kernel.counters,
    onClose: () => kernel.webhooks.close(),
  });
  seedAll(options.accounts ?? []);

  function describe() {
    return {
      provider: 'solaris',
      url: server.url,
      tokenUrl: `${server.url}/oauth2/token`,
      api: [
        'POST /oauth2/token',
        'POST /v1/account_closure_requests',
        'GET /v1/account_closure_requests',
        'GET /v1/account_closure_requests/:id',
      ],
      control: controlRoutes.map(
        (route) => `${route.method} /__control${route.pattern === '/' ? '' : route.pattern}`,
      ),
      webhookUrl: kernel.webhooks.getUrl(),
    };
  }

  const tokenUrl = `${server.url}/oauth2/token`;
  return {
    url: server.url,
    port: server.port,
    tokenUrl,
    credentials,
    adapterSettings: {
      baseUrl: server.url,
      authUrl: tokenUrl,
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      webhookSecrets: [credentials.webhookSecret],
    },
    control,
    close: () => server.close(),
  };
}
