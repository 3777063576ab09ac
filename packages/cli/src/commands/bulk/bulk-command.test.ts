import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Simulators, startSimulators } from '@closekit/simulator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../main';
import { captureIo } from '../io';
import type { ProgressSink } from './bulk-progress';

const directory = mkdtempSync(join(tmpdir(), 'closekit-cli-bulk-'));
let sims: Simulators;
let env: Record<string, string>;

beforeAll(async () => {
  sims = await startSimulators({
    seed: 13,
    solaris: { accounts: [{ id: 'b1cacc' }, { id: 'b2cacc' }] },
    embeddedPayments: { accounts: [{ id: 'epb01' }, { id: 'epb02', balance: 40 }] },
    udara360: { accounts: [{ accountNumber: '0300000001' }] },
  });
  env = {
    SOLARIS_BASE_URL: sims.solaris.adapterSettings.baseUrl,
    SOLARIS_AUTH_URL: sims.solaris.adapterSettings.authUrl,
    EMBEDDED_PAYMENTS_BASE_URL: sims.embeddedPayments.adapterSettings.baseUrl,
    UDARA360_BASE_URL: sims.udara360.adapterSettings.baseUrl,
  };
  // The adapters read their credentials from the process environment themselves.
  vi.stubEnv('SOLARIS_CLIENT_ID', sims.solaris.adapterSettings.clientId);
  vi.stubEnv('SOLARIS_CLIENT_SECRET', sims.solaris.adapterSettings.clientSecret);
  vi.stubEnv('UDARA360_CLIENT_ID', sims.udara360.adapterSettings.clientId);
  vi.stubEnv('UDARA360_CLIENT_SECRET', sims.udara360.adapterSettings.clientSecret);
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await sims?.close();
  rmSync(directory, { recursive: true, force: true });
});

const file = (name: string, text: string) => {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
};

const quietProgress = (): ProgressSink & { written: string[] } => {
  const written: string[] = [];
  return { isTTY: false, written, write: (text) => written.push(text) };
};

describe('closekit bulk: usage and input errors exit 2 with the flag, file and line', () => {
  it.each([
    [['bulk', 'run', '--input', 'x.csv'], /needs exactly one of --store PATH or --redis URL/],
    [['bulk', 'status'], /needs exactly one of --store PATH or --redis URL/],
    [['bulk', 'run', '--store', 's.sqlite', '--rate', 'solaris=fast'], /--rate takes PROVIDER=N/],
    [['bulk', 'run', '--store', 's.sqlite', '--rate', 'nowhere=5'], /--rate takes PROVIDER=N/],
    [['bulk', 'run', '--store', 's.sqlite', '--until', 'later'], /--until takes submitted or final/],
    [['bulk', 'run', '--store', 's.sqlite', '--concurrency', '0'], /--concurrency takes a whole number/],
    [['bulk', 'report', '--store', join(directory, 'none.sqlite')], /--store .*none.sqlite: no such file/],
    [
      ['bulk', 'run', '--store', 's.sqlite', '--input', join(directory, 'missing.csv')],
      /--input .*missing.csv: cannot read the file \(ENOENT\)/,
    ],
    [['bulk', 'launch'], /unknown bulk command "launch"/],
    [['bulk', 'run', '--bogus'], /Unknown option '--bogus'/],
  ])('%j', async (argv, message) => {
    const io = captureIo();
    expect(await main(argv, io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(message);
  });

  it('reports every bad row of the input with its line, importing nothing', async () => {
    const input = file(
      'bad.csv',
      'provider,accountId,reason\nsolaris,b1cacc,CUSTOMER_REQUEST\nsolaris,,CUSTOMER_REQUEST\nudara360,0300000001,WHATEVER\n',
    );
    const store = join(directory, 'bad.sqlite');
    const io = captureIo();
    expect(await main(['bulk', 'run', '--input', input, '--store', store], io)).toBe(2);
    const text = io.stderr.join('\n');
    expect(text).toContain(`${input}:3: accountId: accountId is required`);
    expect(text).toContain(`${input}:4: reason:`);
    expect(text).toContain('nothing was imported');
  });
});

describe('closekit bulk run, status and report against the simulators', { timeout: 60_000 }, () => {
  it('runs to --until submitted, prints one JSON object, and exits 1 when an account needs action', async () => {
    const input = file(
      'book.jsonl',
      [
        { provider: 'solaris', accountId: 'b1cacc', reason: 'CUSTOMER_REQUEST' },
        { provider: 'solaris', accountId: 'b2cacc', reason: 'CUSTOMER_REQUEST' },
        { provider: 'embedded-payments', accountId: 'epb01', reason: 'CUSTOMER_REQUEST' },
        { provider: 'embedded-payments', accountId: 'epb02', reason: 'CUSTOMER_REQUEST' },
        { provider: 'udara360', accountId: '0300000001', reason: 'CUSTOMER_REQUEST' },
      ]
        .map((row) => JSON.stringify(row))
        .join('\n'),
    );
    const store = join(directory, 'book.sqlite');
    const argv = [
      'bulk',
      'run',
      '--input',
      input,
      '--store',
      store,
      '--until',
      'submitted',
      '--rate',
      'solaris=50',
      '--json',
    ];
    const io = captureIo();
    const code = await runWithProgress(argv, io);
    expect(io.stderr).toEqual([]);
    const summary = JSON.parse(io.stdout.join('\n'));
    expect(summary).toMatchObject({
      goal: 'submitted',
      reached: true,
      total: 5,
      needsAttention: 1,
      imported: { added: 5, existing: 0 },
      needsAttentionByCode: { 'NEEDS_ACTION NON_ZERO_BALANCE': 1 },
    });
    expect(summary.counts.solaris.SUBMITTED).toBe(2);
    expect(summary.counts.udara360.CLOSED).toBe(1);
    expect(code).toBe(1);

    // Running again resumes: nothing new is imported and no account is asked again.
    const again = captureIo();
    await runWithProgress(argv, again);
    expect(JSON.parse(again.stdout.join('\n')).imported).toEqual({ added: 0, existing: 5 });
    for (const sim of [sims.solaris, sims.embeddedPayments, sims.udara360]) {
      expect(sim.control.counters().maxCloseRequestsPerAccount).toBeLessThanOrEqual(1);
    }

    const status = captureIo();
    expect(await main(['bulk', 'status', '--store', store, '--json'], status)).toBe(0);
    expect(JSON.parse(status.stdout.join('\n')).counts['embedded-payments']).toMatchObject({
      SUBMITTED: 1,
      NEEDS_ACTION: 1,
    });
    const table = captureIo();
    expect(await main(['bulk', 'status', '--store', store], table)).toBe(0);
    expect(table.stdout.join('\n')).toMatch(/provider\s+SUBMITTED\s+CLOSED\s+NEEDS_ACTION/);

    const csv = captureIo();
    expect(await main(['bulk', 'report', '--store', store], csv)).toBe(0);
    const lines = csv.stdout.join('\n').split('\n');
    expect(lines[0]).toBe('provider,accountId,state,code,closureId,attempts,updatedAt');
    expect(lines).toHaveLength(6);
    expect(lines.find((line) => line.startsWith('embedded-payments,epb02,'))).toMatch(
      /,NEEDS_ACTION,NON_ZERO_BALANCE,/,
    );
    const json = captureIo();
    expect(await main(['bulk', 'report', '--store', store, '--format', 'json'], json)).toBe(0);
    const rows = JSON.parse(json.stdout.join('\n'));
    expect(rows[0]).toEqual({
      provider: 'embedded-payments',
      accountId: 'epb01',
      state: 'SUBMITTED',
      code: null,
      closureId: 'epb01',
      attempts: 1,
      updatedAt: expect.any(String),
    });
  });

  it('follows closures to their final state with --until final, printing the summary', async () => {
    sims.solaris.control.seedAccounts([{ id: 'f1cacc' }]);
    const input = file('final.csv', 'provider,accountId,reason\nsolaris,f1cacc,CUSTOMER_REQUEST\n');
    const store = join(directory, 'final.sqlite');
    // The bank side: the ACR runs its lifecycle while the run polls.
    const bank = setInterval(() => {
      try {
        sims.solaris.control.advance({ accountId: 'f1cacc', to: 'end' });
      } catch {
        // No ACR yet.
      }
    }, 20);
    const io = captureIo();
    const code = await main.call(
      null,
      ['bulk', 'run', '--input', input, '--store', store, '--poll-interval', '10'],
      io,
    );
    clearInterval(bank);
    expect(io.stdout.join('\n')).toMatch(/goal "final" reached/);
    expect(io.stdout.join('\n')).toMatch(/solaris\s+1/);
    expect(code).toBe(0);
  });
});

/** main() with progress going to a sink, as the binary sends it to stderr. */
async function runWithProgress(argv: string[], io: ReturnType<typeof captureIo>): Promise<number> {
  const { runBulk } = await import('./bulk-command');
  return runBulk(argv.slice(1), { io, progress: quietProgress() });
}
