/** One request as the scripted provider received it. Header names are lower-case. */
export interface RecordedRequest {
  method: string;
  url: URL;
  path: string;
  headers: Record<string, string>;
  bodyText: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json: unknown;
}

/** How the scripted provider answers one request. */
export interface ScriptedReply {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Wait this long before answering (aborts still apply). */
  delayMs?: number;
  /** Never answer; only an abort or timeout ends the request. */
  hang?: boolean;
  /** Send the headers and some bytes, then never finish the body. */
  endlessBody?: boolean;
  /** Fail like a broken connection: 'reset' may follow processing, 'refused' never reached the server. */
  networkError?: 'reset' | 'refused';
}

export type ScriptedHandler = (request: RecordedRequest) => ScriptedReply | Promise<ScriptedReply>;

export interface ScriptedFetch {
  fetch: typeof fetch;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function networkError(kind: 'reset' | 'refused'): TypeError {
  const code = kind === 'reset' ? 'ECONNRESET' : 'ECONNREFUSED';
  return new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code}`), { code }) });
}

function waitFor(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * An in-memory fetch that answers from a handler and records every request: a provider
 * scripted response by response, with no sockets. Honours AbortSignal like the real fetch.
 */
export function createScriptedFetch(handler: ScriptedHandler): ScriptedFetch {
  const requests: RecordedRequest[] = [];

  const scriptedFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const request = new Request(input, init);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw abortError(signal);
    const bodyText = init.body === undefined || init.body === null ? '' : await request.text();
    let json: unknown;
    try {
      json = bodyText === '' ? undefined : JSON.parse(bodyText);
    } catch {
      json = undefined;
    }
    const url = new URL(request.url);
    const recorded: RecordedRequest = {
      method: request.method,
      url,
      path: url.pathname,
      headers: Object.fromEntries(
        [...request.headers.entries()].map(([name, value]) => [name.toLowerCase(), value]),
      ),
      bodyText,
      json,
    };
    requests.push(recorded);

    const reply = await handler(recorded);
    if (reply.networkError === 'refused') throw networkError('refused');
    if (reply.delayMs) await waitFor(reply.delayMs, signal);
    if (reply.hang) {
      await waitFor(2_147_483_647, signal);
    }
    if (reply.networkError === 'reset') throw networkError('reset');

    const headers = new Headers(reply.headers);
    if (reply.endlessBody) {
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"partial":'));
          signal?.addEventListener('abort', () => controller.error(abortError(signal)), { once: true });
        },
      });
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      return new Response(stream, { status: reply.status ?? 200, headers });
    }
    let body: string | null = null;
    if (reply.body !== undefined) {
      body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      if (!headers.has('content-type')) {
        headers.set('content-type', typeof reply.body === 'string' ? 'text/plain' : 'application/json');
      }
    }
    const status = reply.status ?? 200;
    return new Response(status === 204 || status === 304 ? null : body, { status, headers });
  };

  return { fetch: scriptedFetch as typeof fetch, requests };
}
