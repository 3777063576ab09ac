/**
 * Benchmark 1 — adapter overhead: `closeAccount` through each adapter against a hand-written
 * minimal `fetch` of the same request(s), both talking to the same canned-response server
 * (canned-server.ts, its own process). Tokens are fetched once before measuring, so
 * authentication is not in the loop. Closed loop at concurrency 1 and 32, fixed duration per case,
 * several interleaved rounds per case; the reported throughput is the median round.
 */
import { randomUUID } from 'node:crypto';
import type { ClosureAdapter } from '@closekit/core';
import { createEmbeddedPaymentsAdapter, EMBEDDED_PAYMENTS_REASON_TABLE } from '@closekit/embedded-payments';
import { createSolarisAdapter, SOLARIS_REASON_TABLE } from '@closekit/solaris';
import { createUdara360Adapter, UDARA360_REASON_TABLE } from '@closekit/udara360';
import { CANNED, PATHS } from './canned-responses';
import { startChild } from './child-process';
import { type Operation, runForDuration } from './load';
import { median, round } from './stats';
import { printTable } from './table';

export interface OverheadSettings {
  concurrencies: number[];
  roundMs: number;
  rounds: number;
  warmupMs: number;
}

export const DEFAULT_OVERHEAD_SETTINGS: OverheadSettings = {
  concurrencies: [1, 32],
  roundMs: 1000,
  // Seven interleaved rounds: on a small shared VM single rounds vary by several percent.
  rounds: 7,
  warmupMs: 400,
};

/** One measured operation: an adapter call or a raw fetch sequence. */
interface Subject {
  name: string;
  requestsPerOp: number;
  run: Operation;
}

interface Comparison {
  provider: string;
  case: string;
  subject: string;
  baseline: string;
  /** Same HTTP requests on both sides: the target applies. */
  likeForLike: boolean;
  /** Not a target: shows how much of the gap a timeout alone costs. */
  informational?: boolean;
}

export interface SubjectResult {
  name: string;
  concurrency: number;
  opsPerSecRounds: number[];
  opsPerSec: number;
  meanLatencyMs: number;
  requestsPerOpMeasured: number;
  failures: number;
  failureLabels: Record<string, number>;
  clientCpuPercent: number;
  serverCpuPercent: number;
}

export interface ComparisonResult extends Comparison {
  concurrency: number;
  subjectOpsPerSec: number;
  baselineOpsPerSec: number;
  ratio: number;
  /** 1/adapter − 1/raw throughput: the time each closure costs extra (CPU-bound at concurrency 32). */
  addedMicrosPerOp: number;
  target: number;
  targetMet: boolean | null;
}

export interface OverheadResults {
  settings: OverheadSettings;
  subjects: SubjectResult[];
  comparisons: ComparisonResult[];
}

const TARGET = 0.9;
const CLOSE_REQUEST = { accountId: '', reason: 'CUSTOMER_REQUEST' as const };

const adapterOperation =
  (adapter: ClosureAdapter, accountId: string): Operation =>
  async () => {
    const result = await adapter.closeAccount({ ...CLOSE_REQUEST, accountId });
    return result.isOk() ? null : result.error.code;
  };

async function readJson(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

/** One request and its JSON answer: what every hand-written client below is made of. */
type Exchange = (
  url: string,
  init?: RequestInit,
) => Promise<{ status: number; body: Record<string, unknown> }>;

const bare: Exchange = async (url, init) => {
  const response = await fetch(url, init);
  return { status: response.status, body: await readJson(response) };
};

/**
 * The same, with what any production client adds: a per-request timeout through an AbortSignal,
 * cleared once the body is read (as the transport does). undici's fetch does real work for every
 * signal it is given, so these twins show the timeout's own share of the gap.
 */
const timed: Exchange = async (url, init) => {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), 30_000);
  try {
    return await bare(url, { ...init, signal: timeout.signal });
  } finally {
    clearTimeout(timer);
  }
};

/**
 * Hand-written minimal clients: the same method, URL, headers and body as the adapter sends,
 * one JSON parse and a success check; no retry, validation or redaction.
 */
function rawClients(url: string, tokens: { solaris: string; udara: string }, exchange: Exchange) {
  const solarisAcrUrl = `${url}${PATHS.solarisAcr}`;
  const solarisReason = SOLARIS_REASON_TABLE.CUSTOMER_REQUEST as string;
  const epAccountUrl = `${url}${PATHS.epAccount}`;
  const epBalancesUrl = `${url}${PATHS.epBalances}`;
  const epReason = EMBEDDED_PAYMENTS_REASON_TABLE.CUSTOMER_REQUEST as string;
  const udaraCloseUrl = `${url}${PATHS.udaraClose}`;
  const udaraAccount = CANNED.udara360.accountNumber;
  const udaraSearchUrl = `${url}${PATHS.udaraSearch}?accountNumber=${udaraAccount}&PageNumber=1&PageSize=10`;
  const udaraReason = UDARA360_REASON_TABLE.CUSTOMER_REQUEST as string;

  const solarisClose: Operation = async () => {
    const { status, body } = await exchange(solarisAcrUrl, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        authorization: `Bearer ${tokens.solaris}`,
      },
      body: JSON.stringify({ account_id: CANNED.solaris.accountId, closure_reason: solarisReason }),
    });
    return status === 201 && typeof body.id === 'string' ? null : `HTTP ${status}`;
  };

  const epClose: Operation = async () => {
    const { status, body } = await exchange(epAccountUrl, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json', 'request-id': randomUUID() },
      body: JSON.stringify({ state: 'CLOSED', closureReason: epReason }),
    });
    return status === 202 && typeof body.id === 'string' ? null : `HTTP ${status}`;
  };

  const epPreflightThenClose: Operation = async () => {
    const headers = () => ({ accept: 'application/json', 'request-id': randomUUID() });
    const account = (await exchange(epAccountUrl, { headers: headers() })).body;
    if (account.state !== 'OPEN' || account.category !== 'LIMITED_DDA') return 'not closable';
    const balances = (await exchange(epBalancesUrl, { headers: headers() })).body;
    const types = balances.balanceTypes as { amount: number }[];
    if (!types.every((balance) => balance.amount === 0)) return 'non-zero balance';
    return epClose(0);
  };

  const udaraClose: Operation = async () => {
    const { body } = await exchange(udaraCloseUrl, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'Request-Reference': `ck-${randomUUID()}`,
        'content-type': 'application/json',
        authorization: `Bearer ${tokens.udara}`,
      },
      body: JSON.stringify({
        accountNumber: udaraAccount,
        closureReason: udaraReason,
        instrumentNumber: randomUUID(),
      }),
    });
    const data = body.data as { statusCode?: string } | undefined;
    return body.status === true && data?.statusCode === '00' ? null : `statusCode ${data?.statusCode}`;
  };

  const udaraReadThenClose: Operation = async () => {
    const search = (
      await exchange(udaraSearchUrl, {
        headers: { accept: 'application/json', authorization: `Bearer ${tokens.udara}` },
      })
    ).body;
    const records = search.data as { accountNumber: string; accountStatus: number }[];
    const record = records.find((candidate) => candidate.accountNumber === udaraAccount);
    if (record?.accountStatus !== 1) return 'not open';
    return udaraClose(0);
  };

  return { solarisClose, epClose, epPreflightThenClose, udaraClose, udaraReadThenClose };
}

function subjects(url: string, tokens: { solaris: string; udara: string }): Subject[] {
  const raw = rawClients(url, tokens, bare);
  const rawTimed = rawClients(url, tokens, timed);
  const solaris = createSolarisAdapter({
    baseUrl: url,
    authUrl: `${url}${PATHS.solarisToken}`,
    clientId: 'bench-client',
    clientSecret: 'bench-client-secret-0001',
  });
  const udara = createUdara360Adapter({
    baseUrl: url,
    clientId: 'bench-client',
    clientSecret: 'bench-client-secret-0001',
  });
  const ep = createEmbeddedPaymentsAdapter({ baseUrl: `${url}${PATHS.epBase}` });
  const epNoPreflight = createEmbeddedPaymentsAdapter({ baseUrl: `${url}${PATHS.epBase}`, preflight: false });

  return [
    { name: 'solaris adapter', requestsPerOp: 1, run: adapterOperation(solaris, CANNED.solaris.accountId) },
    { name: 'solaris raw fetch: POST', requestsPerOp: 1, run: raw.solarisClose },
    { name: 'solaris raw fetch + timeout: POST', requestsPerOp: 1, run: rawTimed.solarisClose },
    {
      name: 'ep adapter (default, preflight on)',
      requestsPerOp: 3,
      run: adapterOperation(ep, CANNED.embeddedPayments.accountId),
    },
    {
      name: 'ep adapter (preflight off)',
      requestsPerOp: 1,
      run: adapterOperation(epNoPreflight, CANNED.embeddedPayments.accountId),
    },
    { name: 'ep raw fetch: POST', requestsPerOp: 1, run: raw.epClose },
    { name: 'ep raw fetch + timeout: POST', requestsPerOp: 1, run: rawTimed.epClose },
    { name: 'ep raw fetch: GET+GET+POST', requestsPerOp: 3, run: raw.epPreflightThenClose },
    { name: 'ep raw fetch + timeout: GET+GET+POST', requestsPerOp: 3, run: rawTimed.epPreflightThenClose },
    {
      name: 'udara360 adapter (default)',
      requestsPerOp: 2,
      run: adapterOperation(udara, CANNED.udara360.accountNumber),
    },
    { name: 'udara360 raw fetch: POST', requestsPerOp: 1, run: raw.udaraClose },
    { name: 'udara360 raw fetch: GET+POST', requestsPerOp: 2, run: raw.udaraReadThenClose },
    { name: 'udara360 raw fetch + timeout: GET+POST', requestsPerOp: 2, run: rawTimed.udaraReadThenClose },
  ];
}

/** The like-for-like cases: the target applies against bare fetch; the timeout twins are shown beside them. */
const likeForLike = (provider: string, name: string, subject: string, baseline: string): Comparison[] => [
  { provider, case: name, subject, baseline, likeForLike: true },
  {
    provider,
    case: `${name}, vs raw fetch + timeout`,
    subject,
    baseline: baseline.replace(' raw fetch:', ' raw fetch + timeout:'),
    likeForLike: true,
    informational: true,
  },
];

const timeoutShare = (provider: string, requests: string, baseline: string): Comparison => ({
  provider,
  case: `raw fetch + timeout vs raw fetch (${requests})`,
  subject: baseline.replace(' raw fetch:', ' raw fetch + timeout:'),
  baseline,
  likeForLike: true,
  informational: true,
});

const COMPARISONS: Comparison[] = [
  ...likeForLike('solaris', 'default (POST)', 'solaris adapter', 'solaris raw fetch: POST'),
  timeoutShare('solaris', 'POST', 'solaris raw fetch: POST'),
  ...likeForLike(
    'embedded-payments',
    'preflight off (POST)',
    'ep adapter (preflight off)',
    'ep raw fetch: POST',
  ),
  ...likeForLike(
    'embedded-payments',
    'default vs same 3 requests',
    'ep adapter (default, preflight on)',
    'ep raw fetch: GET+GET+POST',
  ),
  timeoutShare('embedded-payments', 'GET+GET+POST', 'ep raw fetch: GET+GET+POST'),
  {
    provider: 'embedded-payments',
    case: 'default vs bare POST',
    subject: 'ep adapter (default, preflight on)',
    baseline: 'ep raw fetch: POST',
    likeForLike: false,
  },
  ...likeForLike(
    'udara360',
    'default vs same 2 requests',
    'udara360 adapter (default)',
    'udara360 raw fetch: GET+POST',
  ),
  timeoutShare('udara360', 'GET+POST', 'udara360 raw fetch: GET+POST'),
  {
    provider: 'udara360',
    case: 'default vs bare POST',
    subject: 'udara360 adapter (default)',
    baseline: 'udara360 raw fetch: POST',
    likeForLike: false,
  },
];

async function rawToken(url: string, init: RequestInit, field: string): Promise<string> {
  const body = await readJson(await fetch(url, init));
  const token = body[field];
  if (typeof token !== 'string') throw new Error(`no ${field} from ${url}`);
  return token;
}

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
    const list = subjects(url, tokens);
    // One call each before measuring: adapters fetch and cache their token here; every subject must succeed.
    for (const subject of list) {
      const failure = await subject.run(0);
      if (failure !== null) throw new Error(`${subject.name} fails against the canned server: ${failure}`);
    }

    const results: SubjectResult[] = [];
    for (const concurrency of settings.concurrencies) {
      for (const subject of list)
        await runForDuration(subject.run, { concurrency, durationMs: settings.warmupMs });
      const rounds = new Map<
        string,
        {
          ops: number[];
          latency: number[];
          requests: number;
          done: number;
          failures: Record<string, number>;
          clientCpu: number;
          serverCpu: number;
          elapsed: number;
        }
      >();
      for (let round = 0; round < settings.rounds; round++) {
        // The order flips each round, so that no subject always inherits the garbage (or the warm
        // caches) of the one before it.
        for (const subject of round % 2 === 0 ? list : list.toReversed()) {
          const before = await serverCounts();
          const clientBefore = process.cpuUsage();
          const outcome = await runForDuration(subject.run, { concurrency, durationMs: settings.roundMs });
          const clientCpu = process.cpuUsage(clientBefore);
          const after = await serverCounts();
          const entry = rounds.get(subject.name) ?? {
            ops: [],
            latency: [],
            requests: 0,
            done: 0,
            failures: {},
            clientCpu: 0,
            serverCpu: 0,
            elapsed: 0,
          };
          entry.ops.push(outcome.opsPerSec);
          entry.latency.push((outcome.elapsedMs * concurrency) / Math.max(1, outcome.ops));
          entry.requests += Object.values(after.counts).reduce((sum, count) => sum + count, 0);
          entry.done += outcome.ops;
          for (const [label, count] of Object.entries(outcome.failureLabels))
            entry.failures[label] = (entry.failures[label] ?? 0) + count;
          entry.clientCpu += (clientCpu.user + clientCpu.system) / 1000;
          entry.serverCpu += (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000;
          entry.elapsed += outcome.elapsedMs;
          rounds.set(subject.name, entry);
        }
      }
      for (const subject of list) {
        const entry = rounds.get(subject.name);
        if (!entry) continue;
        results.push({
          name: subject.name,
          concurrency,
          opsPerSecRounds: entry.ops,
          opsPerSec: round(median(entry.ops)),
          meanLatencyMs: round(median(entry.latency), 3),
          requestsPerOpMeasured: round(entry.requests / Math.max(1, entry.done), 2),
          failures: Object.values(entry.failures).reduce((sum, count) => sum + count, 0),
          failureLabels: entry.failures,
          clientCpuPercent: round((entry.clientCpu / entry.elapsed) * 100),
          serverCpuPercent: round((entry.serverCpu / entry.elapsed) * 100),
        });
      }
    }

    const comparisons: ComparisonResult[] = [];
    for (const concurrency of settings.concurrencies) {
      for (const comparison of COMPARISONS) {
        const subject = results.find((r) => r.name === comparison.subject && r.concurrency === concurrency);
        const baseline = results.find((r) => r.name === comparison.baseline && r.concurrency === concurrency);
        if (!subject || !baseline) continue;
        // Rounds of the two subjects ran close together in time: the median of per-round ratios
        // resists drift from other load on the machine better than a ratio of medians.
        const ratio = median(
          subject.opsPerSecRounds.map(
            (value, index) => value / (baseline.opsPerSecRounds[index] ?? Number.NaN),
          ),
        );
        comparisons.push({
          ...comparison,
          concurrency,
          subjectOpsPerSec: subject.opsPerSec,
          baselineOpsPerSec: baseline.opsPerSec,
          ratio: round(ratio, 3),
          addedMicrosPerOp: round(1e6 / subject.opsPerSec - 1e6 / baseline.opsPerSec),
          target: TARGET,
          targetMet: comparison.likeForLike && !comparison.informational ? ratio >= TARGET : null,
        });
      }
    }
    return { settings, subjects: results, comparisons };
  } finally {
    await server.close();
  }
}

export function printAdapterOverhead(results: OverheadResults): void {
  printTable(
    `1a. Adapter overhead — every subject (median of ${results.settings.rounds} × ${results.settings.roundMs} ms rounds, canned server in its own process)`,
    [
      'subject',
      'conc.',
      'ops/s',
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
      s.meanLatencyMs,
      s.requestsPerOpMeasured,
      s.failures,
      s.clientCpuPercent,
      s.serverCpuPercent,
    ]),
  );
  printTable(
    `1b. Adapter overhead — ratio adapter / raw fetch (median of per-round ratios; target >= ${TARGET * 100}% on like-for-like cases)`,
    [
      'provider',
      'case',
      'conc.',
      'subject ops/s',
      'baseline ops/s',
      'ratio %',
      'added µs/op',
      'like-for-like',
      'target met',
    ],
    results.comparisons.map((c) => [
      c.provider,
      c.case,
      c.concurrency,
      c.subjectOpsPerSec,
      c.baselineOpsPerSec,
      round(c.ratio * 100, 1),
      c.addedMicrosPerOp,
      c.informational ? 'yes (no target)' : c.likeForLike,
      c.targetMet,
    ]),
  );
}
