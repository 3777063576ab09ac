import type { ResultAsync } from 'neverthrow';
import { ClosureError } from '../domain/closure-error';
import { CLOSURE_ERROR_CODES } from '../domain/closure-error-code';

const KNOWN_CODES = new Set<string>(CLOSURE_ERROR_CODES);

/**
 * Throws unless `error` is a ClosureError with a known code (from `provider`, when given) that
 * serialises. For property tests: any input may fail, but only in this shape.
 */
export function assertValidClosureError(error: unknown, provider?: string): asserts error is ClosureError {
  if (!ClosureError.isInstance(error)) throw new Error(`expected a ClosureError, got ${String(error)}`);
  if (!KNOWN_CODES.has(error.code)) throw new Error(`unknown ClosureError code ${String(error.code)}`);
  if (provider !== undefined && error.provider !== provider) {
    throw new Error(`expected provider ${provider}, got ${String(error.provider)}`);
  }
  JSON.stringify(error);
}

/**
 * Awaits an adapter call that must settle as a Result: a synchronous throw or a rejection fails,
 * and an error must pass `assertValidClosureError`.
 */
export async function settleResult<T>(call: () => ResultAsync<T, ClosureError>, provider?: string) {
  let pending: ResultAsync<T, ClosureError>;
  try {
    pending = call();
  } catch (thrown) {
    throw new Error(`the call threw synchronously instead of returning a Result: ${String(thrown)}`);
  }
  const result = await pending;
  if (result.isErr()) assertValidClosureError(result.error, provider);
  return result;
}

/** Every `window`-character run of a secret: a cut-off secret leaks as surely as a whole one. */
export function secretFragments(secret: string, window = 10): string[] {
  if (secret.length <= window) return [secret];
  const fragments: string[] = [];
  for (let start = 0; start + window <= secret.length; start++)
    fragments.push(secret.slice(start, start + window));
  return fragments;
}

/** Throws when any fragment of any secret appears in the value (a string, or its JSON). */
export function assertNoSecretLeak(label: string, value: unknown, secrets: readonly string[]): void {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  for (const secret of secrets) {
    for (const fragment of secretFragments(secret)) {
      if (text.includes(fragment))
        throw new Error(`${label} leaks a secret ("${fragment}"): ${text.slice(0, 800)}`);
    }
  }
}

/** Checks every way an error is shown: message, String(), JSON, details and the closure snapshot. */
export function assertErrorFreeOfSecrets(error: ClosureError, secrets: readonly string[]): void {
  assertNoSecretLeak('message', error.message, secrets);
  assertNoSecretLeak('String(error)', String(error), secrets);
  assertNoSecretLeak('JSON.stringify(error)', JSON.stringify(error), secrets);
  assertNoSecretLeak('details', error.details ?? null, secrets);
  assertNoSecretLeak('closure', error.closure ?? null, secrets);
}

/** The ClosureError an adapter factory throws for these settings; throws if it accepts them. */
export function settingsErrorOf<S>(factory: (settings: S) => unknown, settings: S): ClosureError {
  try {
    factory(settings);
  } catch (error) {
    if (ClosureError.isInstance(error)) return error;
    throw new Error(`the factory threw something other than a ClosureError: ${String(error)}`);
  }
  throw new Error('the factory accepted invalid settings');
}

/** The sorted paths of the issues an INVALID_REQUEST lists (`details.issues`). */
export function issuePaths(error: ClosureError): string[] {
  const issues = (error.details as { issues?: { path: string }[] } | null)?.issues ?? [];
  return issues.map((issue) => issue.path).sort();
}
