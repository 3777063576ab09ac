/**
 * Benchmark 1 — adapter overhead. For each provider case, `closeAccount` through the adapter runs
 * beside the same HTTP requests sent three other ways, all against one canned-response server
 * (canned-server.ts, its own process):
 * - raw fetch + timeout: a hand-written `fetch` client with the adapters' per-request timeout. This
 *   is the baseline: a client without a timeout is not one anyone should ship to close accounts.
 * - ky: the peer a user would pick instead, with the same timeout and the same retries on the
 *   same statuses.
 * - raw fetch: the same hand-written client without a timeout, as context only.
 * Tokens are fetched once before measuring, so authentication is not in the loop. Closed loop at
 * each concurrency, interleaved rounds of a fixed duration; client CPU is `process.cpuUsage()`
 * around each round divided by the closures it finished. Adapters are built through their public
 * factories and settings only.
 */
import type { ClosureAdapter } from '@closekit/core';
import { createEmbeddedPaymentsAdapter } from '@closekit/embedded-payments';
import { createSolarisAdapter } from '@closekit/solaris';
import { createUdara360Adapter } from '@closekit/udara360';
import { CANNED, PATHS, udaraAccountNumber } from './canned-responses';
import { startChild } from './child-process';
import { type Operation, runForDuration } from './load';
import { clientsByKind, type HandWritten, MAX_RETRIES, rawToken, TIMEOUT_MS } from './overhead-clients';
import {
  type CaseResult,
  type ClientKind,
  caseResults,
  KINDS,
  type SubjectResult,
  summaryLines,
  TARGET,
} from './overhead-results';
import { median, round } from './stats';
import { printTable } from './table';

export interface OverheadSettings {
  concurrencies: number[];
  roundMs: number;
  rounds: number;
  warmupMs: number;
  /** Also measure the hand-written client without a timeout (context only, no target). */
  withoutTimeout: boolean;
}

export const DEFAULT_OVERHEAD_SETTINGS: OverheadSettings = {
  concurrencies: [1, 32],
  roundMs: 1000,
  // Seven interleaved rounds: on a small shared VM single rounds vary by several percent.
  rounds: 7,
  warmupMs: 400,
  withoutTimeout: true,
};

/** `--quick`: shorter rounds and no context client, so that the overhead alone takes under two minutes. */
export const QUICK_OVERHEAD_SETTINGS: OverheadSettings = {
  concurrencies: [1, 32],
  roundMs: 500,
  rounds: 5,
  warmupMs: 250,
  withoutTimeout: false,
};

/** One measured operation: an adapter call or the same requests by another client. */
interface Subject {
  case: string;
  kind: ClientKind;
  name: string;
  requests: string;
  requestsPerOp: number;
  run: Operation;
}

export interface OverheadResults {
  settings: OverheadSettings;
  timeoutMs: number;
  maxRetries: number;
  subjects: SubjectResult[];
  cases: CaseResult[];
  /** The `overhead:` lines, one per case. */
  summary: string[];
}

/** A provider case: one adapter configuration and the same requests written by hand. */
interface Case {
  name: string;
  requests: string;
  requestsPerOp: number;
  adapter: ClosureAdapter;
  /** The account operation `index` closes. */
  accountId: (index: number) => string;
  handWritten: (clients: HandWritten) => Operation;
}

function cases(url: string): Case[] {
  const common = { timeoutMs: TIMEOUT_MS, maxRetries: MAX_RETRIES };
  const credentials = { clientId: 'bench-client', clientSecret: 'bench-client-secret-0001' };
  const epBaseUrl = `${url}${PATHS.epBase}`;
  return [
    {
      name: 'solaris',
      requests: 'POST',
      requestsPerOp: 1,
      adapter: createSolarisAdapter({
        ...common,
        ...credentials,
        baseUrl: url,
        authUrl: `${url}${PATHS.solarisToken}`,
      }),
      accountId: () => CANNED.solaris.accountId,
      handWritten: (clients) => clients.solarisClose,
    },
    {
      name: 'embedded-payments pre-flight off',
      requests: 'POST',
      requestsPerOp: 1,
      adapter: createEmbeddedPaymentsAdapter({ ...common, baseUrl: epBaseUrl, preflight: false }),
      accountId: () => CANNED.embeddedPayments.accountId,
      handWritten: (clients) => clients.epClose,
    },
    {
      name: 'embedded-payments default',
      requests: 'GET+GET+POST',
      requestsPerOp: 3,
      adapter: createEmbeddedPaymentsAdapter({ ...common, baseUrl: epBaseUrl }),
      accountId: () => CANNED.embeddedPayments.accountId,
      handWritten: (clients) => clients.epPreflightThenClose,
    },
    {
      name: 'udara360',
      // status read, balance read (closing there is irreversible), close
      requests: 'GET+GET+POST',
      requestsPerOp: 3,
      adapter: createUdara360Adapter({ ...common, ...credentials, baseUrl: url }),
      // Its closes of one account run one at a time: each operation closes another account.
      accountId: udaraAccountNumber,
      handWritten: (clients) => clients.udaraReadThenClose,
    },
  ];
}

/** A client that throws (ky on a timeout, fetch on a refused connection) counts a failure instead. */
const settled =
  (run: Operation): Operation =>
  async (index) => {
    try {
      return await run(index);
    } catch (error) {
      return error instanceof Error ? error.name : 'thrown';
    }
  };

function subjects(
  url: string,
  tokens: { solaris: string; udara: string },
  settings: OverheadSettings,
): Subject[] {
  const kinds = KINDS.filter((kind) => settings.withoutTimeout || kind !== 'raw fetch');
  const clients = clientsByKind(url, tokens);
  return cases(url).flatMap((entry) =>
    kinds.map((kind): Subject => {
      const run: Operation =
        kind === 'adapter'
          ? async (index) => {
              const result = await entry.adapter.closeAccount({
                accountId: entry.accountId(index),
                reason: 'CUSTOMER_REQUEST',
              });
              return result.isOk() ? null : result.error.code;
            }
          : entry.handWritten(clients[kind]);
      return {
        case: entry.name,
        kind,
        name: kind === 'adapter' ? `${entry.name} adapter` : `${entry.name} ${kind}: ${entry.requests}`,
        requests: entry.requests,
        requestsPerOp: entry.requestsPerOp,
        run: settled(run),
      };
    }),
  );
}

interface Rounds {
  ops: number[];
  cpuMicrosPerOp: number[];
  latency: number[];
  requests: number;
  done: number;
  failures: Record<string, number>;
  clientCpuMs: number;
  serverCpuMs: number;
  elapsedMs: number;
}

const emptyRounds = (): Rounds => ({
  ops: [],
  cpuMicrosPerOp: [],
  latency: [],
  requests: 0,
  done: 0,
  failures: {},
  clientCpuMs: 0,
  serverCpuMs: 0,
  elapsedMs: 0,
});

export async function benchAdapterOverhead(
  settings: OverheadSettings = DEFAULT_OVERHEAD_SETTINGS,
): Promise<OverheadResults> {
  const server = await startChild<{ type: 'ready'; url: string }>('./canned-server.ts');
  const serverCounts = () => server.call<{ counts: Record<string, number>; cpu: NodeJS.CpuUsage }>('counts');
  try {
    const url = server.ready.url;
    const tokens = {
      solaris: await rawToken(
        `${url}${PATHS.solarisToken}`,
        {
          method: 'POST',
          body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'partners' }),
        },
        'access_token',
      ),
      udara: await rawToken(
        `${url}${PATHS.udaraAuth}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ clientId: 'bench-client', clientSecret: 'bench-client-secret-0001' }),
        },
        'accessToken',
      ),
    };
    const list = subjects(url, tokens, settings);
    // One call each before measuring: adapters fetch and cache their token here; every subject must succeed.
    for (const subject of list) {
      const failure = await subject.run(0);
      if (failure !== null) throw new Error(`${subject.name} fails against the canned server: ${failure}`);
    }

    const results: SubjectResult[] = [];
    for (const concurrency of settings.concurrencies) {
      for (const subject of list)
        await runForDuration(subject.run, { concurrency, durationMs: settings.warmupMs });
      const rounds = new Map(list.map((subject) => [subject.name, emptyRounds()]));
      for (let index = 0; index < settings.rounds; index++) {
        // The order flips each round, so that no subject always inherits the garbage (or the warm
        // caches) of the one before it.
        for (const subject of index % 2 === 0 ? list : list.toReversed()) {
          const entry = rounds.get(subject.name) ?? emptyRounds();
          const before = await serverCounts();
          const clientBefore = process.cpuUsage();
          const outcome = await runForDuration(subject.run, { concurrency, durationMs: settings.roundMs });
          const clientCpu = process.cpuUsage(clientBefore);
          const after = await serverCounts();
          const clientMicros = clientCpu.user + clientCpu.system;
          entry.ops.push(outcome.opsPerSec);
          entry.cpuMicrosPerOp.push(clientMicros / Math.max(1, outcome.ops));
          entry.latency.push((outcome.elapsedMs * concurrency) / Math.max(1, outcome.ops));
          entry.requests += Object.values(after.counts).reduce((sum, count) => sum + count, 0);
          entry.done += outcome.ops;
          for (const [label, count] of Object.entries(outcome.failureLabels))
            entry.failures[label] = (entry.failures[label] ?? 0) + count;
          entry.clientCpuMs += clientMicros / 1000;
          entry.serverCpuMs +=
            (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000;
          entry.elapsedMs += outcome.elapsedMs;
        }
      }
      for (const subject of list) {
        const entry = rounds.get(subject.name) ?? emptyRounds();
        results.push({
          name: subject.name,
          case: subject.case,
          requests: subject.requests,
          kind: subject.kind,
          concurrency,
          opsPerSecRounds: entry.ops,
          cpuMicrosPerOpRounds: entry.cpuMicrosPerOp,
          opsPerSec: round(median(entry.ops)),
          cpuMicrosPerOp: round(median(entry.cpuMicrosPerOp)),
          meanLatencyMs: round(median(entry.latency), 3),
          requestsPerOpMeasured: round(entry.requests / Math.max(1, entry.done), 2),
          failures: Object.values(entry.failures).reduce((sum, count) => sum + count, 0),
          failureLabels: entry.failures,
          clientCpuPercent: round((entry.clientCpuMs / entry.elapsedMs) * 100),
          serverCpuPercent: round((entry.serverCpuMs / entry.elapsedMs) * 100),
        });
      }
    }

    const byCase = caseResults(results);
    return {
      settings,
      timeoutMs: TIMEOUT_MS,
      maxRetries: MAX_RETRIES,
      subjects: results,
      cases: byCase,
      summary: summaryLines(byCase),
    };
  } finally {
    await server.close();
  }
}

export function printAdapterOverhead(results: OverheadResults): void {
  const { rounds, roundMs } = results.settings;
  printTable(
    `1a. Adapter overhead: every subject (median of ${rounds} × ${roundMs} ms rounds, canned server in its own process)`,
    [
      'subject',
      'conc.',
      'ops/s',
      'client CPU µs/closure',
      'mean latency ms',
      'HTTP req/op',
      'failures',
      'client CPU %',
      'server CPU %',
    ],
    results.subjects.map((s) => [
      s.name,
      s.concurrency,
      s.opsPerSec,
      s.cpuMicrosPerOp,
      s.meanLatencyMs,
      s.requestsPerOpMeasured,
      s.failures,
      s.clientCpuPercent,
      s.serverCpuPercent,
    ]),
  );
  printTable(
    `1b. Adapter overhead: throughput as % of raw fetch + timeout (median of per-round ratios; target: adapter >= ${TARGET * 100}% and >= ky)`,
    [
      'case',
      'requests',
      'conc.',
      'adapter %',
      'ky %',
      'adapter % of no-timeout fetch',
      'CPU µs/closure: adapter',
      'fetch + timeout',
      'ky',
      'target met',
    ],
    results.cases.map((c) => [
      c.case,
      c.requests,
      c.concurrency,
      round(c.adapterRatio * 100, 1),
      round(c.kyRatio * 100, 1),
      c.adapterRatioWithoutTimeout === null ? null : round(c.adapterRatioWithoutTimeout * 100, 1),
      c.cpuMicrosPerOp.adapter ?? null,
      c.cpuMicrosPerOp['raw fetch + timeout'] ?? null,
      c.cpuMicrosPerOp.ky ?? null,
      c.targetMet,
    ]),
  );
}
