import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BulkEngine,
  type BulkEngineSettings,
  type BulkInputRow,
  type BulkReportRow,
  openSqliteBulkEngine,
  type SqliteBulkEngineSettings,
} from '@closekit/bulk';
import { createEmbeddedPaymentsAdapter } from '@closekit/embedded-payments';
import { type Simulators, startSimulators } from '@closekit/simulator';
import { createSolarisAdapter, SOLARIS_ACR_PATH } from '@closekit/solaris';
import { createUdara360Adapter, UDARA360_CLOSE_ACCOUNT_PATH } from '@closekit/udara360';
import { renderTable } from '../../render-table';
import type { CommandIo } from '../io';
import { needsAttentionByCode, renderCounts } from './bulk-output';

const PER_PROVIDER = { solaris: 333, 'embedded-payments': 333, udara360: 334 } as const;
const FUNDED_EVERY = 40;

export interface BulkDemoResult {
  problems: string[];
  summary: {
    accounts: number;
    seconds: number;
    counts: Record<string, Record<string, number>>;
    needsAttentionByCode: Record<string, number>;
    closeRequestsBeforeKill: number;
    maxClosuresPerAccount: Record<string, number>;
  };
}

const accountIds = (provider: keyof typeof PER_PROVIDER) =>
  Array.from({ length: PER_PROVIDER[provider] }, (_, index) =>
    provider === 'solaris'
      ? `bulk${String(index).padStart(4, '0')}cacc`
      : provider === 'embedded-payments'
        ? `bulkep${index}`
        : `${5000000000 + index}`,
  );

/**
 * `closekit demo`'s bulk step: 1,000 accounts across the three simulators with faults injected
 * (Solaris 503s, Embedded Payments 429s with Retry-After, Udara360 connections reset after the
 * close was applied), a worker stopped abruptly mid-batch (its store closed with requests in
 * flight, their answers lost) and a second one resuming the run to the end, then the report.
 * Self-contained: its own simulators and a throw-away SQLite file.
 */
export async function runBulkDemoStep(io: CommandIo | null, seed = 1): Promise<BulkDemoResult> {
  const started = performance.now();
  const problems: string[] = [];
  const directory = mkdtempSync(join(tmpdir(), 'closekit-demo-bulk-'));
  const ids = {
    solaris: accountIds('solaris'),
    'embedded-payments': accountIds('embedded-payments'),
    udara360: accountIds('udara360'),
  };
  const funded = (index: number) => (index % FUNDED_EVERY === 7 ? 25 : 0);
  const sims = await startSimulators({
    seed,
    solaris: { accounts: ids.solaris.map((id, index) => ({ id, balance: funded(index) })) },
    embeddedPayments: {
      accounts: ids['embedded-payments'].map((id, index) => ({ id, balance: funded(index) })),
    },
    udara360: {
      accounts: ids.udara360.map((accountNumber, index) => ({ accountNumber, balance: funded(index) * 100 })),
    },
  });
  const bank = setInterval(createBankSide(sims), 100);
  let engine: BulkEngine | undefined;
  try {
    injectFaults(sims);
    const settings: SqliteBulkEngineSettings = {
      path: join(directory, 'demo.sqlite'),
      durability: 'normal',
      concurrency: 16,
      policy: {
        pollIntervalMs: 100,
        maxPollIntervalMs: 400,
        retryBaseMs: 50,
        retryMaxMs: 500,
        maxRateLimitPauseMs: 2_000,
      },
      providers: providersFor(sims),
    };
    const rows: BulkInputRow[] = Object.entries(ids).flatMap(([provider, list]) =>
      list.map((accountId, index) => ({
        line: index + 2,
        provider,
        accountId,
        reason: 'CUSTOMER_REQUEST' as const,
        idempotencyKey: null,
      })),
    );

    engine = await open(settings);
    await engine.importRows(rows);
    // The first worker dies mid-batch: its store is closed with requests in flight.
    const firstRun = engine.runUntil({ until: 'final' });
    const closeRequests = () =>
      [sims.solaris, sims.embeddedPayments, sims.udara360].reduce(
        (sum, sim) => sum + Object.values(sim.control.counters().closeRequests).reduce((a, b) => a + b, 0),
        0,
      );
    while (closeRequests() < 300) await new Promise((resolve) => setTimeout(resolve, 10));
    const closeRequestsBeforeKill = closeRequests();
    await engine.close();
    const stopped = await firstRun;
    if (stopped.isOk()) problems.push('bulk: the first worker finished before it was stopped');

    // A second worker resumes the same store: read-backs first, then the rest, polled to the end.
    engine = await open(settings);
    const finished = await engine.runUntil({ until: 'final' });
    const report = await engine.report();
    if (finished.isErr() || report.isErr()) {
      problems.push(`bulk: the resumed run failed: ${finished.isErr() ? finished.error.message : ''}`);
      return { problems, summary: emptySummary(started) };
    }
    const summary = finished.value;
    const rowsOut: BulkReportRow[] = report.value;
    const maxClosuresPerAccount = {
      solaris: sims.solaris.control.counters().maxClosuresPerAccount,
      'embedded-payments': sims.embeddedPayments.control.counters().maxClosuresPerAccount,
      udara360: sims.udara360.control.counters().maxClosuresPerAccount,
    };
    if (!summary.reached) problems.push('bulk: the run did not reach its goal');
    if (Object.values(maxClosuresPerAccount).some((max) => max > 1))
      problems.push('bulk: an account was closed twice');
    const fundedCount = Object.values(ids).reduce(
      (sum, list) => sum + list.filter((_, index) => funded(index) > 0).length,
      0,
    );
    const closed = Object.values(summary.counts).reduce((sum, counts) => sum + counts.CLOSED, 0);
    // Every account without money is closed; every funded one ends with a person (its code says why).
    if (closed !== rows.length - fundedCount || summary.needsAttention !== fundedCount) {
      problems.push(
        `bulk: expected ${rows.length - fundedCount} CLOSED and ${fundedCount} needing a person, got ${closed} and ${summary.needsAttention}`,
      );
    }
    const result: BulkDemoResult = {
      problems,
      summary: {
        accounts: rows.length,
        seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
        counts: summary.counts,
        needsAttentionByCode: needsAttentionByCode(rowsOut),
        closeRequestsBeforeKill,
        maxClosuresPerAccount,
      },
    };
    if (io) {
      io.out('\n== Step 6: a whole book at once (closekit bulk run, SQLite engine)\n');
      io.out(
        `${rows.length} accounts across three providers; faults: Solaris 503s, Embedded Payments 429 + Retry-After, Udara360 resets after the close was applied.`,
      );
      io.out(
        `A worker was stopped abruptly after ${closeRequestsBeforeKill} close requests; a second one resumed the run.\n`,
      );
      io.out(renderCounts(summary));
      io.out(
        `\n${renderTable(
          Object.entries(result.summary.needsAttentionByCode).map(([outcome, accounts]) => ({
            outcome,
            accounts,
          })),
          ['outcome', 'accounts'],
        )}`,
      );
      io.out(
        `\nMost closures applied to one account: ${Object.entries(maxClosuresPerAccount)
          .map(([provider, max]) => `${provider} ${max}`)
          .join(
            ', ',
          )}. Funded accounts end as NEEDS_ACTION (EP, Udara360) or FAILED (Solaris fails the ACR later).`,
      );
    }
    return result;
  } finally {
    clearInterval(bank);
    await engine?.close();
    await sims.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

async function open(settings: Parameters<typeof openSqliteBulkEngine>[0]): Promise<BulkEngine> {
  const opened = await openSqliteBulkEngine(settings);
  if (opened.isErr()) throw opened.error;
  return opened.value;
}

function providersFor(sims: Simulators): BulkEngineSettings['providers'] {
  const fast = { timeoutMs: 5_000, backoff: { baseDelayMs: 20, maxDelayMs: 200 } };
  return [
    {
      name: 'solaris',
      requestsPerSecond: 200,
      createAdapter: (fetch) => createSolarisAdapter({ ...sims.solaris.adapterSettings, ...fast, fetch }),
    },
    {
      name: 'embedded-payments',
      requestsPerSecond: 200,
      createAdapter: (fetch) =>
        createEmbeddedPaymentsAdapter({ ...sims.embeddedPayments.adapterSettings, ...fast, fetch }),
    },
    {
      name: 'udara360',
      requestsPerSecond: 200,
      createAdapter: (fetch) => createUdara360Adapter({ ...sims.udara360.adapterSettings, ...fast, fetch }),
    },
  ];
}

function injectFaults(sims: Simulators): void {
  sims.solaris.control.injectFaults([
    {
      match: { method: 'POST', path: SOLARIS_ACR_PATH },
      fault: { type: 'status', code: 503 },
      times: 20,
    },
  ]);
  sims.embeddedPayments.control.injectFaults([
    { match: { method: 'GET' }, fault: { type: 'status', code: 429, retryAfter: 1 }, times: 5 },
  ]);
  sims.udara360.control.injectFaults([
    {
      match: { method: 'POST', path: UDARA360_CLOSE_ACCOUNT_PATH },
      fault: { type: 'reset-after' },
      times: 10,
    },
  ]);
}

/**
 * The banks' side: Solaris runs the lifecycle of each ACR requested, EP's servicing team closes
 * each account pending close. Only accounts asked to close and not yet settled are touched.
 */
function createBankSide(sims: Simulators): () => void {
  const settled = new Set<string>();
  return () => {
    for (const accountId of Object.keys(sims.solaris.control.counters().closeRequests)) {
      if (settled.has(accountId)) continue;
      try {
        sims.solaris.control.advance({ accountId, to: 'end' });
        settled.add(accountId);
      } catch {
        // The request was refused or faulted: no ACR to run.
      }
    }
    for (const accountId of Object.keys(sims.embeddedPayments.control.counters().closeRequests)) {
      if (settled.has(accountId)) continue;
      try {
        const outcome = sims.embeddedPayments.control.service(accountId);
        if (outcome.outcome !== 'blocked' || outcome.reason !== 'NOT_PENDING_CLOSE') settled.add(accountId);
      } catch {
        settled.add(accountId);
      }
    }
  };
}

function emptySummary(started: number): BulkDemoResult['summary'] {
  return {
    accounts: 0,
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    counts: {},
    needsAttentionByCode: {},
    closeRequestsBeforeKill: 0,
    maxClosuresPerAccount: {},
  };
}
