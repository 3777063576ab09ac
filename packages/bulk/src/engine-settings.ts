import type { ClosureAdapter } from '@closekit/core';
import {
  type BulkEngineSettings,
  DEFAULT_CONCURRENCY,
  DEFAULT_REQUESTS_PER_SECOND,
  DEFAULT_RUN,
} from './bulk-engine';
import { type BulkPolicy, DEFAULT_BULK_POLICY } from './bulk-step';
import { createRateLimitedFetch, type RateLimitedFetch } from './rate-limited-fetch';

/** A provider ready to use: its adapter built on the rate-limited fetch. */
export interface ResolvedProvider {
  name: string;
  adapter: ClosureAdapter;
  limiter: RateLimitedFetch;
  requestsPerSecond: number;
}

export interface ResolvedEngineSettings {
  run: string;
  providers: Map<string, ResolvedProvider>;
  concurrency: number;
  policy: BulkPolicy;
  now: () => Date;
}

/**
 * Checks engine settings and builds each provider's adapter on its limiter. Wrong settings are
 * a programmer error: one thrown Error lists every problem (STYLE.md, "throw only for invalid
 * factory settings").
 */
export function resolveEngineSettings(
  settings: BulkEngineSettings,
  extraProblems: string[] = [],
): ResolvedEngineSettings {
  const problems = [...extraProblems];
  const run = settings.run ?? DEFAULT_RUN;
  if (typeof run !== 'string' || run.trim() === '') problems.push('run: must be a non-empty string');
  const concurrency = settings.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    problems.push('concurrency: must be a whole number >= 1');
  const policy = { ...DEFAULT_BULK_POLICY, ...settings.policy };
  for (const [key, value] of Object.entries(policy)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      problems.push(`policy.${key}: must be a finite number >= 0`);
    }
  }
  // No providers is allowed: an engine opened only to read status, report and audit.
  if (!Array.isArray(settings.providers))
    problems.push('providers: must be an array (empty to only read the run)');
  const names = new Set<string>();
  for (const [index, provider] of (settings.providers ?? []).entries()) {
    if (typeof provider?.name !== 'string' || provider.name === '')
      problems.push(`providers[${index}].name: required`);
    else if (names.has(provider.name))
      problems.push(`providers[${index}].name: "${provider.name}" is listed twice`);
    else names.add(provider.name);
    if (typeof provider?.createAdapter !== 'function')
      problems.push(`providers[${index}].createAdapter: must be a function`);
    const rate = provider?.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND;
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) {
      problems.push(`providers[${index}].requestsPerSecond: must be a number > 0`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid bulk engine settings:\n- ${problems.join('\n- ')}`);

  const providers = new Map<string, ResolvedProvider>();
  for (const provider of settings.providers) {
    const requestsPerSecond = provider.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND;
    const limiter = createRateLimitedFetch({ requestsPerSecond, fetch: provider.fetch });
    providers.set(provider.name, {
      name: provider.name,
      adapter: provider.createAdapter(limiter.fetch),
      limiter,
      requestsPerSecond,
    });
  }
  return { run, providers, concurrency, policy, now: settings.now ?? (() => new Date()) };
}
