import { err, ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ClosureError } from '../domain/closure-error';
import {
  type ClassifyContext,
  classifyInterruption,
  classifyResponse,
  type Interruption,
  type ReceivedResponse,
} from './classify-response';
import type { HttpRequestSpec } from './http-types';
import { createRedactor } from './redact';

const SECRET = 'sk-Hy7Fq2Mc9Wd4Lt6Zr';
const context: ClassifyContext = {
  provider: 'bank',
  redactor: createRedactor(() => [SECRET]),
  maxResponseBytes: 1024,
  requestIdHeaders: ['x-request-id'],
};

const spec = (overrides: Partial<HttpRequestSpec<{ id: string }>> = {}): HttpRequestSpec<{ id: string }> => ({
  operation: 'closeAccount',
  method: 'POST',
  responseSchema: z.object({ id: z.string() }),
  retryMode: 'safe',
  translateError: (response) =>
    new ClosureError({
      code: 'PROVIDER_ERROR',
      provider: 'bank',
      message: `HTTP ${response.status}`,
      httpStatus: response.status,
      requestId: response.requestId,
      details: { body: response.body, excerpt: response.excerpt },
    }),
  ...overrides,
});

const answer = (status: number, text: string, headers: Record<string, string> = {}): ReceivedResponse => ({
  status,
  headers: new Headers(headers),
  read: { ok: true, text },
});

describe('classifyResponse', () => {
  it('accepts a 2xx body of the expected shape, with the trace id', () => {
    const outcome = classifyResponse(
      spec(),
      answer(201, '{"id":"c1","extra":1}', { 'x-request-id': 'r-1' }),
      context,
    );
    expect(outcome).toMatchObject({
      kind: 'success',
      value: { data: { id: 'c1' }, status: 201, requestId: 'r-1', reconciled: false },
    });
  });

  it('turns an unreadable 2xx into INVALID_RESPONSE: final for a safe request, unknown for a mutation', () => {
    const bodies = [
      answer(200, '<!doctype html><p>hi</p>'),
      answer(200, '{"id":'),
      answer(200, '{"id":42}'),
      { status: 200, headers: new Headers(), read: { ok: false, reason: 'too-large' } } as const,
    ];
    for (const body of bodies) {
      const safe = classifyResponse(spec(), body, context);
      expect(safe.kind).toBe('final');
      if (safe.kind === 'final') expect(safe.error.code).toBe('INVALID_RESPONSE');
      expect(classifyResponse(spec({ retryMode: 'reconcile' }), body, context).kind).toBe('unknown');
    }
    const html = classifyResponse(spec(), bodies[0]!, context);
    if (html.kind === 'final') expect(html.error.message).toContain('HTML page');
  });

  it('lets interpret turn a 2xx into a failure: retryable means unknown, otherwise final', () => {
    const refuse = (retryable: boolean) =>
      spec({
        interpret: () =>
          err(new ClosureError({ code: 'PROVIDER_ERROR', provider: 'bank', message: 'no', retryable })),
      });
    expect(classifyResponse(refuse(true), answer(200, '{"id":"c1"}'), context).kind).toBe('unknown');
    expect(classifyResponse(refuse(false), answer(200, '{"id":"c1"}'), context).kind).toBe('final');
    const rewritten = classifyResponse(
      spec({ interpret: () => ok({ id: 'other' }) }),
      answer(200, '{"id":"c1"}'),
      context,
    );
    expect(rewritten).toMatchObject({ kind: 'success', value: { data: { id: 'other' } } });
  });

  it('classifies refusals by status: 401 unauthorized, 4xx final, 429 not applied, 408/5xx unknown', () => {
    expect(classifyResponse(spec(), answer(401, '{}'), context).kind).toBe('unauthorized');
    expect(classifyResponse(spec(), answer(400, '{}'), context).kind).toBe('final');
    expect(classifyResponse(spec(), answer(429, '{}', { 'retry-after': '2' }), context)).toMatchObject({
      kind: 'not-applied',
      retryAfterMs: 2000,
    });
    expect(classifyResponse(spec(), answer(408, '{}'), context).kind).toBe('unknown');
    expect(classifyResponse(spec(), answer(503, 'down'), context)).toMatchObject({
      kind: 'unknown',
      retryAfterMs: null,
    });
  });

  it('hands the error table a redacted body and excerpt, and survives a table that throws', () => {
    const outcome = classifyResponse(
      spec(),
      answer(400, JSON.stringify({ message: `bad ${SECRET}` })),
      context,
    );
    if (outcome.kind !== 'final') throw new Error(outcome.kind);
    expect(JSON.stringify(outcome.error)).not.toContain(SECRET);
    const broken = spec({
      translateError: () => {
        throw new Error('table bug');
      },
    });
    const fallback = classifyResponse(broken, answer(422, '{}'), context);
    expect(fallback).toMatchObject({ kind: 'final', error: { code: 'PROVIDER_ERROR', httpStatus: 422 } });
  });
});

describe('classifyInterruption', () => {
  const interruption = (overrides: Partial<Interruption>): Interruption => ({
    cause: new Error('x'),
    status: null,
    callerAborted: false,
    timedOut: false,
    timeoutMs: 100,
    ...overrides,
  });
  const refused = Object.assign(new Error('connect'), { code: 'ECONNREFUSED' });
  const reset = Object.assign(new Error('socket'), { code: 'ECONNRESET' });

  it('never retries a caller abort; a sent mutation is OUTCOME_UNKNOWN', () => {
    expect(classifyInterruption(spec(), interruption({ callerAborted: true }), context)).toMatchObject({
      kind: 'final',
      error: { code: 'NETWORK_ERROR', retryable: false, details: { aborted: true } },
    });
    expect(
      classifyInterruption(spec({ retryMode: 'reconcile' }), interruption({ callerAborted: true }), context),
    ).toMatchObject({ kind: 'final', error: { code: 'OUTCOME_UNKNOWN' } });
  });

  it('a timeout and a reset may follow processing; a refused connection never reached the provider', () => {
    expect(classifyInterruption(spec(), interruption({ timedOut: true }), context)).toMatchObject({
      kind: 'unknown',
      error: { code: 'TIMEOUT' },
    });
    expect(
      classifyInterruption(
        spec(),
        interruption({ cause: new TypeError('fetch failed', { cause: reset }) }),
        context,
      ),
    ).toMatchObject({
      kind: 'unknown',
      error: { code: 'NETWORK_ERROR', details: { systemCode: 'ECONNRESET' } },
    });
    expect(
      classifyInterruption(
        spec(),
        interruption({ cause: new TypeError('fetch failed', { cause: refused }) }),
        context,
      ).kind,
    ).toBe('not-applied');
    expect(
      classifyInterruption(
        spec(),
        interruption({ cause: new TypeError('fetch failed', { cause: refused }), status: 200 }),
        context,
      ).kind,
    ).toBe('unknown');
  });
});
