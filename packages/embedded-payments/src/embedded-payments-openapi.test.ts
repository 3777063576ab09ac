import { readFileSync } from 'node:fs';
import { createScriptedFetch, type RecordedRequest, type ScriptedReply } from '@closekit/core/testing';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import accountV1ClosedProbate from './__fixtures__/account-v1-closed-probate.json';
import accountV1Open from './__fixtures__/account-v1-open.json';
import accountV2Closed from './__fixtures__/account-v2-closed.json';
import accountV2PendingClose from './__fixtures__/account-v2-pending-close.json';
import balancesV1 from './__fixtures__/balances-v1.json';
import balancesV2 from './__fixtures__/balances-v2.json';
import closeResponse from './__fixtures__/close-response.json';
import { createEmbeddedPaymentsAdapter } from './embedded-payments-adapter';
import type { EmbeddedPaymentsApiVersion } from './embedded-payments-settings';

/**
 * Every request the adapter sends must exist in J.P. Morgan's published OpenAPI files and fit
 * them: method + path, declared path/header/query parameters, and the JSON body against the
 * operation's requestBody schema (copied unchanged into ../openapi/ from shared/providers/embedded-payments-openapi/).
 */

const SPEC_DIR = new URL('../openapi/', import.meta.url);
const SPEC_FILES: Record<EmbeddedPaymentsApiVersion, string> = {
  v1: 'embedded-finance-pub-ep-accounts-1.0.35.yaml',
  v2: 'embedded-finance-pub-ep-accounts-2.0.47.yaml',
};

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'header' | 'query' | 'cookie';
  required?: boolean;
  schema?: Json;
}

// OpenAPI 3.0 schemas are JSON Schema plus `nullable`, `example` and x- extensions: Ajv 8 knows
// `nullable`, and non-strict mode ignores the rest. $refs resolve inside each file by its $id.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const specs = {} as Record<EmbeddedPaymentsApiVersion, Json>;
for (const version of ['v1', 'v2'] as const) {
  const spec = parse(readFileSync(new URL(SPEC_FILES[version], SPEC_DIR), 'utf8')) as Json;
  specs[version] = spec;
  ajv.addSchema({ $id: `ep-${version}`, components: spec.components }, `ep-${version}`);
}

const resolve = <T>(version: EmbeddedPaymentsApiVersion, node: unknown): T => {
  const ref = (node as { $ref?: string }).$ref;
  if (!ref) return node as T;
  const target = ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((at, key) => (at as Json)[key], specs[version]);
  return resolve<T>(version, target);
};

const validatorFor = (version: EmbeddedPaymentsApiVersion, schema: Json): ValidateFunction => {
  const ref = schema.$ref as string | undefined;
  return ref ? (ajv.getSchema(`ep-${version}${ref}`) as ValidateFunction) : ajv.compile(schema);
};

/** Checks one recorded request against the spec; returns every problem found. */
function problemsWith(request: RecordedRequest): string[] {
  const match = /^\/embedded\/(v1|v2)(\/.*)$/.exec(request.path);
  if (!match) return [`${request.path} is not under /embedded/v1 or /embedded/v2`];
  const version = match[1] as EmbeddedPaymentsApiVersion;
  const path = match[2] as string;
  const paths = specs[version].paths as Record<string, Json>;
  const template = Object.keys(paths).find((candidate) =>
    new RegExp(`^${candidate.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
  if (!template) return [`${version}: no path matches ${path}`];
  const pathItem = paths[template] as Json;
  const operation = pathItem[request.method.toLowerCase()] as Json | undefined;
  if (!operation) return [`${version}: ${request.method} ${template} is not an operation`];

  const problems: string[] = [];
  const parameters = [
    ...((pathItem.parameters as unknown[]) ?? []),
    ...((operation.parameters as unknown[]) ?? []),
  ].map((parameter) => resolve<Parameter>(version, parameter));
  const templateNames = [...template.matchAll(/\{([^}]+)\}/g)].map((found) => found[1]);
  const pathValues = Object.fromEntries(
    templateNames.map((name, index) => [name, decodeURIComponent(path.split('/')[index + 2] ?? '')]),
  );
  for (const parameter of parameters) {
    const value =
      parameter.in === 'path'
        ? pathValues[parameter.name]
        : parameter.in === 'header'
          ? request.headers[parameter.name.toLowerCase()]
          : parameter.in === 'query'
            ? (request.url.searchParams.get(parameter.name) ?? undefined)
            : undefined;
    if (value === undefined) {
      if (parameter.required)
        problems.push(`required ${parameter.in} parameter ${parameter.name} is missing`);
      continue;
    }
    const schema = resolve<Json>(version, parameter.schema ?? {});
    const typed = schema.type === 'integer' || schema.type === 'number' ? Number(value) : value;
    const validate = ajv.compile(schema);
    if (!validate(typed)) {
      problems.push(`${parameter.in} ${parameter.name}=${value}: ${ajv.errorsText(validate.errors)}`);
    }
  }
  // The v1 `token` header ("JWT Client token") is unexplained: closekit never sends it (provider notes §1).
  if (request.headers.token !== undefined) problems.push('the undocumented v1 token header was sent');

  const requestBody = operation.requestBody ? resolve<Json>(version, operation.requestBody) : undefined;
  if (!requestBody) {
    if (request.bodyText !== '') problems.push(`${request.method} ${template} takes no body`);
    return problems;
  }
  const content = requestBody.content as Record<string, { schema: Json }>;
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  const media = content[contentType];
  if (!media)
    return [...problems, `content-type ${contentType} is not one of ${Object.keys(content).join(', ')}`];
  if (request.bodyText === '') {
    if (requestBody.required) problems.push('the required body is missing');
    return problems;
  }
  const validate = validatorFor(version, media.schema);
  if (!validate(request.json)) problems.push(`body: ${ajv.errorsText(validate.errors)}`);
  return problems;
}

const ID = accountV1Open.id;

/** A scripted J.P. Morgan that answers like the fixtures; `closeStatus` picks the close answer. */
function scriptedBank(version: EmbeddedPaymentsApiVersion, closes: ScriptedReply[]) {
  let pending = false;
  return createScriptedFetch((request) => {
    if (request.method === 'GET' && request.path.endsWith('/balances')) {
      const zero =
        version === 'v1'
          ? {
              ...balancesV1,
              balanceTypes: balancesV1.balanceTypes.map((balance) => ({ ...balance, amount: 0 })),
            }
          : {
              ...balancesV2,
              items: balancesV2.items.map((item) => ({
                ...item,
                balances: item.balances.map((balance) => ({ ...balance, amount: '0.00' })),
              })),
            };
      return { status: 200, body: zero };
    }
    if (request.method === 'GET') {
      const base = version === 'v1' ? accountV1Open : { ...accountV2PendingClose, state: 'OPEN' };
      return { status: 200, body: { ...base, id: ID, state: pending ? 'PENDING_CLOSE' : 'OPEN' } };
    }
    const reply = closes.shift() ?? { status: 202, body: { ...closeResponse, id: ID } };
    if (reply.status === 202) pending = true;
    return reply;
  });
}

describe("every request the adapter sends validates against J.P. Morgan's OpenAPI files", () => {
  it('the validator itself rejects what the spec forbids', () => {
    const bad = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
      problemsWith({
        method,
        url: new URL(`https://x${path}`),
        path,
        headers: { 'content-type': 'application/json', ...headers },
        bodyText: body === undefined ? '' : JSON.stringify(body),
        json: body,
      });
    expect(bad('DELETE', `/embedded/v1/accounts/${ID}`, undefined)).not.toEqual([]);
    expect(bad('POST', `/embedded/v2/accounts/${ID}`, { state: 'CLOSED' })).not.toEqual([]);
    expect(bad('PATCH', `/embedded/v2/accounts/${ID}`, { state: 'CLOSED', closureReason: '' })).not.toEqual(
      [],
    );
    expect(
      bad('PATCH', `/embedded/v2/accounts/${ID}`, { state: 'CLOSED', closureReason: 'x'.repeat(51) }),
    ).not.toEqual([]);
    expect(
      bad('PATCH', `/embedded/v2/accounts/${'a'.repeat(35)}`, { state: 'CLOSED', closureReason: 'OTHER' }),
    ).not.toEqual([]);
    expect(
      bad('GET', `/embedded/v2/accounts/${ID}`, undefined, { 'request-id': 'x'.repeat(37) }),
    ).not.toEqual([]);
    expect(bad('POST', `/embedded/v1/accounts/${ID}`, { state: 1, closureReason: 'OTHER' })).not.toEqual([]);
    expect(bad('POST', `/embedded/v1/accounts/${ID}`, { state: 'CLOSED', closureReason: 'OTHER' })).toEqual(
      [],
    );
  });

  for (const apiVersion of ['v1', 'v2'] as const) {
    it(`${apiVersion}: pre-flight reads, a retried close with its read-back, and getClosure`, async () => {
      const bank = scriptedBank(apiVersion, [
        { status: 503, body: { title: 'Service Unavailable', httpStatus: 503 } },
      ]);
      const adapter = createEmbeddedPaymentsAdapter({
        apiVersion,
        baseUrl: `https://api-mock.payments.jpmorgan.com/embedded/${apiVersion}`,
        fetch: bank.fetch,
        backoff: { baseDelayMs: 1, maxDelayMs: 5 },
      });
      for (const reason of ['CUSTOMER_REQUEST', 'FRAUD', 'OVERDRAFT', 'DORMANCY', 'OTHER'] as const) {
        const closed = await adapter.closeAccount({ accountId: ID, reason });
        expect(closed.isOk()).toBe(true);
      }
      expect((await adapter.getClosure({ accountId: ID })).isOk()).toBe(true);

      const sent = bank.requests.map((request) => `${request.method} ${request.path}`);
      const closeMethod = apiVersion === 'v1' ? 'POST' : 'PATCH';
      const base = `/embedded/${apiVersion}/accounts/${ID}`;
      expect(sent.slice(0, 5)).toEqual([
        `GET ${base}`,
        `GET ${base}/balances`,
        `${closeMethod} ${base}`,
        `GET ${base}`,
        `${closeMethod} ${base}`,
      ]);
      for (const request of bank.requests) {
        expect(problemsWith(request), `${request.method} ${request.path}`).toEqual([]);
        expect(request.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);
      }
    });

    it(`${apiVersion}: every published reason (and a user-mapped one) fits the close body, pre-flight off`, async () => {
      const bank = scriptedBank(apiVersion, []);
      const adapter = createEmbeddedPaymentsAdapter({
        apiVersion,
        preflight: false,
        baseUrl: `https://api-mock.payments.jpmorgan.com/embedded/${apiVersion}`,
        fetch: bank.fetch,
        reasonMap: { RELATIONSHIP_TERMINATION: 'OTHER' },
      });
      for (const reason of adapter.capabilities.reasons) {
        expect((await adapter.closeAccount({ accountId: ID, reason })).isOk()).toBe(true);
      }
      expect(bank.requests).toHaveLength(adapter.capabilities.reasons.length);
      for (const request of bank.requests) expect(problemsWith(request)).toEqual([]);
    });
  }

  it("the fixtures the tests answer with fit the spec's response schemas", () => {
    const fits = (version: EmbeddedPaymentsApiVersion, ref: string, value: unknown) => {
      const validate = validatorFor(version, { $ref: `#/components/schemas/${ref}` });
      expect(validate(value), `${version} ${ref}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    };
    fits('v1', 'AccountResponseWithStatus', accountV1Open);
    fits('v1', 'AccountResponseWithStatus', accountV1ClosedProbate);
    fits('v1', 'AccountBalanceResponse', balancesV1);
    fits('v1', 'ManageAccountResponse', closeResponse);
    fits('v2', 'GetAccountResponseV2', accountV2Closed);
    fits('v2', 'GetAccountResponseV2', accountV2PendingClose);
    fits('v2', 'AccountBalanceResponseV2', balancesV2);
    fits('v2', 'ManageAccountResponseV2', closeResponse);
  });
});
