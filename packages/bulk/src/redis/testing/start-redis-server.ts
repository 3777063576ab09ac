import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/*
 * Test code only: starts Debian's `redis-server` on a free loopback port, in a temporary directory,
 * configured the way docs/bulk.md asks production to run it (AOF on, `noeviction`), and stops it
 * by pid. `.ci/run` installs the package when it is missing.
 */

export interface RedisServer {
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Stops the server (SIGTERM, then SIGKILL after `graceMs`) and deletes its directory. */
  stop(graceMs?: number): Promise<void>;
}

const MISSING_BINARY =
  "redis-server was not found on PATH. The BullMQ engine tests start a real Redis: install Debian's " +
  'package (`apt-get install -y redis-server`, as .ci/run does) or put a redis-server binary on PATH.';

/** The absolute path of `redis-server` on PATH, or null. */
export function findRedisServer(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Resolves once the server logs that it accepts connections; rejects with its output if it exits first. */
function waitUntilReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Ready to accept connections')) finish();
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(
        new Error(`redis-server exited (${code ?? signal}) before it was ready:\n${output.slice(-2000)}`),
      );
    const timer = setTimeout(
      () => finish(new Error(`redis-server was not ready after ${timeoutMs} ms:\n${output.slice(-2000)}`)),
      timeoutMs,
    );
    function finish(error?: Error) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/**
 * Starts a throw-away `redis-server` on 127.0.0.1. Nothing is written outside a fresh temporary
 * directory; RDB snapshots are off, the append-only file is on, and keys are never evicted.
 * Throws (test set-up, not a library call) when the binary is missing or the server does not start.
 */
export async function startRedisServer(options: { readyTimeoutMs?: number } = {}): Promise<RedisServer> {
  const binary = findRedisServer();
  if (binary === null) throw new Error(MISSING_BINARY);
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  let lastError: unknown;
  // A port found free can be taken before redis-server binds it: try a few.
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const dir = await mkdtemp(join(tmpdir(), 'closekit-redis-'));
    const port = await freeLoopbackPort();
    const settings: Record<string, string> = {
      port: String(port),
      bind: '127.0.0.1',
      'protected-mode': 'yes',
      dir,
      save: '',
      appendonly: 'yes',
      'maxmemory-policy': 'noeviction',
      daemonize: 'no',
      logfile: '',
    };
    const args = Object.entries(settings).flatMap(([name, value]) => [`--${name}`, value]);
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr?.resume();
    try {
      await waitUntilReady(child, readyTimeoutMs);
    } catch (error) {
      lastError = error;
      child.kill('SIGKILL');
      await waitForExit(child, 5_000);
      await rm(dir, { recursive: true, force: true });
      continue;
    }
    child.stdout?.resume();
    const pid = child.pid;
    if (pid === undefined) throw new Error('redis-server started without a pid');
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      pid,
      stop: async (graceMs = 5_000) => {
        if (child.exitCode === null && child.signalCode === null) {
          process.kill(pid, 'SIGTERM');
          if (!(await waitForExit(child, graceMs))) {
            process.kill(pid, 'SIGKILL');
            await waitForExit(child, graceMs);
          }
        }
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  throw lastError instanceof Error ? lastError : new Error('redis-server did not start');
}
