import { z } from 'zod';
import type { Prng } from './prng';
import { parseControlInput } from './validate-control-input';

/**
 * Faults a simulator can inject. "Processed" means the provider applied the request (state
 * changed) before the fault hit the response; tests of "outcome unknown" handling rely on it.
 */
const latencyFault = z.strictObject({
  type: z.literal('latency'),
  ms: z.number().int().min(0).max(600_000),
  /** `before`: delay, then process (skipped if the client gave up meanwhile); `after`: process, then delay the answer. */
  phase: z.enum(['before', 'after']).optional(),
});
const statusFault = z.strictObject({
  type: z.literal('status'),
  code: z.number().int().min(100).max(599),
  /** JSON body; defaults to the provider's own error envelope for `code`. A string is sent verbatim. */
  body: z.unknown().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  /** Sets `Retry-After`: seconds (number) or an HTTP date (string). */
  retryAfter: z.union([z.number().int().min(0), z.string().min(1)]).optional(),
});
const processedOption = { processed: z.boolean().optional() };
const faultSchema = z.discriminatedUnion('type', [
  latencyFault,
  statusFault,
  z.strictObject({ type: z.literal('reset-before') }),
  z.strictObject({ type: z.literal('reset-after') }),
  z.strictObject({ type: z.literal('malformed-json'), ...processedOption }),
  z.strictObject({ type: z.literal('html-error'), status: z.number().int().min(400).max(599).optional() }),
  z.strictObject({ type: z.literal('truncated-body'), ...processedOption }),
  z.strictObject({
    type: z.literal('oversized-body'),
    bytes: z
      .number()
      .int()
      .min(1)
      .max(512 * 1024 * 1024),
    /** false: no Content-Length (chunked), so only a streaming size cap catches it. */
    declareLength: z.boolean().optional(),
    ...processedOption,
  }),
  z.strictObject({
    type: z.literal('never-ending-body'),
    intervalMs: z.number().int().min(1).max(60_000).optional(),
    ...processedOption,
  }),
  z.strictObject({ type: z.literal('hang') }),
]);

export type Fault = z.output<typeof faultSchema>;
export type FaultType = Fault['type'];

function isValidRegexSource(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

const faultRuleSchema = z.strictObject({
  match: z
    .strictObject({
      method: z.string().min(1).optional(),
      /** Substring of the request path + query; in-process a RegExp is accepted too. */
      path: z.union([z.string().min(1), z.instanceof(RegExp)]).optional(),
      /** RegExp source tested against the request path + query (for JSON callers). */
      pathRegex: z.string().min(1).refine(isValidRegexSource, 'not a valid regular expression').optional(),
    })
    .optional(),
  fault: faultSchema,
  /** How many times the rule fires; unlimited when absent. */
  times: z.number().int().min(1).optional(),
  /** Chance (0..1) that a matching request is faulted, drawn from the seeded PRNG; 1 when absent. */
  probability: z.number().min(0).max(1).optional(),
});

export type FaultRule = z.input<typeof faultRuleSchema>;

export interface FaultRuleState {
  index: number;
  rule: FaultRule;
  /** Remaining firings, null when unlimited. */
  remaining: number | null;
  applied: number;
}

/** The faults chosen for one request: latency is cumulative, at most one other fault ends it. */
export interface FaultDecision {
  latencyBeforeMs: number;
  latencyAfterMs: number;
  terminal: Exclude<Fault, { type: 'latency' }> | null;
}

const NO_FAULT: FaultDecision = { latencyBeforeMs: 0, latencyAfterMs: 0, terminal: null };

interface ActiveRule {
  rule: z.output<typeof faultRuleSchema>;
  original: FaultRule;
  method: string | null;
  pathTest: ((target: string) => boolean) | null;
  remaining: number | null;
  applied: number;
}

function compilePathTest(
  match: z.output<typeof faultRuleSchema>['match'],
): ((target: string) => boolean) | null {
  if (match === undefined) return null;
  const tests: ((target: string) => boolean)[] = [];
  const { path, pathRegex } = match;
  if (typeof path === 'string') tests.push((target) => target.includes(path));
  else if (path instanceof RegExp) {
    const regex = new RegExp(path.source, path.flags.replace('g', '').replace('y', ''));
    tests.push((target) => regex.test(target));
  }
  if (pathRegex !== undefined) {
    const regex = new RegExp(pathRegex);
    tests.push((target) => regex.test(target));
  }
  return tests.length === 0 ? null : (target) => tests.every((test) => test(target));
}

export class FaultInjector {
  private rules: ActiveRule[] = [];

  constructor(private prng: Prng) {}

  /** Drops every rule and restarts from a fresh PRNG stream (control `reset`). */
  reset(prng: Prng): void {
    this.rules = [];
    this.prng = prng;
  }

  add(input: FaultRule | readonly FaultRule[]): FaultRuleState[] {
    const list = Array.isArray(input) ? input : [input];
    const parsed = parseControlInput(z.array(faultRuleSchema), list, 'fault rules');
    parsed.forEach((rule, index) => {
      this.rules.push({
        rule,
        original: list[index] as FaultRule,
        method: rule.match?.method?.toUpperCase() ?? null,
        pathTest: compilePathTest(rule.match),
        remaining: rule.times ?? null,
        applied: 0,
      });
    });
    return this.list();
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRuleState[] {
    return this.rules.map((active, index) => ({
      index,
      rule: active.original,
      remaining: active.remaining,
      applied: active.applied,
    }));
  }

  /** Evaluates the rules in order for one request; consumes `times` and PRNG draws only on match. */
  decide(method: string, target: string): FaultDecision {
    if (this.rules.length === 0) return NO_FAULT;
    let latencyBeforeMs = 0;
    let latencyAfterMs = 0;
    for (const active of this.rules) {
      if (active.remaining === 0) continue;
      if (active.method !== null && active.method !== method) continue;
      if (active.pathTest !== null && !active.pathTest(target)) continue;
      const probability = active.rule.probability;
      if (probability !== undefined && probability < 1 && !(this.prng.next() < probability)) continue;
      if (active.remaining !== null) active.remaining--;
      active.applied++;
      const fault = active.rule.fault;
      if (fault.type === 'latency') {
        if (fault.phase === 'after') latencyAfterMs += fault.ms;
        else latencyBeforeMs += fault.ms;
        continue;
      }
      return { latencyBeforeMs, latencyAfterMs, terminal: fault };
    }
    return latencyBeforeMs === 0 && latencyAfterMs === 0
      ? NO_FAULT
      : { latencyBeforeMs, latencyAfterMs, terminal: null };
  }
}
