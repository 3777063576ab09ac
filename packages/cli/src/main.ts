import { type ParseArgsConfig, parseArgs } from 'node:util';
import { runBulk } from './commands/bulk/bulk-command';
import { runClose, runStatus } from './commands/close-and-status';
import { runDemo } from './commands/demo';
import { type CommandIo, processIo } from './commands/io';
import { EXIT_CODES, type ExitCode, type Output, usageError } from './commands/output';
import { runSimulate } from './commands/simulate';
import { CLI_VERSION } from './version';

export const DOCS_URL = 'https://github.com/closekit/closekit/blob/main/docs/cli.md';

export const USAGE = `closekit: close bank accounts at Solaris, J.P. Morgan Embedded Payments and Udara360

Usage:
  closekit demo [--json] [--seed N]
      Starts the three simulators in-process and walks one closure flow across them.
  closekit close --provider P --account ID --reason R [--idempotency-key K] [--timeout-ms N] [--json] [--verbose]
      Closes an account (credentials and base URLs from environment variables).
  closekit status --provider P (--account ID | --closure ID) [--timeout-ms N] [--json] [--verbose]
      Reads a closure.
  closekit simulate [--port N] [--seed N] [--json]
      Runs the simulators in the foreground (ports N, N+1, N+2) and prints their settings.
  closekit bulk run|worker|status|report ...
      Closes a whole book of accounts durably (closekit bulk --help; docs/bulk.md).
  closekit --version | --help

Providers: solaris, embedded-payments, udara360.
Exit codes: 0 success, 1 failure, 2 usage or configuration error, 3 OUTCOME_UNKNOWN (reconcile).
Options and environment variables: ${DOCS_URL}`;

const OPTIONS = {
  provider: { type: 'string' },
  account: { type: 'string' },
  closure: { type: 'string' },
  reason: { type: 'string' },
  'idempotency-key': { type: 'string' },
  'timeout-ms': { type: 'string' },
  seed: { type: 'string' },
  port: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

type OptionName = keyof typeof OPTIONS;
const isOptionName = (name: string): name is OptionName => Object.hasOwn(OPTIONS, name);

/**
 * Node's own parseArgs messages name internals ("To specify a positional argument starting with
 * a '-'..."); re-read the arguments leniently to say what exactly is wrong.
 */
function explainParseFailure(argv: readonly string[]): string {
  const { tokens } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (!isOptionName(token.name)) return `unknown option ${token.rawName}`;
    const expects = OPTIONS[token.name].type;
    if (expects === 'string' && token.value === undefined) return `${token.rawName} needs a value`;
    // Lenient parsing takes `--seed -1` as a value; strict parsing refused it as ambiguous.
    if (expects === 'string' && token.inlineValue === false && token.value?.startsWith('-'))
      return `${token.rawName} needs a value (write ${token.rawName}=${token.value} for one starting with "-")`;
    if (expects === 'boolean' && token.inlineValue) return `${token.rawName} takes no value`;
  }
  return 'invalid arguments';
}

function parseStrictly(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true });
  } catch {
    return null;
  }
}

/** A whole number within bounds, undefined when absent, or a usage message. */
function wholeNumber(
  raw: string | undefined,
  flag: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined | { problem: string } {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  return /^\d+$/.test(raw) && value >= min && value <= max
    ? value
    : { problem: `${flag} takes a whole number from ${min} to ${max}, not "${raw}"` };
}

/** Runs the CLI; resolves to the process exit code (EXIT_CODES). */
export async function main(argv: readonly string[], io: CommandIo = processIo): Promise<ExitCode> {
  if (argv[0] === 'bulk') return runBulk(argv.slice(1), { io });
  const output: Output = { io, json: argv.includes('--json') };
  const parsed = parseStrictly(argv);
  if (parsed === null) return usageError(output, explainParseFailure(argv));
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;

  if (values.version) {
    io.out(output.json ? JSON.stringify({ version: CLI_VERSION }) : CLI_VERSION);
    return EXIT_CODES.OK;
  }
  if (values.help || command === 'help') {
    io.out(USAGE);
    return EXIT_CODES.OK;
  }
  if (command === undefined) {
    if (!output.json) io.error(USAGE);
    return usageError(output, 'no command given');
  }
  if (extra.length > 0) return usageError(output, `unexpected argument "${extra[0]}"`);

  const seed = wholeNumber(values.seed, '--seed', 0);
  const timeoutMs = wholeNumber(values['timeout-ms'], '--timeout-ms', 1, 600_000);
  // simulate listens on port, port + 1 and port + 2.
  const port = wholeNumber(values.port, '--port', 1, 65_533);
  for (const number of [seed, timeoutMs, port])
    if (typeof number === 'object') return usageError(output, number.problem);
  const number = (value: typeof seed) => (typeof value === 'number' ? value : undefined);

  const providerOptions = {
    provider: values.provider,
    account: values.account,
    closure: values.closure,
    reason: values.reason,
    idempotencyKey: values['idempotency-key'],
    json: output.json,
    verbose: values.verbose === true,
    timeoutMs: number(timeoutMs),
  };
  switch (command) {
    case 'demo':
      return runDemo({ json: output.json, seed: number(seed) }, io);
    case 'close':
      return runClose(providerOptions, io);
    case 'status':
      return runStatus(providerOptions, io);
    case 'simulate':
      return runSimulate({ json: output.json, seed: number(seed), port: number(port) }, io);
    default:
      return usageError(output, `unknown command "${command}"`);
  }
}
