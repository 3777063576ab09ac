import type { BulkPolicy, BulkProvider, BulkStatus } from '@closekit/bulk';
import { createRedisBulkEngine, type RedisBulkEngine, redactRedisUrl } from '@closekit/bulk/redis';
import { createMtlsFetch } from '@closekit/embedded-payments';
import { createAdapterFromEnv, isProviderName, PROVIDERS, type ProviderName } from '../../provider-config';
import type { CommandIo } from '../io';
import type { ExitCode } from '../output';

type Env = Record<string, string | undefined>;

const MTLS_VARIABLES = [
  'EMBEDDED_PAYMENTS_CLIENT_CERT_FILE',
  'EMBEDDED_PAYMENTS_CLIENT_KEY_FILE',
  'EMBEDDED_PAYMENTS_CA_FILE',
];

/**
 * A provider for a bulk run, configured by the same environment variables as `closekit close`.
 * The engine hands the adapter a rate-limited fetch; Embedded Payments' client certificate
 * (mutual TLS) goes beneath it, so certificate-bearing requests are counted too.
 */
export function bulkProviderFromEnv(name: ProviderName, env: Env, requestsPerSecond?: number): BulkProvider {
  const certFile = env.EMBEDDED_PAYMENTS_CLIENT_CERT_FILE;
  const keyFile = env.EMBEDDED_PAYMENTS_CLIENT_KEY_FILE;
  const mtls = name === 'embedded-payments' && certFile && keyFile;
  const adapterEnv = mtls
    ? Object.fromEntries(Object.entries(env).filter(([key]) => !MTLS_VARIABLES.includes(key)))
    : env;
  // Built once here so missing credentials are a configuration error now, not a failed job later.
  createAdapterFromEnv(name, adapterEnv);
  return {
    name,
    ...(requestsPerSecond === undefined ? {} : { requestsPerSecond }),
    ...(mtls
      ? { fetch: createMtlsFetch({ certFile, keyFile, caFile: env.EMBEDDED_PAYMENTS_CA_FILE || undefined }) }
      : {}),
    createAdapter: (fetch) => createAdapterFromEnv(name, adapterEnv, { fetch }),
  };
}

/** Opens the run on Redis for `run`/`status`/`report --redis URL`, or says which setting is wrong. */
export function openRedisBulkEngine(options: {
  redis: string;
  providers?: readonly BulkProvider[];
  concurrency?: number;
  policy?: Partial<BulkPolicy>;
}): { engine: RedisBulkEngine } | { error: string } {
  try {
    return {
      engine: createRedisBulkEngine({
        redis: options.redis,
        providers: options.providers ?? [],
        ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
        ...(options.policy === undefined ? {} : { policy: options.policy }),
      }),
    };
  } catch (error) {
    return { error: `--redis ${redactRedisUrl(options.redis)}: ${(error as Error).message}` };
  }
}

function progressLine(status: BulkStatus): string {
  const parts = Object.entries(status.counts).map(([provider, counts]) => {
    const nonZero = Object.entries(counts).filter(([, count]) => count > 0);
    return `${provider} ${nonZero.map(([state, count]) => `${state} ${count}`).join(', ') || 'nothing'}`;
  });
  const paused = status.pauses.map((pause) => `${pause.provider} paused: ${pause.message}`);
  return [`run ${status.run}: ${status.total} accounts`, ...parts, ...paused].join('; ');
}

export interface BulkWorkerOptions {
  redis?: string;
  concurrency?: number;
}

/**
 * `closekit bulk worker --redis URL`: an extra worker for a run another machine started with
 * `closekit bulk run --redis URL`. Works every provider of the run (configured from the
 * environment, like `closekit close`) until SIGINT or SIGTERM, then finishes the steps in hand.
 * Exit 0 when stopped, 1 when the run's store failed, 2 for usage or configuration errors.
 */
export async function runBulkWorker(
  options: BulkWorkerOptions,
  io: CommandIo,
  env: Env = process.env,
  stop?: AbortSignal,
): Promise<ExitCode> {
  if (!options.redis) {
    io.error('closekit bulk worker needs --redis URL (the Redis of the run, e.g. redis://127.0.0.1:6379)');
    return 2;
  }
  const reader = openRedisBulkEngine({ redis: options.redis });
  if ('error' in reader) {
    io.error(reader.error);
    return 2;
  }
  const status = await reader.engine.status();
  await reader.engine.close();
  if (status.isErr()) {
    io.error(`--redis ${redactRedisUrl(options.redis)}: ${status.error.message}`);
    return 2;
  }
  const names = Object.entries(status.value.counts)
    .filter(([, counts]) => Object.values(counts).some((count) => count > 0))
    .map(([name]) => name);
  if (names.length === 0) {
    io.error(
      `--redis ${redactRedisUrl(options.redis)}: the run has no accounts yet; start it with closekit bulk run --redis`,
    );
    return 2;
  }
  const providers: BulkProvider[] = [];
  for (const name of names) {
    if (!isProviderName(name)) {
      io.error(
        `the run has accounts at "${name}", which the CLI cannot reach (known: ${PROVIDERS.join(', ')})`,
      );
      return 2;
    }
    try {
      providers.push(bulkProviderFromEnv(name, env));
    } catch (error) {
      io.error(`invalid configuration for ${name}: ${(error as Error).message}`);
      return 2;
    }
  }
  const opened = openRedisBulkEngine({ redis: options.redis, providers, concurrency: options.concurrency });
  if ('error' in opened) {
    io.error(opened.error);
    return 2;
  }
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  stop?.addEventListener('abort', onSignal);
  if (!stop) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  io.out(
    `worker: working ${names.join(', ')} on ${redactRedisUrl(options.redis)}; stop with Ctrl-C or SIGTERM`,
  );
  const worked = await opened.engine.work({
    signal: controller.signal,
    progressIntervalMs: 5_000,
    onProgress: (progress) => io.out(progressLine(progress)),
  });
  await opened.engine.close();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (worked.isErr()) {
    io.error(`worker stopped: ${worked.error.code}: ${worked.error.message}`);
    return 1;
  }
  io.out(`worker stopped. ${progressLine(worked.value)}`);
  return 0;
}
