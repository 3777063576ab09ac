import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClosureError } from '@closekit/core';
import { createFakeClosureAdapter } from '@closekit/core/testing';
import { startSolarisSimulator } from '@closekit/simulator';
import { errAsync } from 'neverthrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runClose, runStatus } from './commands/close-and-status';
import { captureIo } from './commands/io';
import { EXIT_CODES } from './commands/output';
import { runSimulate } from './commands/simulate';
import { main } from './main';
import { createAdapterFromEnv } from './provider-config';

/** A loopback server that counts what reaches it, to prove nothing was sent. */
let server: Server;
let requests = 0;
let serverUrl = '';
beforeEach(async () => {
  requests = 0;
  server = createServer((_request, response) => {
    requests += 1;
    response.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** A port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const parseJson = (lines: string[]) => JSON.parse(lines.join('\n')) as Record<string, unknown>;

describe('usage errors: exit 2, message on stderr, a JSON document with --json', () => {
  it.each<[string[], string]>([
    [['close', '--frobnicate'], 'unknown option --frobnicate'],
    [['status', '--provider'], '--provider needs a value'],
    [['demo', '--json=yes'], '--json takes no value'],
    [['launch'], 'unknown command "launch"'],
    [['demo', 'extra'], 'unexpected argument "extra"'],
    [['demo', '--seed', '-1'], '--seed needs a value (write --seed=-1'],
    [['demo', '--seed=-1'], '--seed takes a whole number from 0'],
    [['simulate', '--port', '70000'], '--port takes a whole number from 1 to 65533'],
    [['close', '--provider', 'nope', '--account', 'a', '--reason', 'OTHER'], '--provider must be one of'],
  ])('%j', async (argv, message) => {
    const io = captureIo();
    expect(await main(argv, io)).toBe(EXIT_CODES.USAGE);
    expect(io.stderr.join('\n')).toContain(message);
    expect(io.stderr.join('\n')).not.toMatch(/To specify a positional argument/);
    expect(io.stdout).toEqual([]);

    const json = captureIo();
    expect(await main([...argv, '--json'], json)).toBe(EXIT_CODES.USAGE);
    expect(parseJson(json.stdout)).toMatchObject({ ok: false, error: { code: 'USAGE' } });
  });

  it('no command prints the usage on stderr and exits 2; --help prints it on stdout and exits 0', async () => {
    const bare = captureIo();
    expect(await main([], bare)).toBe(EXIT_CODES.USAGE);
    expect(bare.stderr.join('\n')).toMatch(/Usage:/);
    const help = captureIo();
    expect(await main(['--help'], help)).toBe(EXIT_CODES.OK);
    expect(help.stdout.join('\n')).toMatch(/Exit codes: 0 success, 1 failure, 2 usage/);
    expect(help.stdout.join('\n')).toContain('https://github.com/closekit/closekit/blob/main/docs/cli.md');
  });
});

describe('--version', () => {
  it('prints the version, or { version } with --json', async () => {
    const io = captureIo();
    expect(await main(['--version'], io)).toBe(EXIT_CODES.OK);
    expect(io.stdout).toHaveLength(1);
    expect(io.stdout[0]).toMatch(/^\d+\.\d+\.\d+/);
    const json = captureIo();
    expect(await main(['--version', '--json'], json)).toBe(EXIT_CODES.OK);
    expect(parseJson(json.stdout)).toEqual({ version: io.stdout[0] });
  });
});

describe('configuration is refused before any request (exit 2)', () => {
  const close = (env: Record<string, string>, io = captureIo(), provider = 'solaris') =>
    runClose(
      { provider, account: '1100000001', reason: 'CUSTOMER_REQUEST', json: true },
      io,
      (name, common) => createAdapterFromEnv(name, env, common),
    );

  it('lists every missing credential at once', async () => {
    const io = captureIo();
    expect(
      await close({ SOLARIS_BASE_URL: serverUrl, SOLARIS_AUTH_URL: `${serverUrl}/oauth/token` }, io),
    ).toBe(EXIT_CODES.USAGE);
    expect(parseJson(io.stdout)).toEqual({
      ok: false,
      error: {
        code: 'CONFIGURATION',
        problems: [
          'SOLARIS_CLIENT_ID is not set (the OAuth client id)',
          'SOLARIS_CLIENT_SECRET is not set (the OAuth client secret)',
        ],
      },
    });
    expect(io.stderr.join('\n')).toMatch(/invalid configuration, nothing was sent/);
    expect(requests).toBe(0);
  });

  it('names a certificate file that cannot be read', async () => {
    const io = captureIo();
    const env = {
      EMBEDDED_PAYMENTS_BASE_URL: serverUrl,
      EMBEDDED_PAYMENTS_CLIENT_CERT_FILE: '/nonexistent/client.crt',
      EMBEDDED_PAYMENTS_CLIENT_KEY_FILE: '/nonexistent/client.key',
    };
    expect(await close(env, io, 'embedded-payments')).toBe(EXIT_CODES.USAGE);
    expect(io.stderr.join('\n')).toContain(
      'EMBEDDED_PAYMENTS_CLIENT_CERT_FILE: cannot read /nonexistent/client.crt (ENOENT)',
    );
    expect(io.stderr.join('\n')).toContain(
      'EMBEDDED_PAYMENTS_CLIENT_KEY_FILE: cannot read /nonexistent/client.key (ENOENT)',
    );
    expect(requests).toBe(0);
  });

  it('refuses an unknown Embedded Payments API version, and a certificate without its key', async () => {
    const io = captureIo();
    const env = {
      EMBEDDED_PAYMENTS_BASE_URL: serverUrl,
      EMBEDDED_PAYMENTS_API_VERSION: 'v3',
      EMBEDDED_PAYMENTS_CLIENT_CERT_FILE: '/nonexistent/client.crt',
    };
    expect(await close(env, io, 'embedded-payments')).toBe(EXIT_CODES.USAGE);
    expect(parseJson(io.stdout)).toMatchObject({
      error: {
        problems: [
          'EMBEDDED_PAYMENTS_API_VERSION must be v1 or v2, not "v3"',
          'EMBEDDED_PAYMENTS_CLIENT_CERT_FILE and EMBEDDED_PAYMENTS_CLIENT_KEY_FILE go together: set both',
        ],
      },
    });
    expect(requests).toBe(0);
  });

  it('requires a client certificate unless Embedded Payments is a loopback simulator', async () => {
    const io = captureIo();
    expect(
      await close(
        { EMBEDDED_PAYMENTS_BASE_URL: 'https://api.payments.jpmorgan.com/embedded/v1' },
        io,
        'embedded-payments',
      ),
    ).toBe(EXIT_CODES.USAGE);
    expect(io.stderr.join('\n')).toMatch(/J.P. Morgan requires mutual TLS/);
  });
});

describe('closure outcomes', () => {
  it('exits 3 for OUTCOME_UNKNOWN and says to reconcile', async () => {
    const factory = () => ({
      ...createFakeClosureAdapter(),
      closeAccount: () =>
        errAsync(
          new ClosureError({
            code: 'OUTCOME_UNKNOWN',
            message: 'closeAccount was sent and no answer came back',
            provider: 'fake',
          }),
        ),
    });
    const io = captureIo();
    const code = await runClose(
      { provider: 'solaris', account: 'acct-1', reason: 'CUSTOMER_REQUEST', json: true },
      io,
      factory,
    );
    expect(parseJson(io.stdout)).toMatchObject({ ok: false, error: { code: 'OUTCOME_UNKNOWN' } });
    expect(code).toBe(EXIT_CODES.OUTCOME_UNKNOWN);
    expect(io.stderr.join('\n')).toMatch(/check with `closekit status`/);
  });

  it('names the host and errno of a network error (exit 1)', async () => {
    const port = await closedPort();
    const io = captureIo();
    const code = await runStatus(
      { provider: 'embedded-payments', account: '0030000131', json: true },
      io,
      (provider, common) =>
        createAdapterFromEnv(
          provider,
          { EMBEDDED_PAYMENTS_BASE_URL: `http://127.0.0.1:${port}/embedded/v1` },
          {
            ...common,
            maxRetries: 0,
          },
        ),
    );
    expect(code).toBe(EXIT_CODES.FAILURE);
    expect(io.stderr[0]).toContain(`[host 127.0.0.1:${port}, errno ECONNREFUSED]`);
    expect(parseJson(io.stdout)).toMatchObject({
      error: { code: 'NETWORK_ERROR' },
      network: { host: `127.0.0.1:${port}`, errno: 'ECONNREFUSED' },
    });
  });

  it('--verbose shows each attempt, retry and wait on stderr; stdout stays the result', async () => {
    const sim = await startSolarisSimulator({ seed: 3 });
    try {
      const account = 'verbose000000000000000000000000000cacc';
      sim.control.seedAccounts([{ id: account, balance: 0 }]);
      sim.control.injectFaults([
        {
          match: { method: 'POST', path: '/v1/account_closure_requests' },
          fault: { type: 'status', code: 503 },
          times: 1,
        },
      ]);
      const env = {
        SOLARIS_BASE_URL: sim.url,
        SOLARIS_AUTH_URL: sim.tokenUrl,
        SOLARIS_CLIENT_ID: sim.credentials.clientId,
        SOLARIS_CLIENT_SECRET: sim.credentials.clientSecret,
      };
      const io = captureIo();
      const code = await runClose(
        { provider: 'solaris', account, reason: 'CUSTOMER_REQUEST', verbose: true, json: true },
        io,
        (provider, common) =>
          createAdapterFromEnv(provider, env, { ...common, backoff: { baseDelayMs: 1, maxDelayMs: 5 } }),
      );
      expect(code).toBe(EXIT_CODES.OK);
      const log = io.stderr.join('\n');
      expect(log).toMatch(
        /closeAccount attempt 1: POST http:\/\/127\.0\.0\.1:\d+\/v1\/account_closure_requests/,
      );
      expect(log).toMatch(/closeAccount attempt 1: 503 after \d+ ms \(PROVIDER_UNAVAILABLE\)/);
      expect(log).toMatch(/closeAccount: retrying after attempt 1 \(PROVIDER_UNAVAILABLE\), waiting \d+ ms/);
      expect(log).toMatch(/closeAccount attempt 2: 2\d\d after/);
      expect(log).not.toContain(sim.credentials.clientSecret);
      expect(parseJson(io.stdout)).toMatchObject({ ok: true, closure: { accountId: account } });
    } finally {
      await sim.close();
    }
  });
});

describe('closekit simulate', () => {
  it('listens on --port, +1 and +2 and prints the webhook secrets and the settings to export', async () => {
    const port = await closedPort();
    const io = captureIo();
    const ports: number[] = [];
    const code = await runSimulate(
      {
        port,
        durationMs: 1,
        onListening: (sims) => ports.push(sims.solaris.port, sims.embeddedPayments.port, sims.udara360.port),
      },
      io,
    );
    expect(code).toBe(EXIT_CODES.OK);
    expect(ports).toEqual([port, port + 1, port + 2]);
    const text = io.stdout.join('\n');
    expect(text).toContain('solaris-sim-webhook-secret');
    expect(text).toContain(`export SOLARIS_BASE_URL=http://127.0.0.1:${port}`);
    expect(text).toContain('export EMBEDDED_PAYMENTS_WEBHOOK_CREDENTIALS=');
    expect(text).toContain(`export UDARA360_BASE_URL=http://127.0.0.1:${port + 2}`);
  });

  it('a port in use is a usage error naming the ports', async () => {
    const port = Number(new URL(serverUrl).port);
    const io = captureIo();
    expect(await runSimulate({ port, durationMs: 1, json: true }, io)).toBe(EXIT_CODES.USAGE);
    expect(io.stderr.join('\n')).toContain(`could not listen on ports ${port}-${port + 2}: EADDRINUSE`);
  });
});
