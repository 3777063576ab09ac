import { CLOSURE_REASONS, type ClosureAdapter, type ClosureReason } from '@closekit/core';
import { closureRow, errorJson, errorRow } from '../format-closure';
import { createAdapterFromEnv, isProviderName, PROVIDERS } from '../provider-config';
import { renderTable } from '../render-table';
import type { CommandIo } from './io';

export interface ProviderCommandOptions {
  provider?: string;
  account?: string;
  closure?: string;
  reason?: string;
  idempotencyKey?: string;
  json?: boolean;
  timeoutMs?: number;
}

type AdapterFactory = (provider: (typeof PROVIDERS)[number]) => ClosureAdapter;

function pickAdapter(
  options: ProviderCommandOptions,
  io: CommandIo,
  factory: AdapterFactory,
): ClosureAdapter | null {
  if (!isProviderName(options.provider)) {
    io.error(`--provider must be one of: ${PROVIDERS.join(', ')}`);
    return null;
  }
  try {
    return factory(options.provider);
  } catch (error) {
    io.error(`invalid configuration for ${options.provider}: ${(error as Error).message}`);
    return null;
  }
}

/** `closekit close`: one closure against a real provider. Exit 0 on success, 1 on a closure error, 2 on usage. */
export async function runClose(
  options: ProviderCommandOptions,
  io: CommandIo,
  factory: AdapterFactory = createAdapterFromEnv,
): Promise<number> {
  if (!options.account) {
    io.error('--account is required');
    return 2;
  }
  if (!options.reason || !(CLOSURE_REASONS as readonly string[]).includes(options.reason)) {
    io.error(`--reason must be one of: ${CLOSURE_REASONS.join(', ')}`);
    return 2;
  }
  const adapter = pickAdapter(options, io, factory);
  if (!adapter) return 2;
  const result = await adapter.closeAccount(
    {
      accountId: options.account,
      reason: options.reason as ClosureReason,
      ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
    },
    options.timeoutMs ? { timeoutMs: options.timeoutMs } : {},
  );
  return report(result, options, io);
}

/** `closekit status`: a closure by account or closure id. */
export async function runStatus(
  options: ProviderCommandOptions,
  io: CommandIo,
  factory: AdapterFactory = createAdapterFromEnv,
): Promise<number> {
  if (!options.account && !options.closure) {
    io.error('give --account or --closure');
    return 2;
  }
  const adapter = pickAdapter(options, io, factory);
  if (!adapter) return 2;
  const result = await adapter.getClosure(
    {
      ...(options.account ? { accountId: options.account } : {}),
      ...(options.closure ? { closureId: options.closure } : {}),
    },
    options.timeoutMs ? { timeoutMs: options.timeoutMs } : {},
  );
  return report(result, options, io);
}

function report(
  result: Awaited<ReturnType<ClosureAdapter['getClosure']>>,
  options: ProviderCommandOptions,
  io: CommandIo,
): number {
  if (result.isOk()) {
    io.out(
      options.json
        ? JSON.stringify({ ok: true, closure: result.value }, null, 2)
        : renderTable([closureRow(result.value)]),
    );
    return 0;
  }
  io.out(
    options.json ? JSON.stringify(errorJson(result.error), null, 2) : renderTable([errorRow(result.error)]),
  );
  return 1;
}
