import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Simulators, startSimulators } from '@closekit/simulator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
// Test support of @closekit/bulk (not published): a throw-away redis-server.
import { type RedisServer, startRedisServer } from '../../../../bulk/src/redis/testing/start-redis-server';
import { captureIo } from '../io';
import { runBulk } from './bulk-command';
import type { ProgressSink } from './bulk-progress';

const directory = mkdtempSync(join(tmpdir(), 'closekit-cli-bulk-redis-'));
let redis: RedisServer;
let sims: Simulators;
let env: Record<string, string>;

const SOLARIS = ['r1cacc', 'r2cacc', 'r3cacc'];
const EP = ['epr01', 'epr02'];

beforeAll(async () => {
  redis = await startRedisServer();
  sims = await startSimulators({
    seed: 21,
    solaris: { accounts: SOLARIS.map((id) => ({ id })) },
    embeddedPayments: { accounts: [{ id: 'epr01' }, { id: 'epr02', balance: 12 }] },
  });
  env = {
    SOLARIS_BASE_URL: sims.solaris.adapterSettings.baseUrl,
    SOLARIS_AUTH_URL: sims.solaris.adapterSettings.authUrl,
    SOLARIS_CLIENT_ID: sims.solaris.adapterSettings.clientId,
    SOLARIS_CLIENT_SECRET: sims.solaris.adapterSettings.clientSecret,
    EMBEDDED_PAYMENTS_BASE_URL: sims.embeddedPayments.adapterSettings.baseUrl,
  };
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await sims?.close();
  await redis?.stop();
  rmSync(directory, { recursive: true, force: true });
});

const quiet = (): ProgressSink => ({ isTTY: false, write: () => undefined });

describe('closekit bulk run, worker, status and report with --redis', { timeout: 60_000 }, () => {
  it('runs on Redis with an extra worker, resumes without asking twice, and reads the run back', async () => {
    const input = join(directory, 'book.csv');
    writeFileSync(
      input,
      [
        'provider,accountId,reason',
        ...[...SOLARIS.map((id) => `solaris,${id}`), ...EP.map((id) => `embedded-payments,${id}`)].map(
          (row) => `${row},CUSTOMER_REQUEST`,
        ),
      ].join('\n'),
    );
    const url = `${redis.url}/3`;
    const argv = [
      'bulk',
      'run',
      '--input',
      input,
      '--redis',
      url,
      '--until',
      'submitted',
      '--rate',
      'solaris=40',
      '--json',
    ];

    const io = captureIo();
    const code = await runBulk(argv.slice(1), { io, env, progress: quiet() });
    // An extra worker joins the run (it polls what was submitted) while the run is started again.
    const stopWorker = new AbortController();
    const workerIo = captureIo();
    const worker = runBulk(['worker', '--redis', url], { io: workerIo, env, signal: stopWorker.signal });
    expect(io.stderr).toEqual([]);
    const summary = JSON.parse(io.stdout.join('\n'));
    expect(summary).toMatchObject({
      goal: 'submitted',
      reached: true,
      total: 5,
      imported: { added: 5, existing: 0 },
    });
    expect(summary.counts.solaris.SUBMITTED).toBe(3);
    expect(summary.counts['embedded-payments']).toMatchObject({ SUBMITTED: 1, NEEDS_ACTION: 1 });
    expect(code).toBe(1);

    const again = captureIo();
    await runBulk(argv.slice(1), { io: again, env, progress: quiet() });
    expect(JSON.parse(again.stdout.join('\n')).imported).toEqual({ added: 0, existing: 5 });
    stopWorker.abort();
    expect(await worker).toBe(0);
    expect(workerIo.stdout[0]).toMatch(
      /^worker: working (solaris, embedded-payments|embedded-payments, solaris) on /,
    );
    for (const sim of [sims.solaris, sims.embeddedPayments]) {
      expect(sim.control.counters().maxCloseRequestsPerAccount).toBe(1);
      expect(sim.control.counters().maxClosuresPerAccount).toBe(1);
    }

    const status = captureIo();
    expect(await runBulk(['status', '--redis', url, '--json'], { io: status, env })).toBe(0);
    expect(JSON.parse(status.stdout.join('\n')).counts.solaris).toMatchObject({ QUEUED: 0, SUBMITTED: 3 });
    const report = captureIo();
    expect(await runBulk(['report', '--redis', url, '--format', 'json'], { io: report, env })).toBe(0);
    const rows = JSON.parse(report.stdout.join('\n'));
    expect(rows.map((row: { accountId: string }) => row.accountId)).toEqual([...EP, ...SOLARIS]);
    expect(rows[1]).toMatchObject({
      provider: 'embedded-payments',
      state: 'NEEDS_ACTION',
      code: 'NON_ZERO_BALANCE',
    });
  });

  it('exits 2 naming --redis when the server cannot be reached, for status and report as for run', async () => {
    // Nothing listens on port 1 of loopback.
    for (const argv of [
      ['status', '--redis', 'redis://127.0.0.1:1'],
      ['report', '--redis', 'redis://127.0.0.1:1'],
    ]) {
      const io = captureIo();
      expect(await runBulk(argv, { io, env })).toBe(2);
      expect(io.stderr.join('\n')).toMatch(
        /--redis: .*Redis redis:\/\/127\.0\.0\.1:1\): connect ECONNREFUSED/,
      );
    }
  });
});
