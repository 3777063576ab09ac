import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerChildConfig } from './simulator-providers';

/* Test and bench code only: starts redis-worker-child.ts as a separate Node process. */

export interface RedisWorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves once the worker says it is ready; rejects if it exits first. */
  readonly ready: Promise<void>;
  /** Resolves with the exit code or signal once the process is gone. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
  /** What it printed so far (stdout and stderr), for failure messages. */
  output(): string;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export function spawnRedisWorker(config: WorkerChildConfig): RedisWorkerProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', here('./redis-worker-child.ts'), JSON.stringify(config)],
    {
      // `tsx` resolves from the package; the paths file maps @closekit/* to the workspace sources.
      cwd: here('../../..'),
      env: { ...process.env, TSX_TSCONFIG_PATH: here('./tsconfig.child.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal));
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('worker ready')) resolve();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    void exited.then((how) => reject(new Error(`worker exited (${how}) before it was ready:\n${output}`)));
  });
  ready.catch(() => undefined);
  if (child.pid === undefined) throw new Error('the worker process did not start');
  return { child, pid: child.pid, ready, exited, output: () => output };
}
