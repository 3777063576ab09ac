import { type ChildProcess, fork } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

export interface ChildMessage {
  id?: number;
  type: string;
  [key: string]: unknown;
}

export interface Child<Ready> {
  ready: Ready;
  /** Sends one request and waits for the reply with the same id. */
  call<T = ChildMessage>(type: string, payload?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Forks a benchmark helper (canned server, simulators) in its own process, so that its CPU time
 * runs on the other core instead of being charged to the client under measurement. The child
 * inherits `--import tsx` and answers `{id, type}` requests with `{id, ...}`.
 */
export function startChild<Ready extends ChildMessage>(file: string): Promise<Child<Ready>> {
  const child: ChildProcess = fork(fileURLToPath(new URL(file, import.meta.url)), [], {
    cwd: BENCH_DIR,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<number, (message: ChildMessage) => void>();
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${file} exited early with code ${code}`)));
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') {
        child.removeAllListeners('exit');
        resolve({
          ready: message as Ready,
          call: <T>(type: string, payload: Record<string, unknown> = {}) =>
            new Promise<T>((resolveCall) => {
              const id = nextId++;
              pending.set(id, (reply) => resolveCall(reply as T));
              child.send({ ...payload, id, type });
            }),
          close: () =>
            new Promise<void>((resolveClose) => {
              child.once('exit', () => resolveClose());
              child.send({ type: 'close' });
            }),
        });
        return;
      }
      if (message.id !== undefined) {
        pending.get(message.id)?.(message);
        pending.delete(message.id);
      }
    });
  });
}
