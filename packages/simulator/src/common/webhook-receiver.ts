import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';

export interface ReceivedWebhook {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The exact bytes received, as UTF-8: what signature checks must use. */
  rawBody: string;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:port/webhooks`. */
  url: string;
  received: ReceivedWebhook[];
  /** Resolves once `count` webhooks have arrived in total (rejects after `timeoutMs`, default 5000). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export interface WebhookReceiverOptions {
  /** Status to answer for the nth (0-based) webhook; default 200. */
  respond?: (webhook: ReceivedWebhook, index: number) => number;
  port?: number;
}

/** A tiny loopback receiver for tests and demos: records every POST and answers a chosen status. */
export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const webhook: ReceivedWebhook = {
        method: req.method ?? 'POST',
        path: req.url ?? '/',
        headers: req.headers,
        rawBody: Buffer.concat(chunks).toString('utf8'),
      };
      const index = received.length;
      received.push(webhook);
      res.writeHead(options.respond?.(webhook, index) ?? 200, { 'content-length': '0' }).end();
      for (const waiter of [...waiters]) {
        if (received.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    waitFor: (count, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        if (received.length >= count) {
          resolve(received.slice(0, count));
          return;
        }
        const timer = setTimeout(
          () => reject(new Error(`Expected ${count} webhooks, got ${received.length}`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(received.slice(0, count));
          },
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
