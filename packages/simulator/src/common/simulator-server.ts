import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { SimulatorControlError } from './control-error';
import type { FaultDecision, FaultInjector } from './fault-rules';
import type { CounterStore } from './request-counters';
import { parseJsonBody, type RouteDefinition, Router, type SimRequest, type SimResponse } from './sim-http';

/** Everything under this prefix is the control API: never faulted, never counted. */
export const CONTROL_PREFIX = '/__control';

/** Request bodies larger than this are refused with 413 (in the provider's envelope). */
const MAX_REQUEST_BYTES = 1024 * 1024;

export interface SimulatorServerConfig {
  host: string;
  port: number;
  routes: readonly RouteDefinition[];
  /** Patterns relative to CONTROL_PREFIX (`/faults`). */
  controlRoutes: readonly RouteDefinition[];
  /** The provider's error envelope for a status the simulator produces itself (404, 405, 413, 500, status faults). */
  errorResponse(status: number, request: SimRequest, message: string): SimResponse;
  faults: FaultInjector;
  counters: CounterStore;
  /** Match literal path segments case-insensitively (Udara360 runs on ASP.NET). */
  caseInsensitivePaths?: boolean;
  /** Called once the server has stopped accepting connections. */
  onClose?: () => void;
}

export interface RunningSimulatorServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const HTML_PAGE = (status: number) =>
  `<!DOCTYPE html>\n<html><head><title>${status} Error</title></head><body><center><h1>${status} Error</h1></center><hr><center>nginx</center></body></html>\n`;

const STATUS_TEXT: Record<number, string> = {
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export async function startSimulatorServer(config: SimulatorServerConfig): Promise<RunningSimulatorServer> {
  const router = new Router(config.routes, config.caseInsensitivePaths ?? false);
  const controlRouter = new Router(config.controlRoutes);
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let baseUrl = '';
  let closed = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const server = createServer({ keepAlive: true }, (req, res) => {
    res.on('error', () => undefined);
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('simulator error');
      }
    });
  });
  server.keepAliveTimeout = 10_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const target = req.url ?? '/';
    const queryStart = target.indexOf('?');
    const path = queryStart === -1 ? target : target.slice(0, queryStart);
    const query = new URLSearchParams(queryStart === -1 ? '' : target.slice(queryStart + 1));
    const makeRequest = (rawBody: string): SimRequest => ({
      method,
      target,
      path,
      query,
      headers: req.headers,
      rawBody,
      baseUrl,
    });

    if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) {
      await handleControl(req, res, method, path.slice(CONTROL_PREFIX.length) || '/', makeRequest);
      return;
    }

    const match = router.match(method, path);
    config.counters.countRequest(
      match.kind === 'route' ? `${method} ${match.definition.pattern}` : `${method} (unmatched)`,
    );
    const decision = config.faults.decide(method, target);
    const terminal = decision.terminal;

    if (terminal?.type === 'reset-before') {
      req.socket.destroy();
      return;
    }
    if (terminal?.type === 'hang') return; // the socket stays open until the client or close() ends it
    if (decision.latencyBeforeMs > 0) {
      await sleep(decision.latencyBeforeMs);
      if (req.socket.destroyed || closed) return; // the client gave up before we processed anything
    }

    const body = await readBody(req);
    if (body === undefined) return;
    if (body === null) {
      if (!req.socket.destroyed) {
        send(res, config.errorResponse(413, makeRequest(''), 'Request body too large'));
      }
      return;
    }
    const request = makeRequest(body);
    const closing =
      match.kind === 'route' ? match.definition.closeRequestAccount?.(request, match.params) : null;
    if (closing) config.counters.recordCloseRequest(closing);

    if (terminal?.type === 'status') {
      send(res, statusFaultResponse(terminal, request));
      return;
    }
    if (terminal?.type === 'html-error') {
      const status = terminal.status ?? 502;
      send(res, { status, text: HTML_PAGE(status), contentType: 'text/html' });
      return;
    }

    const processed = terminal === null || !('processed' in terminal) || terminal.processed !== false;
    let response: SimResponse;
    if (!processed) {
      response = { status: 200, json: { simulated: 'unprocessed' } };
    } else if (match.kind === 'route') {
      try {
        response = await match.definition.handler(request, match.params);
      } catch {
        response = config.errorResponse(500, request, 'Simulator internal error');
      }
    } else if (match.kind === 'method-not-allowed') {
      response = config.errorResponse(405, request, `Method ${method} not allowed on ${path}`);
      response.headers = { ...response.headers, allow: match.allowed.join(', ') };
    } else {
      response = config.errorResponse(404, request, `No route for ${method} ${path}`);
    }

    if (decision.latencyAfterMs > 0) await sleep(decision.latencyAfterMs);
    if (res.destroyed || closed) return;
    writeWithFault(res, response, decision);
  }

  function statusFaultResponse(
    fault: Extract<NonNullable<FaultDecision['terminal']>, { type: 'status' }>,
    request: SimRequest,
  ): SimResponse {
    const base: SimResponse =
      fault.body === undefined
        ? config.errorResponse(
            fault.code,
            request,
            STATUS_TEXT[fault.code] ?? `Injected status ${fault.code}`,
          )
        : typeof fault.body === 'string'
          ? { status: fault.code, text: fault.body }
          : { status: fault.code, json: fault.body };
    const headers = { ...base.headers, ...lowerCaseKeys(fault.headers ?? {}) };
    if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
    return { ...base, status: fault.code, headers };
  }

  function writeWithFault(res: ServerResponse, response: SimResponse, decision: FaultDecision): void {
    const terminal = decision.terminal;
    if (terminal === null) {
      send(res, response);
      return;
    }
    const { body, contentType } = serialise(response);
    switch (terminal.type) {
      case 'reset-after':
        res.socket?.destroy();
        return;
      case 'malformed-json': {
        const half = body.subarray(0, Math.ceil(body.length / 2)).toString('utf8');
        send(res, { ...response, text: `${half}{]`, contentType: 'application/json' });
        return;
      }
      case 'truncated-body': {
        const full = body.length >= 2 ? body : Buffer.from('{"truncated":true}');
        res.writeHead(response.status, {
          ...response.headers,
          'content-type': contentType,
          'content-length': String(full.length),
        });
        res.write(full.subarray(0, Math.floor(full.length / 2)), () => res.socket?.destroy());
        return;
      }
      case 'oversized-body': {
        const padding = Buffer.alloc(Math.max(terminal.bytes, 16), 0x78);
        padding.write('{"padding":"', 0, 'utf8');
        padding.write('"}', padding.length - 2, 'utf8');
        const headers: Record<string, string> = { ...response.headers, 'content-type': 'application/json' };
        if (terminal.declareLength !== false) headers['content-length'] = String(padding.length);
        res.writeHead(response.status, headers);
        res.end(padding);
        return;
      }
      case 'never-ending-body': {
        res.writeHead(response.status, { ...response.headers, 'content-type': 'application/json' });
        res.write('[');
        const chunk = `${JSON.stringify({ padding: 'x'.repeat(64) })},`;
        const interval = setInterval(() => {
          if (res.destroyed || closed) stop();
          else res.write(chunk);
        }, terminal.intervalMs ?? 20);
        const stop = () => {
          clearInterval(interval);
          timers.delete(interval);
        };
        timers.add(interval);
        res.on('close', stop);
        return;
      }
      default:
        send(res, response);
    }
  }

  async function handleControl(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    controlPath: string,
    makeRequest: (rawBody: string) => SimRequest,
  ): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) return;
    const request = makeRequest(body ?? '');
    const controlError = (error: SimulatorControlError) =>
      send(res, {
        status: error.status,
        json: {
          error: {
            code: error.code,
            message: error.message,
            ...(error.issues.length > 0 ? { issues: error.issues } : {}),
          },
        },
      });
    if (body === null) {
      controlError(new SimulatorControlError(413, 'BODY_TOO_LARGE', 'Control request body too large'));
      return;
    }
    const match = controlRouter.match(method, controlPath);
    if (match.kind !== 'route') {
      controlError(
        new SimulatorControlError(
          match.kind === 'none' ? 404 : 405,
          match.kind === 'none' ? 'NOT_FOUND' : 'METHOD_NOT_ALLOWED',
          `No control route ${method} ${CONTROL_PREFIX}${controlPath}`,
        ),
      );
      return;
    }
    if (body.trim() !== '' && !parseJsonBody(body).ok) {
      controlError(new SimulatorControlError(400, 'INVALID_JSON', 'Control request body is not JSON'));
      return;
    }
    try {
      send(res, await match.definition.handler(request, match.params));
    } catch (error) {
      if (SimulatorControlError.isInstance(error)) controlError(error);
      else controlError(new SimulatorControlError(500, 'INTERNAL', 'Control request failed'));
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  baseUrl = `http://${config.host}:${port}`;

  let closing: Promise<void> | null = null;
  return {
    url: baseUrl,
    port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        closed = true;
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        config.onClose?.();
      });
      return closing;
    },
  };
}

function lowerCaseKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key.toLowerCase(), value]));
}

function serialise(response: SimResponse): { body: Buffer; contentType: string } {
  if (response.text !== undefined) {
    return { body: Buffer.from(response.text, 'utf8'), contentType: response.contentType ?? 'text/plain' };
  }
  if (response.json === undefined) return { body: Buffer.alloc(0), contentType: 'application/json' };
  return {
    body: Buffer.from(JSON.stringify(response.json), 'utf8'),
    contentType: response.contentType ?? 'application/json',
  };
}

function send(res: ServerResponse, response: SimResponse): void {
  if (res.destroyed || res.headersSent) return;
  const { body, contentType } = serialise(response);
  const headers: Record<string, string> = { ...lowerCaseKeys(response.headers ?? {}) };
  if (body.length > 0 || response.json !== undefined || response.text !== undefined) {
    headers['content-type'] ??= contentType;
  }
  headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}

/** The whole body as UTF-8; null past MAX_REQUEST_BYTES; undefined when the client went away mid-body. */
function readBody(req: IncomingMessage): Promise<string | null | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
    req.on('close', () => resolve(req.complete ? Buffer.concat(chunks).toString('utf8') : undefined));
  });
}
