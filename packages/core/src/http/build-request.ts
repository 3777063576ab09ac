import { err, ok, type Result } from 'neverthrow';
import { ClosureError } from '../domain/closure-error';
import type { HttpRequestSpec, OutgoingRequest } from './http-types';
import { credentialUrlProblem } from './secure-url';

/** The spec's URL: `url`, or the path joined to the base URL, with the query merged in. */
export function buildUrl(
  provider: string,
  baseUrl: string,
  spec: Pick<HttpRequestSpec<unknown>, 'operation' | 'url' | 'path' | 'query'>,
): Result<string, ClosureError> {
  const given = spec.url ?? `${baseUrl.replace(/\/+$/, '')}${spec.path ?? ''}`;
  const query = Object.entries(spec.query ?? {}).filter(
    (entry): entry is [string, string | number] => entry[1] !== undefined,
  );
  if (query.length === 0) return ok(given);
  try {
    const url = new URL(given);
    for (const [key, value] of query) url.searchParams.set(key, String(value));
    return ok(url.toString());
  } catch (cause) {
    return err(
      new ClosureError({
        code: 'INVALID_REQUEST',
        provider,
        message: `${spec.operation}: the request URL is not valid`,
        retryable: false,
        cause,
      }),
    );
  }
}

/** Credentials go only where they may (https, or http to loopback): checked before each send. */
export function checkCredentialUrl(provider: string, url: string): Result<void, ClosureError> {
  const problem = credentialUrlProblem(url);
  return problem
    ? err(
        new ClosureError({
          code: 'INVALID_REQUEST',
          provider,
          message: `refusing to send credentials: the URL ${problem}`,
          retryable: false,
        }),
      )
    : ok(undefined);
}

/**
 * Headers and body as the adapter described them, then the adapter's signer (`prepare`). A body
 * that cannot be serialised or a signer that throws is INVALID_REQUEST: certainly nothing was sent.
 */
export async function buildRequest<T>(
  provider: string,
  spec: HttpRequestSpec<T>,
  url: string,
  headers: Record<string, string>,
): Promise<Result<OutgoingRequest, ClosureError>> {
  const invalid = (message: string, cause: unknown) =>
    err(new ClosureError({ code: 'INVALID_REQUEST', provider, message, retryable: false, cause }));
  let body: string | undefined;
  if (spec.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(spec.form).toString();
  } else if (spec.json !== undefined) {
    headers['content-type'] = 'application/json';
    try {
      body = JSON.stringify(spec.json);
    } catch (cause) {
      // A BigInt or a cycle: an adapter bug.
      return invalid(`${spec.operation}: the request body cannot be serialised as JSON`, cause);
    }
  }
  const request: OutgoingRequest = { method: spec.method, url, headers, body };
  if (!spec.prepare) return ok(request);
  try {
    return ok(await spec.prepare(request));
  } catch (cause) {
    return invalid('the request signer failed', cause);
  }
}
