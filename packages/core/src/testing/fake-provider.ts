import { randomUUID } from 'node:crypto';
import { hmacSha256Hex } from '../webhook/hmac';
import {
  createScriptedFetch,
  type RecordedRequest,
  type ScriptedFetch,
  type ScriptedReply,
} from './scripted-fetch';

/** The fake provider's wire format: a minimal, documented JSON API (see docs/testing.md). */
export interface FakeWireClosure {
  id: string;
  account_id: string;
  status: 'requested' | 'processing' | 'closed' | 'failed' | 'cancelled';
  reason: string;
  failure_code: string | null;
  updated_at: string;
}

export interface FakeAccount {
  balance: number;
  blocked?: boolean;
}

export const FAKE_CLOSURE_STATUSES = ['requested', 'processing', 'closed', 'failed', 'cancelled'] as const;

/** Wire error codes of the fake provider, by HTTP status. */
export const FAKE_ERROR_CODES = {
  balance_not_zero: 409,
  account_closed: 409,
  account_blocked: 423,
  unknown_account: 404,
  unknown_closure: 404,
  invalid_request: 400,
  bad_credentials: 401,
} as const;
export type FakeErrorCode = keyof typeof FAKE_ERROR_CODES;

export interface FakeProvider extends ScriptedFetch {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly webhookSecret: string;
  seedAccount(accountId: string, account: FakeAccount): void;
  /** Moves a closure one step: requested -> processing -> closed (or failed on a balance). */
  advance(closureId: string): FakeWireClosure | undefined;
  closures(): FakeWireClosure[];
  /** How many closures each account received: never more than one. */
  closeCount(accountId: string): number;
  /** A signed webhook for the closure's current state. */
  webhookFor(closureId: string): { rawBody: string; headers: Record<string, string> } | undefined;
}

export const FAKE_BASE_URL = 'https://fake-provider.closekit.invalid';

/**
 * An in-memory provider for the fake adapter: no sockets, deterministic, with the same kinds of
 * answers a real bank gives (refusals, idempotent replays, an asynchronous lifecycle).
 */
export function createFakeProvider(options: { apiKey?: string; webhookSecret?: string } = {}): FakeProvider {
  const apiKey = options.apiKey ?? 'fake-api-key-0000';
  const webhookSecret = options.webhookSecret ?? 'fake-webhook-secret-0000';
  const accounts = new Map<string, FakeAccount>();
  const closures = new Map<string, FakeWireClosure>();
  const byIdempotencyKey = new Map<string, string>();
  const counts = new Map<string, number>();
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const now = () => {
    clock += 1000;
    return new Date(clock).toISOString();
  };

  const error = (code: FakeErrorCode, message: string): ScriptedReply => ({
    status: FAKE_ERROR_CODES[code],
    body: { error: { code, message } },
  });

  const handle = (request: RecordedRequest): ScriptedReply => {
    if (request.headers['x-api-key'] !== apiKey) return error('bad_credentials', 'unknown API key');
    const closureMatch = /^\/closures\/([^/]+)$/.exec(request.path);
    if (request.method === 'GET' && closureMatch) {
      const closure = closures.get(decodeURIComponent(closureMatch[1]!));
      return closure ? { status: 200, body: closure } : error('unknown_closure', 'no such closure');
    }
    if (request.method === 'GET' && request.path === '/closures') {
      const accountId = request.url.searchParams.get('account_id');
      const page = Number(request.url.searchParams.get('page') ?? '1');
      const size = Number(request.url.searchParams.get('page_size') ?? '50');
      const all = [...closures.values()].filter((closure) => !accountId || closure.account_id === accountId);
      const items = all.slice((page - 1) * size, page * size);
      return { status: 200, body: { data: items, has_more: page * size < all.length } };
    }
    if (request.method === 'POST' && request.path === '/closures') {
      const body = request.json as { account_id?: unknown; reason?: unknown } | undefined;
      if (typeof body?.account_id !== 'string' || typeof body.reason !== 'string') {
        return error('invalid_request', 'account_id and reason are required');
      }
      const key = request.headers['idempotency-key'];
      const replay = key ? byIdempotencyKey.get(key) : undefined;
      if (replay) return { status: 200, body: closures.get(replay) };
      const account = accounts.get(body.account_id);
      if (!account) return error('unknown_account', 'no such account');
      if (account.blocked) return error('account_blocked', 'the account is blocked');
      const existing = [...closures.values()].find(
        (closure) =>
          closure.account_id === body.account_id &&
          closure.status !== 'failed' &&
          closure.status !== 'cancelled',
      );
      if (existing?.status === 'closed') return error('account_closed', 'the account is already closed');
      if (existing) return { status: 200, body: existing };
      if (account.balance !== 0) return error('balance_not_zero', 'the balance must be zero');
      const closure: FakeWireClosure = {
        id: `clo_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
        account_id: body.account_id,
        status: 'requested',
        reason: body.reason,
        failure_code: null,
        updated_at: now(),
      };
      closures.set(closure.id, closure);
      if (key) byIdempotencyKey.set(key, closure.id);
      counts.set(body.account_id, (counts.get(body.account_id) ?? 0) + 1);
      return { status: 201, body: closure };
    }
    return { status: 404, body: { error: { code: 'not_found', message: 'no such route' } } };
  };

  const scripted = createScriptedFetch(handle);
  return {
    ...scripted,
    baseUrl: FAKE_BASE_URL,
    apiKey,
    webhookSecret,
    seedAccount: (accountId, account) => accounts.set(accountId, { ...account }),
    advance(closureId) {
      const closure = closures.get(closureId);
      if (!closure) return undefined;
      if (closure.status === 'requested') closure.status = 'processing';
      else if (closure.status === 'processing') {
        const balance = accounts.get(closure.account_id)?.balance ?? 0;
        closure.status = balance === 0 ? 'closed' : 'failed';
        closure.failure_code = balance === 0 ? null : 'balance_not_zero';
      }
      closure.updated_at = now();
      return { ...closure };
    },
    closures: () => [...closures.values()].map((closure) => ({ ...closure })),
    closeCount: (accountId) => counts.get(accountId) ?? 0,
    webhookFor(closureId) {
      const closure = closures.get(closureId);
      if (!closure) return undefined;
      const rawBody = JSON.stringify({
        id: `evt_${randomUUID()}`,
        type: 'closure.updated',
        occurred_at: now(),
        data: closure,
      });
      return {
        rawBody,
        headers: {
          'content-type': 'application/json',
          'fake-signature': hmacSha256Hex(webhookSecret, rawBody),
        },
      };
    },
  };
}
