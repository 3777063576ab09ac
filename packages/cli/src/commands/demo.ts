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
import { createSolarisAdapter } from '@closekit/solaris';
import { createUdara360Adapter } from '@closekit/udara360';
import { closureRow } from '../format-closure';
import { renderTable, type TableRow } from '../render-table';
import { runBulkDemoStep } from './bulk/bulk-demo';
import type { CommandIo } from './io';

/** The demo's accounts: one that closes and one with money left, at each provider. */
export const DEMO_ACCOUNTS = {
  solaris: { closes: '5526853938474f3e92b22a03ea57a544cacc', funded: '7f0e3b1c2d4a4e5f8a9b0c1d2e3f4a5bcacc' },
  'embedded-payments': { closes: '0030000131', funded: '0030000132' },
  udara360: { closes: '1100000001', funded: '1100000002' },
} as const;
type DemoProvider = keyof typeof DEMO_ACCOUNTS;
const DEMO_PROVIDERS = Object.keys(DEMO_ACCOUNTS) as DemoProvider[];

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

const outcomeRow = (
  provider: string,
  accountId: string,
  result: { isOk(): boolean; value?: Closure; error?: ClosureError },
): TableRow => {
  if (result.isOk()) {
    const closure = result.value as Closure;
    return {
      provider,
      account: accountId,
      outcome: `closure ${closure.state.unified}`,
      code: closure.failure?.code ?? null,
      'provider said': closure.failure?.providerCode ?? closure.state.raw,
    };
  }
  const error = result.error as ClosureError;
  return {
    provider,
    account: accountId,
    outcome: 'refused',
    code: error.code,
    'provider said': error.providerCode ?? (error.httpStatus ? `HTTP ${error.httpStatus}` : 'nothing sent'),
  };
};

/**
 * `closekit demo`: one unified closure flow across the three simulated providers. Returns the
 * exit code: 0 when every step behaved as documented, 1 otherwise.
 */
export async function runDemo(options: DemoOptions, io: CommandIo): Promise<number> {
  const started = performance.now();
  const run = await startDemo(options.seed ?? 2026);
  const { sims, receiver, client } = run;
  const problems: string[] = [];
  const expect = (condition: boolean, problem: string) => {
    if (!condition) problems.push(problem);
  };
  const report: Record<string, unknown> = {};
  const section = (title: string, rows: TableRow[], note?: string) => {
    report[title] = rows;
    if (options.json) return;
    io.out(`\n== ${title}\n`);
    io.out(renderTable(rows));
    if (note) io.out(`\n${note}`);
  };

  try {
    if (!options.json) {
      io.out('closekit demo: one closure flow, three banks (local simulators, no credentials, no network)');
      io.out(
        `Solaris ${sims.solaris.url} | Embedded Payments ${sims.embeddedPayments.url} | Udara360 ${sims.udara360.url}`,
      );
    }

    // 1. The same call at every provider; the client routes by account.
    const closes = await Promise.all(
      DEMO_PROVIDERS.map((provider) =>
        client.closeAccount({
          accountId: DEMO_ACCOUNTS[provider].closes,
          reason: 'CUSTOMER_REQUEST',
          idempotencyKey: `demo-${provider}-1`,
        }),
      ),
    );
    const closeRows = closes.map((result, index) => {
      expect(
        result.isOk(),
        `closing at ${DEMO_PROVIDERS[index]} failed: ${result.isErr() ? result.error.message : ''}`,
      );
      return result.isOk()
        ? closureRow(result.value)
        : { provider: DEMO_PROVIDERS[index], failure: result.error.code };
    });
    section(
      'Step 1: closeAccount({ accountId, reason: "CUSTOMER_REQUEST" }) at three providers',
      closeRows,
      'One call, one vocabulary: Solaris and Embedded Payments close asynchronously (REQUESTED/PENDING), Udara360 at once (CLOSED).',
    );

    // 2. Money left on the account: each provider says so its own way; closekit says NON_ZERO_BALANCE.
    const funded = await Promise.all(
      DEMO_PROVIDERS.map((provider) =>
        client.closeAccount({ accountId: DEMO_ACCOUNTS[provider].funded, reason: 'CUSTOMER_REQUEST' }),
      ),
    );
    const solarisFunded = funded[0];
    if (solarisFunded?.isOk())
      sims.solaris.control.advance({ closureId: solarisFunded.value.closureId, to: 'end' });
    const fundedOutcomes = await Promise.all(
      DEMO_PROVIDERS.map(async (provider, index) => {
        const result = funded[index];
        // Solaris accepts the request and fails it later: read the closure back after its lifecycle ran.
        if (provider === 'solaris' && result?.isOk())
          return client.getClosure({ provider, closureId: result.value.closureId });
        return result;
      }),
    );
    const refusalRows = fundedOutcomes.map((result, index) => {
      const provider = DEMO_PROVIDERS[index] as DemoProvider;
      const code =
        result === undefined ? undefined : result.isOk() ? result.value.failure?.code : result.error.code;
      expect(code === 'NON_ZERO_BALANCE', `${provider}: expected NON_ZERO_BALANCE, got ${code}`);
      return outcomeRow(provider, DEMO_ACCOUNTS[provider].funded, result as never);
    });
    section(
      'Step 2: an account with money left, at each provider',
      refusalRows,
      'Three different provider answers (an asynchronous FAILED ACR, a local pre-flight refusal, posting code 51), one neutral code.',
    );

    // 3. Lifecycles run at the providers; getClosure reads the result the same way everywhere.
    const solarisClosure = closes[0];
    if (solarisClosure?.isOk())
      sims.solaris.control.advance({ closureId: solarisClosure.value.closureId, to: 'end' });
    sims.embeddedPayments.control.service(DEMO_ACCOUNTS['embedded-payments'].closes);
    const statuses = await Promise.all(
      DEMO_PROVIDERS.map((provider) =>
        client.getClosure({ provider, accountId: DEMO_ACCOUNTS[provider].closes }),
      ),
    );
    const statusRows = statuses.map((result, index) => {
      expect(
        result.isOk() && result.value.state.unified === 'CLOSED',
        `${DEMO_PROVIDERS[index]}: not CLOSED after its lifecycle`,
      );
      return result.isOk()
        ? closureRow(result.value)
        : { provider: DEMO_PROVIDERS[index], failure: result.error.code };
    });
    section('Step 3: the providers run their lifecycles; getClosure', statusRows);

    // 4. Webhooks: verified against the raw bytes, then normalised.
    await Promise.all([sims.solaris.control.flushWebhooks(), sims.embeddedPayments.control.flushWebhooks()]);
    const webhookRows: TableRow[] = [];
    for (const webhook of receiver.received) {
      const provider = webhook.path.split('/').at(-1) ?? '';
      const parsed = await client.parseWebhook({
        provider,
        rawBody: webhook.rawBody,
        headers: webhook.headers,
      });
      webhookRows.push(
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
    expect(
      webhookRows.some((row) => row.type === 'ACCOUNT_CLOSED' && row.provider === 'solaris'),
      'no Solaris ACCOUNT_CLOSURE webhook',
    );
    expect(
      webhookRows.some((row) => row.type === 'ACCOUNT_CLOSED' && row.provider === 'embedded-payments'),
      'no Embedded Payments ACCOUNT_CLOSED notification',
    );
    expect(
      webhookRows.every((row) => row.verified === 'yes'),
      'a genuine webhook failed verification',
    );
    const forged = receiver.received.find((webhook) => webhook.path.endsWith('/solaris'));
    if (forged) {
      const tampered = await client.parseWebhook({
        provider: 'solaris',
        rawBody: forged.rawBody.replace('"', '"x'),
        headers: forged.headers,
      });
      const code = tampered.isErr() ? tampered.error.code : 'accepted';
      expect(code === 'WEBHOOK_SIGNATURE_INVALID', 'a tampered webhook was not refused');
      webhookRows.push({
        provider: 'solaris',
        event: '(tampered copy)',
        type: null,
        account: null,
        state: null,
        verified: `no: ${code}`,
      });
    }
    section(
      'Step 4: webhooks received, verified and normalised',
      webhookRows,
      'Udara360 documents no closure webhook: confirm its closures with getClosure (step 3).',
    );

    // 5. Resilience: a provider failing mid-call does not make closekit close twice.
    sims.udara360.control.seedAccounts([{ accountNumber: '1100000003', balance: 0 }]);
    sims.udara360.control.injectFaults([
      {
        match: { method: 'POST', path: '/api/postings/v1/closeaccount' },
        fault: { type: 'reset-after' },
        times: 1,
      },
    ]);
    sims.solaris.control.seedAccounts([{ id: '9a9b9c9d9e9f4a4b8c8d8e8f9a9b9c9dcacc', balance: 0 }]);
    sims.solaris.control.injectFaults([
      {
        match: { method: 'POST', path: '/v1/account_closure_requests' },
        fault: { type: 'status', code: 503 },
        times: 2,
      },
    ]);
    const resilient = await Promise.all([
      client.closeAccount({ provider: 'udara360', accountId: '1100000003', reason: 'CUSTOMER_REQUEST' }),
      client.closeAccount({
        provider: 'solaris',
        accountId: '9a9b9c9d9e9f4a4b8c8d8e8f9a9b9c9dcacc',
        reason: 'CUSTOMER_REQUEST',
      }),
    ]);
    const again = await client.closeAccount({
      accountId: DEMO_ACCOUNTS.solaris.closes,
      reason: 'CUSTOMER_REQUEST',
      idempotencyKey: 'demo-solaris-1',
    });
    const counters = {
      solaris: sims.solaris.control.counters(),
      'embedded-payments': sims.embeddedPayments.control.counters(),
      udara360: sims.udara360.control.counters(),
    };
    const resilienceRows: TableRow[] = [
      {
        scenario: 'Udara360: connection reset after the bank closed the account',
        result: resilient[0].isOk()
          ? `ok, ${resilient[0].value.state.unified} (read back, not re-sent)`
          : resilient[0].error.code,
      },
      {
        scenario: 'Solaris: two 503s, then success',
        result: resilient[1].isOk() ? `ok, ${resilient[1].value.state.unified}` : resilient[1].error.code,
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
    ];
    expect(
      resilient.every((result) => result.isOk()),
      'a resilience scenario failed',
    );
    expect(
      DEMO_PROVIDERS.every((provider) => counters[provider].maxClosuresPerAccount <= 1),
      'an account was closed twice',
    );
    section(
      'Step 5: faults injected; no account closed twice',
      resilienceRows,
      `Retries made by the transport: ${run.retries.length}`,
    );

    // 6. A whole book at once (@closekit/bulk): self-contained in commands/bulk/bulk-demo.ts.
    const bulk = await runBulkDemoStep(options.json ? null : io, options.seed);
    problems.push(...bulk.problems);

    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (options.json) {
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
    return problems.length === 0 ? 0 : 1;
  } finally {
    await receiver.close();
    await sims.close();
  }
}
