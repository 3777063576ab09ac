import type { ClosureEvent } from '@closekit/core';
import { createFakeClosureAdapter, createFakeProvider, type FakeProvider } from '@closekit/core/testing';
import type { BulkProvider } from '../bulk-engine';
import type { BulkPolicy } from '../bulk-step';

/** What an injected fault does to the requests it matches. */
export type FaultAction =
  /** Answer this instead of the provider (nothing reaches it). */
  | { reply: { status: number; headers?: Record<string, string>; body?: unknown } }
  /** Let the provider apply the request, then never answer (a process that dies mid-call). */
  | { afterForward: 'hang' }
  /** Let the provider apply the request, then break the connection (outcome unknown to the caller). */
  | { afterForward: 'reset' };

export interface Fault {
  method: 'GET' | 'POST';
  /** Matches the request path (e.g. /^\/closures$/ for closes). */
  path: RegExp;
  action: FaultAction;
  /** How many matching requests it affects; Infinity for all. */
  times: number;
}

export const CLOSE_PATH = /^\/closures$/;
export const ANY_PATH = /.*/;

/** A policy with no real waits, for tests: every delay is a millisecond or two. */
export const FAST_POLICY: Partial<BulkPolicy> = {
  pollIntervalMs: 1,
  maxPollIntervalMs: 2,
  retryBaseMs: 1,
  retryMaxMs: 2,
  rateLimitPauseMs: 1,
  maxRateLimitPauseMs: 5,
};

/**
 * Two in-memory fake providers ('alpha' and 'beta', from @closekit/core/testing) with faults that
 * can be injected per provider, and the BulkProvider entries an engine needs to reach them.
 */
export interface FakeBulkWorld {
  readonly backends: Readonly<Record<'alpha' | 'beta', FakeProvider>>;
  /** Every request each provider was sent (after faults), in order. */
  readonly requests: Readonly<Record<'alpha' | 'beta', { method: string; path: string }[]>>;
  inject(provider: 'alpha' | 'beta', fault: Fault): void;
  /** Closures move one step (requested -> processing -> closed) on every GET of them: polling reaches final. */
  autoAdvance(on: boolean): void;
  providers(options?: { apiKey?: Partial<Record<'alpha' | 'beta', string>> }): BulkProvider[];
  /** The verified ClosureEvent for a closure's current state, as a webhook receiver would get it. */
  eventFor(provider: 'alpha' | 'beta', closureId: string): Promise<ClosureEvent>;
}

export function createFakeBulkWorld(): FakeBulkWorld {
  const backends = { alpha: createFakeProvider(), beta: createFakeProvider() };
  const requests: Record<'alpha' | 'beta', { method: string; path: string }[]> = { alpha: [], beta: [] };
  const faults: Record<'alpha' | 'beta', Fault[]> = { alpha: [], beta: [] };
  let advancing = false;

  const interpose = (name: 'alpha' | 'beta'): typeof fetch => {
    const backend = backends[name];
    return async (input, init) => {
      const request = new Request(input, init);
      const path = new URL(request.url).pathname;
      requests[name].push({ method: request.method, path });
      const fault = faults[name].find(
        (candidate) => candidate.method === request.method && candidate.path.test(path),
      );
      if (fault) {
        fault.times -= 1;
        if (fault.times <= 0) faults[name].splice(faults[name].indexOf(fault), 1);
        if ('reply' in fault.action) {
          const { status, headers, body } = fault.action.reply;
          return new Response(body === undefined ? null : JSON.stringify(body), {
            status,
            headers: { 'content-type': 'application/json', ...headers },
          });
        }
        await backend.fetch(input, init);
        if (fault.action.afterForward === 'hang') return new Promise<Response>(() => {});
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
        });
      }
      const closureMatch = /^\/closures\/([^/]+)$/.exec(path);
      if (advancing && request.method === 'GET' && closureMatch?.[1]) {
        backend.advance(decodeURIComponent(closureMatch[1]));
      }
      return backend.fetch(input, init);
    };
  };
  const fetches = { alpha: interpose('alpha'), beta: interpose('beta') };
  const adapterFor = (name: 'alpha' | 'beta', apiKey?: string) =>
    createFakeClosureAdapter({ provider: name, backend: backends[name], apiKey, maxRetries: 0 });

  return {
    backends,
    requests,
    inject: (provider, fault) => faults[provider].push({ ...fault }),
    autoAdvance: (on) => {
      advancing = on;
    },
    providers: (options = {}) =>
      (['alpha', 'beta'] as const).map((name) => ({
        name,
        fetch: fetches[name],
        requestsPerSecond: 10_000,
        createAdapter: (fetch: typeof globalThis.fetch) =>
          createFakeClosureAdapter({
            provider: name,
            backend: backends[name],
            fetch,
            apiKey: options.apiKey?.[name],
            maxRetries: 0,
            timeoutMs: 60_000,
          }),
      })),
    async eventFor(provider, closureId) {
      const webhook = backends[provider].webhookFor(closureId);
      if (!webhook) throw new Error(`no closure ${closureId} at ${provider}`);
      const parsed = await adapterFor(provider).parseWebhook(webhook);
      if (parsed.isErr()) throw parsed.error;
      return parsed.value;
    },
  };
}
