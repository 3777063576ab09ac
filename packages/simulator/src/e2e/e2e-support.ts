/**
 * Shared helpers of the end-to-end and fault suites: adapters pointed at the simulators over real
 * loopback HTTP, a fetch that records exactly what left the adapter, hook capture and the time
 * budget a call must finish within.
 */
import type {
  ClosureAdapter,
  HttpHooks,
  HttpRequestEvent,
  HttpResponseEvent,
  HttpRetryEvent,
} from '@closekit/core';
import {
  createEmbeddedPaymentsAdapter,
  type EmbeddedPaymentsAdapterSettings,
} from '@closekit/embedded-payments';
import {
  createSolarisAdapter,
  type SolarisAdapterSettings,
  type SolarisClosureAdapter,
} from '@closekit/solaris';
import { createUdara360Adapter, type Udara360AdapterSettings } from '@closekit/udara360';
import type { EmbeddedPaymentsSimulator } from '../embedded-payments/ep-simulator';
import type { SolarisSimulator } from '../solaris/solaris-simulator';
import type { Udara360Simulator } from '../udara360/udara-simulator';

/** Small, fast and bounded: every fault scenario must end well inside `timeBudgetMs(FAST)`. */
export const FAST = {
  timeoutMs: 300,
  maxRetries: 2,
  backoff: { baseDelayMs: 1, maxDelayMs: 10 },
} as const;

/** A fixed clock so simulator dates are exact. */
export const FIXED_NOW = new Date('2026-03-02T10:00:00.000Z');
export const fixedClock = () => FIXED_NOW;
export const TODAY = FIXED_NOW.toISOString().slice(0, 10);

export interface RecordedRequest {
  method: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** The real global fetch, recording every request the adapter sends (headers lower-cased). */
export function recordingFetch(): { fetch: typeof fetch; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const wrapped = ((input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const parsed = new URL(url);
    requests.push({
      method: (init?.method ?? 'GET').toUpperCase(),
      url,
      path: parsed.pathname,
      headers,
      body: typeof init?.body === 'string' ? init.body : undefined,
    });
    return globalThis.fetch(input, init);
  }) as typeof fetch;
  return { fetch: wrapped, requests };
}

export interface HookLog {
  hooks: HttpHooks;
  requests: HttpRequestEvent[];
  responses: HttpResponseEvent[];
  retries: HttpRetryEvent[];
}

/** Captures every hook event; `onRequest` may also run a side effect (e.g. inject a fault at the right moment). */
export function hookLog(onRequest?: (event: HttpRequestEvent) => void): HookLog {
  const log: HookLog = {
    requests: [],
    responses: [],
    retries: [],
    hooks: {
      onRequest: (event) => {
        log.requests.push(event);
        onRequest?.(event);
      },
      onResponse: (event) => log.responses.push(event),
      onRetry: (event) => log.retries.push(event),
    },
  };
  return log;
}

interface Budget {
  timeoutMs: number;
  maxRetries: number;
  backoff: { maxDelayMs: number };
}

/**
 * The longest a closeAccount may take before it counts as hanging: every attempt of the close and
 * of each read-back (itself retried) times out, plus authentication, pre-reads, every backoff wait
 * at its cap and any Retry-After the scenario asks for, plus generous slack for a loaded machine.
 * A bound on hanging, not a speed assertion.
 */
export function timeBudgetMs(settings: Budget = FAST, extraWaitMs = 0): number {
  const attempts = settings.maxRetries + 1;
  const oneRequestMs = attempts * (settings.timeoutMs + settings.backoff.maxDelayMs);
  // auth + pre-reads (2) + close attempts, each close attempt followed by a retried read-back.
  const requests = 3 * oneRequestMs + attempts * (settings.timeoutMs + oneRequestMs);
  return requests + extraWaitMs + 5_000;
}

/** Runs `call`, returning its value and how long it took (for the hang bound only). */
export async function timed<T>(call: () => PromiseLike<T>): Promise<{ value: T; elapsedMs: number }> {
  const started = performance.now();
  const value = await call();
  return { value, elapsedMs: performance.now() - started };
}

export function solarisAdapterFor(
  sim: SolarisSimulator,
  overrides: SolarisAdapterSettings = {},
): SolarisClosureAdapter {
  return createSolarisAdapter({
    ...sim.adapterSettings,
    ...FAST,
    ...overrides,
  });
}

export function embeddedPaymentsAdapterFor(
  sim: EmbeddedPaymentsSimulator,
  apiVersion: 'v1' | 'v2',
  overrides: EmbeddedPaymentsAdapterSettings = {},
): ClosureAdapter {
  return createEmbeddedPaymentsAdapter({
    ...sim.adapterSettings,
    apiVersion,
    baseUrl: apiVersion === 'v1' ? sim.v1BaseUrl : sim.v2BaseUrl,
    ...FAST,
    ...overrides,
  });
}

export function udara360AdapterFor(
  sim: Udara360Simulator,
  overrides: Udara360AdapterSettings = {},
): ClosureAdapter {
  return createUdara360Adapter({
    ...sim.adapterSettings,
    ...FAST,
    ...overrides,
  });
}
