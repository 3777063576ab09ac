import { z } from 'zod';
import { SimulatorControlError } from './control-error';
import type { FaultRule, FaultRuleState } from './fault-rules';
import type { SimulatorCounters } from './request-counters';
import { json, parseJsonBody, type RouteDefinition, type SimRequest } from './sim-http';
import type { SimulatorKernel } from './simulator-kernel';
import { parseControlInput } from './validate-control-input';
import type { WebhookDelivery } from './webhook-dispatcher';

/** The control surface every simulator offers, in-process and (same names) over HTTP. */
export interface CommonSimulatorControl<AccountSeed, Account, AccountPatch> {
  /** Adds accounts, or replaces those with the same id. */
  seedAccounts(accounts: readonly AccountSeed[]): Account[];
  updateAccount(accountId: string, patch: AccountPatch): Account;
  setBalance(accountId: string, balance: number): Account;
  getAccount(accountId: string): Account | null;
  listAccounts(): Account[];
  /** Where webhooks go from now on; null stops delivery. */
  setWebhookUrl(url: string | null): void;
  injectFaults(rules: FaultRule | readonly FaultRule[]): FaultRuleState[];
  clearFaults(): void;
  faults(): FaultRuleState[];
  counters(): SimulatorCounters;
  /** How many closures were applied to one account. */
  closuresApplied(accountId: string): number;
  webhookDeliveries(): WebhookDelivery[];
  /** Resolves when every queued webhook is delivered or has given up. */
  flushWebhooks(): Promise<void>;
  /** Back to the state right after start (seeded accounts from options, fresh PRNG streams). */
  reset(): void;
}

/** The controls that only touch the shared kernel (webhooks, faults, counters): the same in every simulator. */
export function kernelControls(
  kernel: SimulatorKernel,
): Pick<
  CommonSimulatorControl<unknown, unknown, unknown>,
  | 'setWebhookUrl'
  | 'injectFaults'
  | 'clearFaults'
  | 'faults'
  | 'counters'
  | 'closuresApplied'
  | 'webhookDeliveries'
  | 'flushWebhooks'
> {
  return {
    setWebhookUrl: (url) => kernel.webhooks.setUrl(url),
    injectFaults: (rules) => kernel.faults.add(rules),
    clearFaults: () => kernel.faults.clear(),
    faults: () => kernel.faults.list(),
    counters: () => kernel.counters.snapshot(),
    closuresApplied: (accountId) => kernel.counters.closuresFor(accountId),
    webhookDeliveries: () => kernel.webhooks.deliveries(),
    flushWebhooks: () => kernel.webhooks.flush(),
  };
}

export function readControlBody(request: SimRequest): unknown {
  const parsed = parseJsonBody(request.rawBody);
  return parsed.ok ? parsed.value : undefined;
}

const webhookUrlSchema = z.strictObject({ url: z.union([z.url({ protocol: /^https?$/ }), z.null()]) });
const balanceSchema = z.strictObject({ balance: z.number().finite() });

export function parseWebhookUrl(input: unknown): string | null {
  return parseControlInput(webhookUrlSchema, input, 'webhook registration').url;
}

export function parseBalance(input: unknown): number {
  return parseControlInput(balanceSchema, { balance: input }, 'balance').balance;
}

/** `{accounts: [...]}`, a bare array or one account object. */
function accountList(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (typeof body === 'object' && body !== null && 'accounts' in body) {
    const accounts = (body as { accounts: unknown }).accounts;
    if (Array.isArray(accounts)) return accounts;
  }
  if (body === undefined) throw new SimulatorControlError(400, 'INVALID_CONTROL_INPUT', 'Body required');
  return [body];
}

function faultList(body: unknown): FaultRule[] {
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'rules' in body) {
    return (body as { rules: FaultRule[] }).rules;
  }
  return (Array.isArray(body) ? body : [body]) as FaultRule[];
}

/** HTTP twin of CommonSimulatorControl, mounted under /__control. */
export function commonControlRoutes<Seed, Account, Patch>(
  control: CommonSimulatorControl<Seed, Account, Patch>,
  describe: () => unknown,
): RouteDefinition[] {
  return [
    { method: 'GET', pattern: '/', handler: () => json(200, describe()) },
    { method: 'GET', pattern: '/accounts', handler: () => json(200, { accounts: control.listAccounts() }) },
    {
      method: 'POST',
      pattern: '/accounts',
      handler: (request) =>
        json(200, { accounts: control.seedAccounts(accountList(readControlBody(request)) as Seed[]) }),
    },
    {
      method: 'GET',
      pattern: '/accounts/:id',
      handler: (_request, params) => {
        const id = params.id as string;
        const account = control.getAccount(id);
        if (account === null) {
          throw new SimulatorControlError(404, 'ACCOUNT_NOT_FOUND', `No seeded account with id '${id}'`);
        }
        return json(200, account);
      },
    },
    {
      method: 'PATCH',
      pattern: '/accounts/:id',
      handler: (request, params) =>
        json(200, control.updateAccount(params.id as string, (readControlBody(request) ?? {}) as Patch)),
    },
    {
      method: 'PUT',
      pattern: '/webhook',
      handler: (request) => {
        const url = parseWebhookUrl(readControlBody(request));
        control.setWebhookUrl(url);
        return json(200, { url });
      },
    },
    {
      method: 'GET',
      pattern: '/webhooks',
      handler: () => json(200, { deliveries: control.webhookDeliveries() }),
    },
    {
      method: 'POST',
      pattern: '/webhooks/flush',
      handler: async () => {
        await control.flushWebhooks();
        return json(200, { deliveries: control.webhookDeliveries() });
      },
    },
    { method: 'GET', pattern: '/faults', handler: () => json(200, { rules: control.faults() }) },
    {
      method: 'POST',
      pattern: '/faults',
      handler: (request) => json(200, { rules: control.injectFaults(faultList(readControlBody(request))) }),
    },
    {
      method: 'DELETE',
      pattern: '/faults',
      handler: () => {
        control.clearFaults();
        return json(200, { rules: [] });
      },
    },
    { method: 'GET', pattern: '/counters', handler: () => json(200, control.counters()) },
    {
      method: 'POST',
      pattern: '/reset',
      handler: () => {
        control.reset();
        return json(200, { reset: true });
      },
    },
  ];
}
