import { startSolarisSimulator } from '@closekit/simulator';
import { createSolarisAdapter } from '@closekit/solaris';
import { describe, expect, it } from 'vitest';
import { runClose, runStatus } from './commands/close-and-status';
import { runDemo } from './commands/demo';
import { captureIo } from './commands/io';
import { main } from './main';
import { createAdapterFromEnv } from './provider-config';

// The demo includes the bulk step (1,000 accounts): slower than the default 5 s on a loaded machine.
describe('closekit demo', { timeout: 180_000 }, () => {
  it('walks the whole flow on the simulators and exits 0', async () => {
    const io = captureIo();
    const code = await runDemo({ json: true }, io);
    const report = JSON.parse(io.stdout.join('\n')) as {
      ok: boolean;
      problems: string[];
      steps: Record<string, unknown[]>;
    };
    expect(report.problems).toEqual([]);
    expect(code).toBe(0);
    expect(Object.keys(report.steps)).toHaveLength(5);
  });

  it('prints readable tables', async () => {
    const io = captureIo();
    expect(await runDemo({}, io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/== Step 2: an account with money left/);
    expect(text.match(/NON_ZERO_BALANCE/g)?.length).toBeGreaterThanOrEqual(3);
    expect(text).toMatch(/every step behaved as documented/);
  });
});

describe('closekit close and status', () => {
  it('closes and reads a closure at a provider, with --json output', async () => {
    const sim = await startSolarisSimulator({ seed: 7 });
    try {
      sim.control.seedAccounts([{ id: 'clitest0000000000000000000000000cacc', balance: 0 }]);
      const factory = () =>
        createSolarisAdapter({
          baseUrl: sim.url,
          authUrl: sim.tokenUrl,
          clientId: sim.credentials.clientId,
          clientSecret: sim.credentials.clientSecret,
        });
      const io = captureIo();
      const options = {
        provider: 'solaris',
        account: 'clitest0000000000000000000000000cacc',
        reason: 'CUSTOMER_REQUEST',
        json: true,
      };
      expect(await runClose(options, io, factory)).toBe(0);
      const closed = JSON.parse(io.stdout[0] ?? '') as {
        ok: boolean;
        closure: { state: { unified: string } };
      };
      expect(closed).toMatchObject({ ok: true, closure: { state: { unified: 'REQUESTED' } } });

      const status = captureIo();
      expect(await runStatus({ provider: 'solaris', account: options.account }, status, factory)).toBe(0);
      expect(status.stdout.join('\n')).toMatch(/REQUESTED\s+INITIATED/);

      const missing = captureIo();
      expect(
        await runStatus(
          { provider: 'solaris', account: 'unknown00000000000000000000000000cacc', json: true },
          missing,
          factory,
        ),
      ).toBe(1);
      expect(JSON.parse(missing.stdout[0] ?? '')).toMatchObject({
        ok: false,
        error: { code: 'CLOSURE_NOT_FOUND' },
      });
      expect(missing.stdout.join('')).not.toContain(sim.credentials.clientSecret);
    } finally {
      await sim.close();
    }
  });

  it('rejects bad usage with exit code 2 and sends nothing', async () => {
    const io = captureIo();
    expect(await main(['close', '--provider', 'nope', '--account', 'a', '--reason', 'OTHER'], io)).toBe(2);
    expect(await main(['close', '--provider', 'solaris', '--account', 'a', '--reason', 'WHIM'], io)).toBe(2);
    expect(await main(['status', '--provider', 'solaris'], io)).toBe(2);
    expect(await main(['launch'], io)).toBe(2);
    expect(await main(['demo', '--seed', 'x'], io)).toBe(2);
    expect(await main(['status', '--provider', 'solaris', '--account', 'a', '--timeout-ms', '0'], io)).toBe(
      2,
    );
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stderr.join('\n')).toMatch(/--provider must be one of: solaris, embedded-payments, udara360/);
  });

  it('reports a configuration problem from the environment as a usage error', async () => {
    const io = captureIo();
    const code = await runClose(
      { provider: 'solaris', account: 'a', reason: 'CUSTOMER_REQUEST' },
      io,
      (provider) => createAdapterFromEnv(provider, { SOLARIS_BASE_URL: 'http://bank.example.com' }),
    );
    expect(code).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/https/);
  });
});
