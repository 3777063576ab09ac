import { startSimulators } from '@closekit/simulator';
import { renderTable } from '../render-table';
import type { CommandIo } from './io';

export interface SimulateOptions {
  seed?: number;
  /** Stop after this many milliseconds (tests); run until SIGINT/SIGTERM otherwise. */
  durationMs?: number;
}

/** `closekit simulate`: the three simulators in the foreground for local development. */
export async function runSimulate(options: SimulateOptions, io: CommandIo): Promise<number> {
  const sims = await startSimulators({ seed: options.seed ?? 1 });
  io.out(
    renderTable([
      {
        provider: 'solaris',
        'API base URL': sims.solaris.url,
        auth: `${sims.solaris.tokenUrl} (${sims.solaris.credentials.clientId} / ${sims.solaris.credentials.clientSecret})`,
        control: `${sims.solaris.url}/__control`,
      },
      {
        provider: 'embedded-payments',
        'API base URL': `${sims.embeddedPayments.v1BaseUrl} | ${sims.embeddedPayments.v2BaseUrl}`,
        auth: 'none (mTLS in production)',
        control: `${sims.embeddedPayments.url}/__control`,
      },
      {
        provider: 'udara360',
        'API base URL': sims.udara360.url,
        auth: `${sims.udara360.credentials.clientId} / ${sims.udara360.credentials.clientSecret}`,
        control: `${sims.udara360.url}/__control`,
      },
    ]),
  );
  io.out('\nSeed accounts with POST <control>/accounts, advance lifecycles with POST <control>/advance,');
  io.out('inject faults with POST <control>/faults; GET <control> lists every route (docs/simulator.md).');
  io.out('Simulator credentials are fixed test values, not secrets. Press Ctrl+C to stop.');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (options.durationMs !== undefined) setTimeout(stop, options.durationMs).unref();
  });
  await sims.close();
  return 0;
}
