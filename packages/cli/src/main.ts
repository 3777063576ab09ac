import { parseArgs } from 'node:util';
import { runBulk } from './commands/bulk/bulk-command';
import { runClose, runStatus } from './commands/close-and-status';
import { runDemo } from './commands/demo';
import { type CommandIo, processIo } from './commands/io';
import { runSimulate } from './commands/simulate';

export const USAGE = `closekit: close bank accounts at Solaris, J.P. Morgan Embedded Payments and Udara360

Usage:
  closekit demo [--json] [--seed N]
      Starts the three simulators in-process and walks one closure flow across them.
  closekit close --provider P --account ID --reason R [--idempotency-key K] [--json] [--timeout-ms N]
      Closes an account at a real provider (credentials from environment variables).
  closekit status --provider P (--account ID | --closure ID) [--json] [--timeout-ms N]
      Reads a closure.
  closekit simulate [--seed N]
      Runs the simulators in the foreground for local development.
  closekit bulk run|worker|status|report ...
      Closes a whole book of accounts durably (closekit bulk --help; docs/bulk.md).

Providers: solaris, embedded-payments, udara360. Environment variables: docs/cli.md.`;

/** Runs the CLI; resolves to the process exit code (0 ok, 1 closure error, 2 usage error). */
export async function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  if (argv[0] === 'bulk') return runBulk(argv.slice(1), { io });
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        provider: { type: 'string' },
        account: { type: 'string' },
        closure: { type: 'string' },
        reason: { type: 'string' },
        'idempotency-key': { type: 'string' },
        'timeout-ms': { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  const number = (name: 'seed' | 'timeout-ms') => {
    const raw = values[name];
    if (typeof raw !== 'string') return undefined;
    const value = Number(raw);
    return Number.isInteger(value) && value >= 0 ? value : Number.NaN;
  };
  const seed = number('seed');
  const timeoutMs = number('timeout-ms');
  if (Number.isNaN(seed) || Number.isNaN(timeoutMs) || timeoutMs === 0) {
    io.error('--seed takes a whole number, --timeout-ms a whole number of milliseconds above 0');
    return 2;
  }
  const options = {
    provider: values.provider as string | undefined,
    account: values.account as string | undefined,
    closure: values.closure as string | undefined,
    reason: values.reason as string | undefined,
    idempotencyKey: values['idempotency-key'] as string | undefined,
    json: values.json === true,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  };
  if (values.help || command === undefined || command === 'help') {
    io.out(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  switch (command) {
    case 'demo':
      return runDemo({ json: options.json, ...(seed === undefined ? {} : { seed }) }, io);
    case 'close':
      return runClose(options, io);
    case 'status':
      return runStatus(options, io);
    case 'simulate':
      return runSimulate(seed === undefined ? {} : { seed }, io);
    default:
      io.error(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}
