import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Simulators, startSimulators } from '@closekit/simulator';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { captureIo } from '../io';
import { runBulk } from './bulk-command';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const PER_PROVIDER = 30;
const ids = (make: (index: number) => string) =>
  Array.from({ length: PER_PROVIDER }, (_, index) => make(index));
const SOLARIS = ids((index) => `crash${index}cacc`);
const EP = ids((index) => `epcrash${index}`);
const UDARA = ids((index) => `${4000000000 + index}`);

const directory = mkdtempSync(join(tmpdir(), 'closekit-cli-crash-'));
let sims: Simulators | undefined;
let child: ChildProcess | undefined;

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  vi.unstubAllEnvs();
  await sims?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('closekit bulk run (SQLite): the process SIGKILLed mid-batch, then resumed', {
  timeout: 120_000,
}, () => {
  it('asks each account to close once per logical attempt and closes each exactly once', async () => {
    sims = await startSimulators({
      seed: 5,
      solaris: { accounts: SOLARIS.map((id) => ({ id })) },
      embeddedPayments: { accounts: EP.map((id) => ({ id })) },
      udara360: { accounts: UDARA.map((accountNumber) => ({ accountNumber })) },
    });
    const env: Record<string, string> = {
      SOLARIS_BASE_URL: sims.solaris.adapterSettings.baseUrl,
      SOLARIS_AUTH_URL: sims.solaris.adapterSettings.authUrl,
      SOLARIS_CLIENT_ID: sims.solaris.adapterSettings.clientId,
      SOLARIS_CLIENT_SECRET: sims.solaris.adapterSettings.clientSecret,
      EMBEDDED_PAYMENTS_BASE_URL: sims.embeddedPayments.adapterSettings.baseUrl,
      UDARA360_BASE_URL: sims.udara360.adapterSettings.baseUrl,
      UDARA360_CLIENT_ID: sims.udara360.adapterSettings.clientId,
      UDARA360_CLIENT_SECRET: sims.udara360.adapterSettings.clientSecret,
    };
    const rows = [
      ...SOLARIS.map((id) => `solaris,${id},CUSTOMER_REQUEST`),
      ...EP.map((id) => `embedded-payments,${id},CUSTOMER_REQUEST`),
      ...UDARA.map((id) => `udara360,${id},CUSTOMER_REQUEST`),
    ];
    const input = join(directory, 'book.csv');
    writeFileSync(input, `provider,accountId,reason\n${rows.join('\n')}\n`);
    const store = join(directory, 'book.sqlite');
    // Slow enough that the kill lands mid-batch.
    const argv = ['run', '--input', input, '--store', store, '--until', 'submitted', '--concurrency', '4'];
    const rates = ['--rate', 'solaris=15', '--rate', 'embedded-payments=15', '--rate', 'udara360=15'];

    child = spawn(
      process.execPath,
      ['--import', 'tsx', here('../../closekit.ts'), 'bulk', ...argv, ...rates],
      {
        cwd: here('../../..'),
        env: { ...process.env, ...env, TSX_TSCONFIG_PATH: here('./tsconfig.child.json') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child?.once('exit', (code, signal) => resolve(signal ?? code)),
    );
    const closeRequests = () =>
      [sims?.solaris, sims?.embeddedPayments, sims?.udara360].reduce(
        (sum, sim) =>
          sum + Object.values(sim?.control.counters().closeRequests ?? {}).reduce((a, b) => a + b, 0),
        0,
      );
    await vi.waitFor(
      () => {
        if (child?.exitCode !== null) throw new Error(`the run ended before the kill:\n${output}`);
        expect(closeRequests()).toBeGreaterThanOrEqual(15);
      },
      { timeout: 60_000, interval: 20 },
    );
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(closeRequests()).toBeLessThan(3 * PER_PROVIDER);

    // The next run on the same store resumes: read-backs first, then the rest.
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    const io = captureIo();
    const code = await runBulk([...argv, '--json'], { io, progress: { isTTY: false, write: () => {} } });
    expect(io.stderr).toEqual([]);
    const summary = JSON.parse(io.stdout.join('\n'));
    expect(summary).toMatchObject({ reached: true, total: 3 * PER_PROVIDER, needsAttention: 0 });
    expect(code).toBe(0);

    const report = captureIo();
    await runBulk(['report', '--store', store, '--format', 'json'], { io: report });
    const accounts = JSON.parse(report.stdout.join('\n')) as {
      provider: string;
      accountId: string;
      state: string;
      attempts: number;
    }[];
    const simulatorOf = {
      solaris: sims.solaris,
      'embedded-payments': sims.embeddedPayments,
      udara360: sims.udara360,
    };
    for (const account of accounts) {
      const counters = simulatorOf[account.provider as keyof typeof simulatorOf].control.counters();
      const label = `${account.provider} ${account.accountId}`;
      expect(['SUBMITTED', 'CLOSED'], label).toContain(account.state);
      // Closed exactly once, whatever the kill interrupted.
      expect(counters.closures[account.accountId], label).toBe(1);
      // Asked once per logical attempt: never more close requests than recorded intents, and a
      // second attempt only where the kill struck between an intent and its request.
      const asked = counters.closeRequests[account.accountId] ?? 0;
      expect(asked, label).toBeGreaterThanOrEqual(1);
      expect(asked, label).toBeLessThanOrEqual(account.attempts);
    }
    for (const sim of Object.values(simulatorOf))
      expect(sim.control.counters().maxClosuresPerAccount).toBe(1);
  });
});
