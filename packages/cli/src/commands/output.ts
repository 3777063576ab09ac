import { type Closure, ClosureError } from '@closekit/core';
import { closureRow, errorRow } from '../format-closure';
import { renderTable } from '../render-table';
import type { CommandIo } from './io';

/** The process exit codes every command uses (docs/cli.md, "Exit codes"). */
export const EXIT_CODES = {
  /** The command did what was asked. */
  OK: 0,
  /** A definite failure: the provider refused, or nothing happened. */
  FAILURE: 1,
  /** Bad flags or configuration: nothing was sent. */
  USAGE: 2,
  /** A closure may or may not exist: reconcile with `closekit status` before anything else. */
  OUTCOME_UNKNOWN: 3,
} as const;
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** How a command reports: tables and messages, or one JSON document on stdout for every outcome. */
export interface Output {
  io: CommandIo;
  json: boolean;
}

const printJson = (output: Output, value: unknown) => output.io.out(JSON.stringify(value, null, 2));

/** Bad flags or arguments. Errors always go to stderr; --json also gets its document on stdout. */
export function usageError(output: Output, message: string, hint = 'see closekit --help'): ExitCode {
  output.io.error(`closekit: ${message} (${hint})`);
  if (output.json) printJson(output, { ok: false, error: { code: 'USAGE', message } });
  return EXIT_CODES.USAGE;
}

/** Configuration that cannot work (missing credentials, unreadable files, invalid settings). */
export function configurationError(output: Output, problems: readonly string[]): ExitCode {
  output.io.error(`closekit: invalid configuration, nothing was sent:\n- ${problems.join('\n- ')}`);
  if (output.json) printJson(output, { ok: false, error: { code: 'CONFIGURATION', problems } });
  return EXIT_CODES.USAGE;
}

export function closureResult(output: Output, closure: Closure): ExitCode {
  output.io.out(
    output.json ? JSON.stringify({ ok: true, closure }, null, 2) : renderTable([closureRow(closure)]),
  );
  return EXIT_CODES.OK;
}

/** Where a network failure happened, so the message can say which host and errno. */
export interface NetworkContext {
  host: string | null;
  errno: string | null;
}

/** The lowest-level socket error code (ECONNREFUSED, ENOTFOUND...) in the error's cause chain. */
export function findErrno(error: ClosureError): string | null {
  const fromDetails = (error.details as { systemCode?: unknown } | null)?.systemCode;
  if (typeof fromDetails === 'string') return fromDetails;
  let current: unknown = error.cause;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (!ClosureError.isInstance(current) && typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

const NETWORK_CODES = new Set(['NETWORK_ERROR', 'TIMEOUT', 'OUTCOME_UNKNOWN']);

export function closureFailure(output: Output, error: ClosureError, lastHost: string | null): ExitCode {
  const network: NetworkContext | null = NETWORK_CODES.has(error.code)
    ? { host: lastHost, errno: findErrno(error) }
    : null;
  const where = network
    ? ` [host ${network.host ?? 'not reached'}${network.errno ? `, errno ${network.errno}` : ''}]`
    : '';
  const exitCode = error.code === 'OUTCOME_UNKNOWN' ? EXIT_CODES.OUTCOME_UNKNOWN : EXIT_CODES.FAILURE;
  const advice =
    exitCode === EXIT_CODES.OUTCOME_UNKNOWN
      ? '\nThe closure may exist: check with `closekit status` before trying anything else.'
      : '';
  output.io.error(`closekit: ${error.code}: ${error.message}${where}${advice}`);
  if (output.json) printJson(output, { ok: false, error: error.toJSON(), ...(network ? { network } : {}) });
  else output.io.error(renderTable([errorRow(error)]));
  return exitCode;
}
