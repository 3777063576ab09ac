import type { ClosureErrorCode } from '../domain/closure-error-code';

/**
 * One row of an adapter's error table: provider answer -> neutral code, as data that docs can
 * print and tests can walk. Every field present must match; the first matching row wins.
 */
export interface ErrorRule {
  /** The HTTP status, several, or a class. Absent: any status. */
  status?: number | readonly number[] | '4xx' | '5xx';
  /** The provider's own error code(s), as found in its code fields. Counts only on a 4xx. */
  providerCode?: string | readonly string[];
  /** A pattern over the provider's free text. Counts only on a business 4xx (see below). */
  text?: RegExp;
  /** The neutral code this answer becomes. */
  code: ClosureErrorCode;
  /** Where the rule comes from: the provider doc section, or the reason for a conservative choice. */
  source: string;
}

/** What the matcher looks at: the status, the codes from the provider's code fields, its prose. */
export interface ErrorFacts {
  status: number;
  providerCodes: readonly string[];
  text: string;
}

/**
 * Statuses whose meaning the status itself decides (DESIGN.md "Semantics every adapter shares":
 * status before text): a provider code counts on them only in a rule that names the status.
 */
const STATUS_DECIDED_4XX: readonly number[] = [401, 407, 408, 429];
/** Statuses free text never refines, whatever the rule says: those above, and 409. */
const TEXT_NEVER: readonly number[] = [...STATUS_DECIDED_4XX, 409];

const isClientError = (status: number) => status >= 400 && status < 500;

function statusMatches(rule: ErrorRule, status: number): boolean {
  const expected = rule.status;
  if (expected === undefined) return true;
  if (expected === '4xx') return isClientError(status);
  if (expected === '5xx') return status >= 500 && status < 600;
  return typeof expected === 'number' ? expected === status : expected.includes(status);
}

function namesStatus(rule: ErrorRule, status: number): boolean {
  const expected = rule.status;
  return expected === status || (Array.isArray(expected) && expected.includes(status));
}

function providerCodeMatches(rule: ErrorRule, facts: ErrorFacts): boolean {
  if (rule.providerCode === undefined) return true;
  // Business codes count only from a 4xx: a 5xx whose body names one is still a 5xx.
  if (!isClientError(facts.status)) return false;
  if (STATUS_DECIDED_4XX.includes(facts.status) && !namesStatus(rule, facts.status)) return false;
  const wanted: readonly string[] =
    typeof rule.providerCode === 'string' ? [rule.providerCode] : rule.providerCode;
  return facts.providerCodes.some((code) => wanted.includes(code));
}

function textMatches(rule: ErrorRule, facts: ErrorFacts): boolean {
  if (rule.text === undefined) return true;
  if (!isClientError(facts.status) || TEXT_NEVER.includes(facts.status)) return false;
  // `search` ignores a global pattern's lastIndex, so a /g rule matches the same way every time.
  return facts.text.search(rule.text) !== -1;
}

/**
 * The first rule that matches the answer, or null. Enforces "status before text": a rule with
 * `text` only matches a business 4xx (400, 403, 404, 422 ...), never a 401, 407, 408, 409, 429 or
 * 5xx; a rule with `providerCode` only matches a 4xx, and a 401/407/408/429 only when the rule
 * names that status.
 */
export function matchErrorRule<R extends ErrorRule>(rules: readonly R[], facts: ErrorFacts): R | null {
  for (const rule of rules) {
    if (statusMatches(rule, facts.status) && providerCodeMatches(rule, facts) && textMatches(rule, facts)) {
      return rule;
    }
  }
  return null;
}
