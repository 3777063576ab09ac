import {
  headerValue,
  isPlainObject,
  json,
  jsonField,
  parseJsonBody,
  type RouteDefinition,
  type SimRequest,
  type SimResponse,
} from '../common/sim-http';
import type { SimulatorKernel } from '../common/simulator-kernel';
import type { SolarisState } from './solaris-state';
import {
  SOLARIS_ACR_STATUSES,
  SOLARIS_PARTNER_REASONS,
  type SolarisErrorEntry,
  solarisError,
  solarisErrors,
  toWireAcr,
} from './solaris-wire';

export interface SolarisApiSettings {
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds: number;
  tokenResponseStatus: number;
  complianceBlockResponse: { status: number; code: string; detail: string };
  agreedReasons: readonly string[];
}

const ACRS = '/v1/account_closure_requests';
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Token and account-closure-request routes, as the Solaris notes §1–§5 describe them. */
export function solarisApiRoutes(
  state: SolarisState,
  kernel: SimulatorKernel,
  settings: SolarisApiSettings,
  tokens: Map<string, number>,
): RouteDefinition[] {
  const errorId = () => kernel.traces.uuid();
  const error = (status: number, detail: string, code?: string) =>
    solarisError(status, detail, errorId, code);

  /** Bearer check (§1): 401 token_required when absent, invalid_token when unknown or expired. */
  const authorized =
    (handler: (request: SimRequest, params: Readonly<Record<string, string>>) => SimResponse) =>
    (request: SimRequest, params: Readonly<Record<string, string>>): SimResponse => {
      const header = headerValue(request, 'authorization');
      const match = header === undefined ? null : /^bearer\s+(\S+)\s*$/i.exec(header);
      if (header === undefined || header.trim() === '')
        return error(401, 'Authorization token is required.', 'token_required');
      const expiresAt = match?.[1] === undefined ? undefined : tokens.get(match[1]);
      if (expiresAt === undefined || expiresAt <= kernel.now().getTime()) {
        return error(401, 'The access token is invalid or has expired.', 'invalid_token');
      }
      return handler(request, params);
    };

  return [
    { method: 'POST', pattern: '/oauth2/token', handler: (request) => issueToken(request) },
    {
      method: 'POST',
      pattern: ACRS,
      handler: authorized((request) => createAcr(request)),
      closeRequestAccount: (request) => jsonField(request.rawBody, 'account_id'),
    },
    { method: 'GET', pattern: ACRS, handler: authorized((request) => listAcrs(request)) },
    {
      method: 'GET',
      pattern: `${ACRS}/:id`,
      handler: authorized((_request, params) => {
        const acr = state.acr(params.id as string);
        return acr === null
          ? error(404, `Couldn't find 'AccountClosureRequest' for id '${params.id}'.`, 'model_not_found')
          : json(200, toWireAcr(acr));
      }),
    },
  ];

  /** OAuth2 client credentials (§1): Basic auth, form body, scope=partners. Errors per RFC 6749 §5.2. */
  function issueToken(request: SimRequest): SimResponse {
    const oauthError = (status: number, code: string, description: string) =>
      json(status, { error: code, error_description: description });
    const header = headerValue(request, 'authorization') ?? '';
    const basic = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    const decoded = basic?.[1] === undefined ? '' : Buffer.from(basic[1], 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    const id = separator === -1 ? '' : decoded.slice(0, separator);
    const secret = separator === -1 ? '' : decoded.slice(separator + 1);
    if (basic === null || id !== settings.clientId || secret !== settings.clientSecret) {
      return {
        ...oauthError(401, 'invalid_client', 'Client authentication failed.'),
        headers: { 'www-authenticate': 'Basic realm="oauth2"' },
      };
    }
    const contentType = headerValue(request, 'content-type') ?? '';
    if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      return oauthError(
        400,
        'invalid_request',
        'The request body must be application/x-www-form-urlencoded.',
      );
    }
    const form = new URLSearchParams(request.rawBody);
    if (form.get('grant_type') !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
    }
    const scopes = (form.get('scope') ?? '').split(' ').filter((scope) => scope !== '');
    if (!scopes.includes('partners'))
      return oauthError(400, 'invalid_scope', 'The scope "partners" is required.');
    const token = kernel.tokens.hex(48);
    tokens.set(token, kernel.now().getTime() + settings.tokenTtlSeconds * 1000);
    return json(settings.tokenResponseStatus, {
      access_token: token,
      expires_in: settings.tokenTtlSeconds,
      scope: 'partners',
      token_type: 'bearer',
    });
  }

  function createAcr(request: SimRequest): SimResponse {
    const parsed = parseJsonBody(request.rawBody);
    if (!parsed.ok || !isPlainObject(parsed.value))
      return error(400, 'The request body is not valid JSON.', 'invalid_json');
    const body = parsed.value;
    const problems: SolarisErrorEntry[] = [];
    // §1 request rules: null is ignored (so it counts as missing), surrounding whitespace is refused.
    const field = (name: string): string | null => {
      const value = body[name];
      if (value === undefined || value === null) {
        problems.push({ code: 'validation_error', field: name, detail: `${name} is missing` });
        return null;
      }
      if (typeof value !== 'string') {
        problems.push({ code: 'type_error', field: name, detail: `${name} must be a string` });
        return null;
      }
      if (value.trim() !== value || value === '') {
        problems.push({
          code: 'validation_error',
          field: name,
          detail: `${name} must not be blank or padded with whitespace`,
        });
        return null;
      }
      return value;
    };
    const accountId = field('account_id');
    const reason = field('closure_reason');
    if (reason !== null && !(SOLARIS_PARTNER_REASONS as readonly string[]).includes(reason)) {
      problems.push({
        code: 'validation_error',
        field: 'closure_reason',
        detail: `closure_reason must be one of ${SOLARIS_PARTNER_REASONS.join(', ')}`,
      });
    }
    if (problems.length > 0 || accountId === null || reason === null)
      return solarisErrors(400, problems, errorId);
    if (!settings.agreedReasons.includes(reason)) {
      return error(
        403,
        `Action blocked by token policy: closure_reason ${reason} is not agreed for this partner.`,
        'unauthorized_action',
      );
    }
    const outcome = state.create(accountId, reason, 'partner');
    switch (outcome.kind) {
      case 'created':
        return json(201, toWireAcr(outcome.acr));
      case 'existing':
        return json(200, toWireAcr(outcome.acr));
      case 'unknown-account':
        return error(404, `Couldn't find 'Solaris::Account' for id '${accountId}'.`, 'model_not_found');
      case 'compliance-block':
        return error(
          settings.complianceBlockResponse.status,
          settings.complianceBlockResponse.detail,
          settings.complianceBlockResponse.code,
        );
    }
  }

  function listAcrs(request: SimRequest): SimResponse {
    const query = request.query;
    const problems: SolarisErrorEntry[] = [];
    const integer = (name: string, fallback: number, min: number, max: number): number => {
      const raw = query.get(name);
      if (raw === null) return fallback;
      const value = Number(raw);
      if (!/^\d+$/.test(raw) || value < min || value > max) {
        problems.push({
          code: 'validation_error',
          field: name,
          detail: `${name} must be an integer from ${min} to ${max}`,
        });
        return fallback;
      }
      return value;
    };
    const size = integer('page[size]', 10, 1, 1000);
    const number = integer('page[number]', 1, 1, Number.MAX_SAFE_INTEGER);
    const status = query.get('filter[status]') ?? undefined;
    if (status !== undefined && !(SOLARIS_ACR_STATUSES as readonly string[]).includes(status)) {
      problems.push({
        code: 'validation_error',
        field: 'filter[status]',
        detail: `filter[status] must be one of ${SOLARIS_ACR_STATUSES.join(', ')}`,
      });
    }
    const min = query.get('filter[legal_closure_date][min]') ?? undefined;
    const max = query.get('filter[legal_closure_date][max]') ?? undefined;
    for (const [name, value] of [
      ['filter[legal_closure_date][min]', min],
      ['filter[legal_closure_date][max]', max],
    ] as const) {
      if (value !== undefined && !DATE.test(value))
        problems.push({
          code: 'validation_error',
          field: name,
          detail: `${name} must be a date (YYYY-MM-DD)`,
        });
    }
    const sort = query.get('sort') ?? undefined;
    if (
      sort !== undefined &&
      !['legal_closure_date', '-legal_closure_date', 'created_at', '-created_at'].includes(sort)
    ) {
      problems.push({
        code: 'validation_error',
        field: 'sort',
        detail: 'sort must be legal_closure_date or created_at, optionally prefixed with -',
      });
    }
    if (problems.length > 0) return solarisErrors(400, problems, errorId);
    const all = state.list({
      accountId: query.get('filter[account_id]') ?? undefined,
      status,
      legalClosureDateMin: min,
      legalClosureDateMax: max,
      sort,
    });
    const page = all.slice((number - 1) * size, number * size);
    const lastPage = Math.max(1, Math.ceil(all.length / size));
    return {
      status: 200,
      json: page.map(toWireAcr),
      headers: {
        total: String(all.length),
        'per-page': String(size),
        link: linkHeader(request, number, lastPage),
      },
    };
  }
}

/** RFC 5988 `link` with first/last/prev/next (§4, [S10]), keeping the caller's other parameters. */
function linkHeader(request: SimRequest, current: number, last: number): string {
  const pageUrl = (page: number) => {
    const params = new URLSearchParams(request.query);
    params.set('page[number]', String(page));
    return `<${request.baseUrl}${request.path}?${params.toString().replace(/%5B/g, '[').replace(/%5D/g, ']')}>`;
  };
  const links = [`${pageUrl(1)}; rel="first"`, `${pageUrl(last)}; rel="last"`];
  if (current > 1) links.push(`${pageUrl(Math.min(current - 1, last))}; rel="prev"`);
  if (current < last) links.push(`${pageUrl(current + 1)}; rel="next"`);
  return links.join(', ');
}
