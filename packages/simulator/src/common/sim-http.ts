import type { IncomingHttpHeaders } from 'node:http';

/** A request as a simulator route sees it: the whole body is already read. */
export interface SimRequest {
  method: string;
  /** Path and query as received. */
  target: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Base URL of this simulator (`http://127.0.0.1:port`), for absolute links. */
  baseUrl: string;
}

/** What a route answers; serialised by the server (and possibly mangled by a fault). */
export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless `text` is given. */
  json?: unknown;
  text?: string;
  contentType?: string;
}

export type RouteParams = Readonly<Record<string, string>>;
export type RouteHandler = (request: SimRequest, params: RouteParams) => SimResponse | Promise<SimResponse>;

export interface RouteDefinition {
  method: string;
  /** `/v1/account_closure_requests/:id`; `:name` matches one non-empty segment. */
  pattern: string;
  handler: RouteHandler;
  /** On a close route: the account the request asks to close, for the close-request counters. */
  closeRequestAccount?: (request: SimRequest, params: RouteParams) => string | null;
}

export function headerValue(request: Pick<SimRequest, 'headers'>, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function json(status: number, body: unknown, headers?: Record<string, string>): SimResponse {
  return headers === undefined ? { status, json: body } : { status, json: body, headers };
}

/** Parses a JSON request body; `undefined` when it is not JSON. */
/** A string field of a JSON object body, or null (for counters; never for validation). */
export function jsonField(rawBody: string, name: string): string | null {
  const parsed = parseJsonBody(rawBody);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) return null;
  const value = (parsed.value as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

export function parseJsonBody(rawBody: string): { ok: true; value: unknown } | { ok: false } {
  if (rawBody.trim() === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(rawBody) as unknown };
  } catch {
    return { ok: false };
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type CompiledRoute = { definition: RouteDefinition; segments: string[] };

export type RouteMatch =
  | { kind: 'route'; definition: RouteDefinition; params: RouteParams }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'none' };

/** Small segment router; literal segments first-come, `:param` segments match anything non-empty. */
export class Router {
  private readonly routes: CompiledRoute[] = [];

  /** `caseInsensitive`: literal segments compare case-insensitively (ASP.NET-style routing). */
  constructor(
    definitions: readonly RouteDefinition[],
    private readonly caseInsensitive = false,
  ) {
    for (const definition of definitions) {
      const segments = definition.pattern.split('/').filter((s) => s !== '');
      this.routes.push({
        definition,
        segments: caseInsensitive ? segments.map((s) => (s.startsWith(':') ? s : s.toLowerCase())) : segments,
      });
    }
  }

  match(method: string, path: string): RouteMatch {
    const segments = path.split('/').filter((segment) => segment !== '');
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments, this.caseInsensitive);
      if (params === null) continue;
      if (route.definition.method === method) return { kind: 'route', definition: route.definition, params };
      allowed.push(route.definition.method);
    }
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'none' };
  }
}

function matchSegments(
  pattern: readonly string[],
  actual: readonly string[],
  caseInsensitive: boolean,
): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let index = 0; index < pattern.length; index++) {
    const expected = pattern[index] as string;
    const segment = actual[index] as string;
    if (expected.startsWith(':')) {
      try {
        params[expected.slice(1)] = decodeURIComponent(segment);
      } catch {
        return null;
      }
    } else if (expected !== (caseInsensitive ? segment.toLowerCase() : segment)) return null;
  }
  return params;
}
