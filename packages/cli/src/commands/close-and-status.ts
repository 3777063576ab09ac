import {
  CLOSURE_REASONS,
  type ClosureAdapter,
  ClosureError,
  type CommonAdapterSettings,
  type HttpHooks,
} from '@closekit/core';
import {
  ConfigurationError,
  createAdapterFromEnv,
  isProviderName,
  PROVIDERS,
  type ProviderName,
} from '../provider-config';
import type { CommandIo } from './io';
import {
  closureFailure,
  closureResult,
  configurationError,
  type ExitCode,
  type Output,
  usageError,
} from './output';

export interface ProviderCommandOptions {
  provider?: string;
  account?: string;
  closure?: string;
  reason?: string;
  idempotencyKey?: string;
  json?: boolean;
  /** Print each attempt, retry and wait on stderr. */
  verbose?: boolean;
  timeoutMs?: number;
}

/** Builds the adapter; `common` carries the CLI's hooks. Tests pass their own. */
export type AdapterFactory = (provider: ProviderName, common: CommonAdapterSettings) => ClosureAdapter;

const defaultFactory: AdapterFactory = (provider, common) =>
  createAdapterFromEnv(provider, process.env, common);

const isReason = (value: string | undefined): value is (typeof CLOSURE_REASONS)[number] =>
  (CLOSURE_REASONS as readonly (string | undefined)[]).includes(value);

/** Watches the adapter's attempts: the host for network errors, and --verbose lines. */
function watchAttempts(io: CommandIo, verbose: boolean) {
  const seen = { host: null as string | null };
  const say = (text: string) => {
    if (verbose) io.error(`closekit: ${text}`);
  };
  const hooks: HttpHooks = {
    onRequest: ({ operation, method, url, attempt }) => {
      seen.host = URL.canParse(url) ? new URL(url).host : null;
      say(`${operation} attempt ${attempt}: ${method} ${url}`);
    },
    onResponse: ({ operation, attempt, status, durationMs, errorCode }) =>
      say(
        `${operation} attempt ${attempt}: ${status ?? 'no response'} after ${Math.round(durationMs)} ms${errorCode ? ` (${errorCode})` : ''}`,
      ),
    onRetry: ({ operation, attempt, errorCode, delayMs }) =>
      say(`${operation}: retrying after attempt ${attempt} (${errorCode}), waiting ${delayMs} ms`),
  };
  return { seen, hooks };
}

type Prepared = { adapter: ClosureAdapter; output: Output; seen: { host: string | null } };

/** Validates the provider and builds its adapter, refusing bad configuration before any request. */
function prepare(
  options: ProviderCommandOptions,
  io: CommandIo,
  factory: AdapterFactory,
): Prepared | { exitCode: ExitCode } {
  const output: Output = { io, json: options.json === true };
  if (!isProviderName(options.provider))
    return { exitCode: usageError(output, `--provider must be one of: ${PROVIDERS.join(', ')}`) };
  const { seen, hooks } = watchAttempts(io, options.verbose === true);
  const common: CommonAdapterSettings = {
    hooks,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
  try {
    return { adapter: factory(options.provider, common), output, seen };
  } catch (error) {
    if (error instanceof ConfigurationError) return { exitCode: configurationError(output, error.problems) };
    const message = ClosureError.isInstance(error) || error instanceof Error ? error.message : String(error);
    return { exitCode: configurationError(output, [`${options.provider}: ${message}`]) };
  }
}

/** `closekit close`: one closure. Exit codes: docs/cli.md. */
export async function runClose(
  options: ProviderCommandOptions,
  io: CommandIo,
  factory: AdapterFactory = defaultFactory,
): Promise<ExitCode> {
  const output: Output = { io, json: options.json === true };
  if (!options.account) return usageError(output, '--account is required');
  if (!isReason(options.reason))
    return usageError(output, `--reason must be one of: ${CLOSURE_REASONS.join(', ')}`);
  const prepared = prepare(options, io, factory);
  if ('exitCode' in prepared) return prepared.exitCode;
  const result = await prepared.adapter.closeAccount({
    accountId: options.account,
    reason: options.reason,
    ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
  });
  return result.isOk()
    ? closureResult(output, result.value)
    : closureFailure(output, result.error, prepared.seen.host);
}

/** `closekit status`: a closure by account or closure id. */
export async function runStatus(
  options: ProviderCommandOptions,
  io: CommandIo,
  factory: AdapterFactory = defaultFactory,
): Promise<ExitCode> {
  const output: Output = { io, json: options.json === true };
  if (!options.account && !options.closure) return usageError(output, 'give --account or --closure');
  const prepared = prepare(options, io, factory);
  if ('exitCode' in prepared) return prepared.exitCode;
  const result = await prepared.adapter.getClosure({
    ...(options.account ? { accountId: options.account } : {}),
    ...(options.closure ? { closureId: options.closure } : {}),
  });
  return result.isOk()
    ? closureResult(output, result.value)
    : closureFailure(output, result.error, prepared.seen.host);
}
