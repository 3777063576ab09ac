import { type Simulators, startSimulators } from '@closekit/simulator';
import { renderTable } from '../render-table';
import type { CommandIo } from './io';
import { EXIT_CODES, type ExitCode, type Output, usageError } from './output';

const SIMULATOR_DOCS_URL = 'https://github.com/closekit/closekit/blob/main/docs/simulator.md';

export interface SimulateOptions {
  seed?: number;
  /** Solaris listens here, Embedded Payments on port + 1, Udara360 on port + 2; free ports when absent. */
  port?: number;
  json?: boolean;
  /** Stop after this many milliseconds (tests); run until SIGINT/SIGTERM otherwise. */
  durationMs?: number;
  /** Called once the simulators listen (tests). */
  onListening?: (sims: Simulators) => void;
}

/**
 * The environment that points closekit (`closekit close`, the example service) at the simulators.
 * These are the simulators' fixed test values, not secrets.
 */
export function simulatorEnvironment(sims: Simulators): Record<string, string> {
  return {
    SOLARIS_BASE_URL: sims.solaris.url,
    SOLARIS_AUTH_URL: sims.solaris.tokenUrl,
    SOLARIS_CLIENT_ID: sims.solaris.credentials.clientId,
    SOLARIS_CLIENT_SECRET: sims.solaris.credentials.clientSecret,
    SOLARIS_WEBHOOK_SECRETS: sims.solaris.credentials.webhookSecret,
    EMBEDDED_PAYMENTS_BASE_URL: sims.embeddedPayments.v1BaseUrl,
    EMBEDDED_PAYMENTS_WEBHOOK_CREDENTIALS: sims.embeddedPayments.adapterSettings.webhookCredentials.join(','),
    UDARA360_BASE_URL: sims.udara360.url,
    UDARA360_CLIENT_ID: sims.udara360.credentials.clientId,
    UDARA360_CLIENT_SECRET: sims.udara360.credentials.clientSecret,
  };
}

function describe(sims: Simulators, io: CommandIo): void {
  io.out(
    renderTable([
      {
        provider: 'solaris',
        'API base URL': sims.solaris.url,
        'webhook secret': sims.solaris.credentials.webhookSecret,
        control: `${sims.solaris.url}/__control`,
      },
      {
        provider: 'embedded-payments',
        'API base URL': `${sims.embeddedPayments.v1BaseUrl} | ${sims.embeddedPayments.v2BaseUrl}`,
        'webhook secret': sims.embeddedPayments.adapterSettings.webhookCredentials.join(',') || null,
        control: `${sims.embeddedPayments.url}/__control`,
      },
      {
        provider: 'udara360',
        'API base URL': sims.udara360.url,
        'webhook secret': null,
        control: `${sims.udara360.url}/__control`,
      },
    ]),
  );
  io.out('\nTo point `closekit close`/`status` or the example service at them:\n');
  for (const [name, value] of Object.entries(simulatorEnvironment(sims))) io.out(`export ${name}=${value}`);
  io.out('\nSeed accounts with POST <control>/accounts, advance lifecycles with POST <control>/advance,');
  io.out('inject faults with POST <control>/faults; GET <control> lists every route.');
  io.out(`Every endpoint and the control API: ${SIMULATOR_DOCS_URL}`);
  io.out('Simulator credentials are fixed test values, not secrets. Press Ctrl+C to stop.');
}

/** `closekit simulate`: the three simulators in the foreground for local development. */
export async function runSimulate(options: SimulateOptions, io: CommandIo): Promise<ExitCode> {
  const output: Output = { io, json: options.json === true };
  const port = options.port;
  let sims: Simulators;
  try {
    sims = await startSimulators({
      seed: options.seed ?? 1,
      ...(port === undefined
        ? {}
        : { solaris: { port }, embeddedPayments: { port: port + 1 }, udara360: { port: port + 2 } }),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return usageError(
      output,
      `the simulators could not listen${port === undefined ? '' : ` on ports ${port}-${port + 2}`}: ${code ?? (error as Error).message}`,
      'choose another --port',
    );
  }
  if (output.json)
    io.out(
      JSON.stringify(
        {
          ok: true,
          simulators: {
            solaris: { url: sims.solaris.url, control: `${sims.solaris.url}/__control` },
            'embedded-payments': {
              url: sims.embeddedPayments.url,
              control: `${sims.embeddedPayments.url}/__control`,
            },
            udara360: { url: sims.udara360.url, control: `${sims.udara360.url}/__control` },
          },
          env: simulatorEnvironment(sims),
        },
        null,
        2,
      ),
    );
  else describe(sims, io);
  options.onListening?.(sims);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (options.durationMs !== undefined) setTimeout(stop, options.durationMs).unref();
  });
  await sims.close();
  return EXIT_CODES.OK;
}
