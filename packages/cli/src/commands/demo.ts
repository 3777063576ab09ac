import {
  type Closure,
  type ClosureAdapter,
  type ClosureClient,
  type ClosureError,
  createClosureClient,
  type HttpHooks,
} from '@closekit/core';
import { createEmbeddedPaymentsAdapter } from '@closekit/embedded-payments';
import {
  type Simulators,
  startSimulators,
  startWebhookReceiver,
  type WebhookReceiver,
} from '@closekit/simulator';
import { createSolarisAdapter, SOLARIS_ACR_PATH } from '@closekit/solaris';
import { createUdara360Adapter, UDARA360_CLOSE_ACCOUNT_PATH } from '@closekit/udara360';
import type { Result } from 'neverthrow';
import { closureRow } from '../format-closure';
import { renderTable, type TableRow } from '../render-table';
import { runBulkDemoStep } from './bulk/bulk-demo';
import type { CommandIo } from './io';
import { EXIT_CODES, type ExitCode } from './output';

/** The demo's accounts: one that closes and one with money left, at each provider. */
export const DEMO_ACCOUNTS = {
  solaris: { closes: '5526853938474f3e92b22a03ea57a544cacc', funded: '7f0e3b1c2d4a4e5f8a9b0c1d2e3f4a5bcacc' },
  'embedded-payments': { closes: '0030000131', funded: '0030000132' },
  udara360: { closes: '1100000001', funded: '1100000002' },
} as const;
type DemoProvider = keyof typeof DEMO_ACCOUNTS;
const DEMO_PROVIDERS = [
  'solaris',
  'embedded-payments',
  'udara360',
] as const satisfies readonly DemoProvider[];
type ByProvider<T> = Record<DemoProvider, T>;

/** Runs one call per provider concurrently; the answers keyed by provider. */
async function atEveryProvider<T>(call: (provider: DemoProvider) => PromiseLike<T>): Promise<ByProvider<T>> {
  const results = await Promise.all(DEMO_PROVIDERS.map(call));
  return Object.fromEntries(
    DEMO_PROVIDERS.map((provider, index) => [provider, results[index]]),
  ) as ByProvider<T>;
}

export interface DemoOptions {
  seed?: number;
  json?: boolean;
}

interface DemoRun {
  sims: Simulators;
  receiver: WebhookReceiver;
  client: ClosureClient;
  retries: {
    provider: string;
    operation: string;
    attempt: number;
    errorCode: string;
    status: number | null;
  }[];
}

async function startDemo(seed: number): Promise<DemoRun> {
  const sims = await startSimulators({ seed });
  const receiver = await startWebhookReceiver();
  const retries: DemoRun['retries'] = [];
  const hooks: HttpHooks = {
    onRetry: ({ provider, operation, attempt, errorCode, status }) =>
      retries.push({ provider, operation, attempt, errorCode, status }),
  };
  const fast = { backoff: { baseDelayMs: 20, maxDelayMs: 200 }, timeoutMs: 5_000, hooks };

  sims.solaris.control.seedAccounts([
    { id: DEMO_ACCOUNTS.solaris.closes, balance: 0 },
    { id: DEMO_ACCOUNTS.solaris.funded, balance: 125.5 },
  ]);
  sims.embeddedPayments.control.seedAccounts([
    { id: DEMO_ACCOUNTS['embedded-payments'].closes, category: 'LIMITED_DDA', balance: 0 },
    { id: DEMO_ACCOUNTS['embedded-payments'].funded, category: 'LIMITED_DDA', balance: 42 },
  ]);
  sims.udara360.control.seedAccounts([
    { accountNumber: DEMO_ACCOUNTS.udara360.closes, balance: 0 },
    { accountNumber: DEMO_ACCOUNTS.udara360.funded, balance: 500_050 },
  ]);
  sims.solaris.control.setWebhookUrl(`${receiver.url}/solaris`);
  sims.embeddedPayments.control.setWebhookUrl(`${receiver.url}/embedded-payments`);

  const adapters: ClosureAdapter[] = [
    createSolarisAdapter({ ...fast, ...sims.solaris.adapterSettings }),
    createEmbeddedPaymentsAdapter({ ...fast, ...sims.embeddedPayments.adapterSettings }),
    createUdara360Adapter({ ...fast, ...sims.udara360.adapterSettings }),
  ];
  const providerOf = new Map<string, string>(
    DEMO_PROVIDERS.flatMap((provider) =>
      Object.values(DEMO_ACCOUNTS[provider]).map((accountId) => [accountId, provider] as const),
    ),
  );
  const client = createClosureClient({ adapters, route: (accountId) => providerOf.get(accountId) });
  return { sims, receiver, client, retries };
}

type ClosureResult = Result<Closure, ClosureError>;

/** One printed step: its title, its table, an optional note, and what did not behave as documented. */
interface DemoStep {
  title: string;
  rows: TableRow[];
  note?: string;
  problems: string[];
}

const closureOrFailureRow = (provider: DemoProvider, result: ClosureResult): TableRow =>
  result.isOk() ? closureRow(result.value) : { provider, failure: result.error.code };

function outcomeRow(provider: DemoProvider, accountId: string, result: ClosureResult): TableRow {
  if (result.isOk()) {
    const closure = result.value;
    return {
      provider,
      account: accountId,
      outcome: `closure ${closure.state.unified}`,
      code: closure.failure?.code ?? null,
      'provider said': closure.failure?.providerCode ?? closure.state.raw,
    };
  }
  const error = result.error;
  return {
    provider,
    account: accountId,
    outcome: 'refused',
    code: error.code,
    'provider said': error.providerCode ?? (error.httpStatus ? `HTTP ${error.httpStatus}` : 'nothing sent'),
  };
}

/** Step 1: the same call at every provider; the client routes by account. */
async function closeAtEveryProvider(run: DemoRun): Promise<DemoStep & { closes: ByProvider<ClosureResult> }> {
  const closes = await atEveryProvider((provider) =>
    run.client.closeAccount({
      accountId: DEMO_ACCOUNTS[provider].closes,
      reason: 'CUSTOMER_REQUEST',
      idempotencyKey: `demo-${provider}-1`,
    }),
  );
  return {
    title: 'Step 1: closeAccount({ accountId, reason: "CUSTOMER_REQUEST" }) at three providers',
    rows: DEMO_PROVIDERS.map((provider) => closureOrFailureRow(provider, closes[provider])),
    note: 'One call, one vocabulary: Solaris and Embedded Payments close asynchronously (REQUESTED/PENDING), Udara360 at once (CLOSED).',
    problems: DEMO_PROVIDERS.flatMap((provider) => {
      const result = closes[provider];
      return result.isOk() ? [] : [`closing at ${provider} failed: ${result.error.message}`];
    }),
    closes,
  };
}

/** Step 2: money left on the account: each provider says so its own way; closekit says NON_ZERO_BALANCE. */
async function refuseFundedAccounts(run: DemoRun): Promise<DemoStep> {
  const funded = await atEveryProvider((provider) =>
    run.client.closeAccount({ accountId: DEMO_ACCOUNTS[provider].funded, reason: 'CUSTOMER_REQUEST' }),
  );
  // Solaris accepts the request and fails it later: read the closure back after its lifecycle ran.
  let solaris = funded.solaris;
  if (solaris.isOk()) {
    const { closureId } = solaris.value;
    run.sims.solaris.control.advance({ closureId, to: 'end' });
    solaris = await run.client.getClosure({ provider: 'solaris', closureId });
  }
  const outcomes: ByProvider<ClosureResult> = { ...funded, solaris };
  return {
    title: 'Step 2: an account with money left, at each provider',
    rows: DEMO_PROVIDERS.map((provider) =>
      outcomeRow(provider, DEMO_ACCOUNTS[provider].funded, outcomes[provider]),
    ),
    note: 'Three different provider answers (an asynchronous FAILED ACR, a local pre-flight refusal, posting code 51), one neutral code.',
    problems: DEMO_PROVIDERS.flatMap((provider) => {
      const result = outcomes[provider];
      const code = result.isOk() ? result.value.failure?.code : result.error.code;
      return code === 'NON_ZERO_BALANCE' ? [] : [`${provider}: expected NON_ZERO_BALANCE, got ${code}`];
    }),
  };
}

/** Step 3: lifecycles run at the providers; getClosure reads the result the same way everywhere. */
async function runLifecycles(run: DemoRun, closes: ByProvider<ClosureResult>): Promise<DemoStep> {
  const solaris = closes.solaris;
  if (solaris.isOk()) run.sims.solaris.control.advance({ closureId: solaris.value.closureId, to: 'end' });
  run.sims.embeddedPayments.control.service(DEMO_ACCOUNTS['embedded-payments'].closes);
  const statuses = await atEveryProvider((provider) =>
    run.client.getClosure({ provider, accountId: DEMO_ACCOUNTS[provider].closes }),
  );
  return {
    title: 'Step 3: the providers run their lifecycles; getClosure',
    rows: DEMO_PROVIDERS.map((provider) => closureOrFailureRow(provider, statuses[provider])),
    problems: DEMO_PROVIDERS.flatMap((provider) => {
      const result = statuses[provider];
      return result.isOk() && result.value.state.unified === 'CLOSED'
        ? []
        : [`${provider}: not CLOSED after its lifecycle`];
    }),
  };
}

/** Step 4: webhooks verified against the raw bytes, then normalised; a tampered copy refused. */
async function verifyWebhooks(run: DemoRun): Promise<DemoStep> {
  const { sims, receiver, client } = run;
  await Promise.all([sims.solaris.control.flushWebhooks(), sims.embeddedPayments.control.flushWebhooks()]);
  const rows: TableRow[] = [];
  for (const webhook of receiver.received) {
    const provider = webhook.path.split('/').at(-1) ?? '';
    const parsed = await client.parseWebhook({
      provider,
      rawBody: webhook.rawBody,
      headers: webhook.headers,
    });
    rows.push(
      parsed.isOk()
        ? {
            provider,
            event: parsed.value.eventId.slice(0, 24),
            type: parsed.value.type,
            account: parsed.value.accountId,
            state: parsed.value.closure?.state.unified ?? null,
            verified: 'yes',
          }
        : {
            provider,
            event: null,
            type: null,
            account: null,
            state: null,
            verified: `no: ${parsed.error.code}`,
          },
    );
  }
  const problems: string[] = [];
  const closedAt = (provider: DemoProvider) =>
    rows.some((row) => row.type === 'ACCOUNT_CLOSED' && row.provider === provider);
  if (!closedAt('solaris')) problems.push('no Solaris ACCOUNT_CLOSURE webhook');
  if (!closedAt('embedded-payments')) problems.push('no Embedded Payments ACCOUNT_CLOSED notification');
  if (!rows.every((row) => row.verified === 'yes')) problems.push('a genuine webhook failed verification');
  const genuine = receiver.received.find((webhook) => webhook.path.endsWith('/solaris'));
  if (genuine) {
    const tampered = await client.parseWebhook({
      provider: 'solaris',
      rawBody: genuine.rawBody.replace('"', '"x'),
      headers: genuine.headers,
    });
    const code = tampered.isErr() ? tampered.error.code : 'accepted';
    if (code !== 'WEBHOOK_SIGNATURE_INVALID') problems.push('a tampered webhook was not refused');
    rows.push({
      provider: 'solaris',
      event: '(tampered copy)',
      type: null,
      account: null,
      state: null,
      verified: `no: ${code}`,
    });
  }
  return {
    title: 'Step 4: webhooks received, verified and normalised',
    rows,
    note: 'Udara360 documents no closure webhook: confirm its closures with getClosure (step 3).',
    problems,
  };
}

/** Step 5: a provider failing mid-call does not make closekit close twice. */
async function injectFaults(run: DemoRun): Promise<DemoStep> {
  const { sims, client } = run;
  const udaraAccount = '1100000003';
  const solarisAccount = '9a9b9c9d9e9f4a4b8c8d8e8f9a9b9c9dcacc';
  sims.udara360.control.seedAccounts([{ accountNumber: udaraAccount, balance: 0 }]);
  sims.udara360.control.injectFaults([
    {
      match: { method: 'POST', path: UDARA360_CLOSE_ACCOUNT_PATH },
      fault: { type: 'reset-after' },
      times: 1,
    },
  ]);
  sims.solaris.control.seedAccounts([{ id: solarisAccount, balance: 0 }]);
  sims.solaris.control.injectFaults([
    { match: { method: 'POST', path: SOLARIS_ACR_PATH }, fault: { type: 'status', code: 503 }, times: 2 },
  ]);
  const [afterReset, after503s] = await Promise.all([
    client.closeAccount({ provider: 'udara360', accountId: udaraAccount, reason: 'CUSTOMER_REQUEST' }),
    client.closeAccount({ provider: 'solaris', accountId: solarisAccount, reason: 'CUSTOMER_REQUEST' }),
  ]);
  const again = await client.closeAccount({
    accountId: DEMO_ACCOUNTS.solaris.closes,
    reason: 'CUSTOMER_REQUEST',
    idempotencyKey: 'demo-solaris-1',
  });
  const counters: ByProvider<{ maxClosuresPerAccount: number }> = {
    solaris: sims.solaris.control.counters(),
    'embedded-payments': sims.embeddedPayments.control.counters(),
    udara360: sims.udara360.control.counters(),
  };
  const problems: string[] = [];
  if (!afterReset.isOk() || !after503s.isOk()) problems.push('a resilience scenario failed');
  if (DEMO_PROVIDERS.some((provider) => counters[provider].maxClosuresPerAccount > 1))
    problems.push('an account was closed twice');
  return {
    title: 'Step 5: faults injected; no account closed twice',
    rows: [
      {
        scenario: 'Udara360: connection reset after the bank closed the account',
        result: afterReset.isOk()
          ? `ok, ${afterReset.value.state.unified} (read back, not re-sent)`
          : afterReset.error.code,
      },
      {
        scenario: 'Solaris: two 503s, then success',
        result: after503s.isOk() ? `ok, ${after503s.value.state.unified}` : after503s.error.code,
      },
      {
        scenario: 'Solaris: the first account closed again (same call repeated)',
        result: again.isOk()
          ? `ok, existing closure returned (${again.value.state.unified})`
          : again.error.code,
      },
      ...DEMO_PROVIDERS.map((provider) => ({
        scenario: `${provider}: most closures applied to one account`,
        result: counters[provider].maxClosuresPerAccount,
      })),
    ],
    note: `Retries made by the transport: ${run.retries.length}`,
    problems,
  };
}

/**
 * `closekit demo`: one unified closure flow across the three simulated providers. Returns the
 * exit code: 0 when every step behaved as documented, 1 otherwise.
 */
export async function runDemo(options: DemoOptions, io: CommandIo): Promise<ExitCode> {
  const started = performance.now();
  const run = await startDemo(options.seed ?? 2026);
  const steps: DemoStep[] = [];
  const show = (step: DemoStep) => {
    steps.push(step);
    if (options.json) return;
    io.out(`\n== ${step.title}\n`);
    io.out(renderTable(step.rows));
    if (step.note) io.out(`\n${step.note}`);
  };

  try {
    if (!options.json) {
      io.out('closekit demo: one closure flow, three banks (local simulators, no credentials, no network)');
      io.out(
        `Solaris ${run.sims.solaris.url} | Embedded Payments ${run.sims.embeddedPayments.url} | Udara360 ${run.sims.udara360.url}`,
      );
    }
    const first = await closeAtEveryProvider(run);
    show(first);
    show(await refuseFundedAccounts(run));
    show(await runLifecycles(run, first.closes));
    show(await verifyWebhooks(run));
    show(await injectFaults(run));
    // A whole book at once (@closekit/bulk): self-contained in commands/bulk/bulk-demo.ts.
    const bulk = await runBulkDemoStep(options.json ? null : io, options.seed);

    const problems = [...steps.flatMap((step) => step.problems), ...bulk.problems];
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (options.json) {
      const report = Object.fromEntries(steps.map((step) => [step.title, step.rows]));
      io.out(
        JSON.stringify(
          {
            ok: problems.length === 0,
            problems,
            seconds: Number(seconds),
            steps: report,
            bulk: bulk.summary,
          },
          null,
          2,
        ),
      );
    } else if (problems.length === 0) {
      io.out(`\nDemo finished in ${seconds} s: every step behaved as documented.`);
    } else {
      io.out(
        `\nDemo finished in ${seconds} s with ${problems.length} unexpected result(s):\n- ${problems.join('\n- ')}`,
      );
    }
    return problems.length === 0 ? EXIT_CODES.OK : EXIT_CODES.FAILURE;
  } finally {
    await run.receiver.close();
    await run.sims.close();
  }
}
