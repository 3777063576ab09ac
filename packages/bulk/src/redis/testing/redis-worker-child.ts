import { createRedisBulkEngine } from '../redis-bulk-engine';
import { simulatorProviders, type WorkerChildConfig } from './simulator-providers';

/*
 * Test and bench code only: a BullMQ worker process (redis-crash.test.ts, bench/src/bulk-redis.ts).
 * Started with `node --import tsx`, configured by one JSON argument; works the run until SIGTERM,
 * or until it is killed, which is the point of the crash test.
 */

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as WorkerChildConfig;
  const engine = createRedisBulkEngine({
    redis: config.redis,
    prefix: config.prefix,
    run: config.run,
    concurrency: config.concurrency,
    lockDurationMs: config.lockDurationMs,
    stalledIntervalMs: config.stalledIntervalMs,
    providers: simulatorProviders(config),
  });
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  process.stdout.write('worker ready\n');
  const worked = await engine.work({ signal: stop.signal });
  await engine.close();
  if (worked.isErr()) {
    process.stderr.write(`${worked.error.code}: ${worked.error.message}\n`);
    process.exitCode = 1;
  }
}

void main();
