import { describe, expect, it } from 'vitest';
import { type ErrorRule, matchErrorRule } from './error-rules';

const RULES: readonly ErrorRule[] = [
  { status: 400, providerCode: 'ACCOUNT_HAS_NON_ZERO_BALANCE', code: 'NON_ZERO_BALANCE', source: 'doc §5' },
  { providerCode: ['ACCOUNT_CLOSED', 'ALREADY_CLOSED'], code: 'ALREADY_CLOSED', source: 'doc §5' },
  { status: '4xx', text: /compliance block/i, code: 'ACCOUNT_BLOCKED', source: 'doc §3' },
  { status: 401, providerCode: 'invalid_token', code: 'AUTHENTICATION_FAILED', source: 'doc §1' },
  { status: 401, code: 'AUTHENTICATION_FAILED', source: 'HTTP' },
  { status: 403, code: 'PERMISSION_DENIED', source: 'HTTP' },
  { status: [404, 410], code: 'ACCOUNT_NOT_FOUND', source: 'HTTP' },
  { status: 409, code: 'DUPLICATE_REQUEST', source: 'HTTP' },
  { status: 429, code: 'RATE_LIMITED', source: 'HTTP' },
  { status: '5xx', code: 'PROVIDER_UNAVAILABLE', source: 'HTTP' },
];

const codeFor = (status: number, providerCodes: string[] = [], text = '') =>
  matchErrorRule(RULES, { status, providerCodes, text })?.code ?? null;

describe('matchErrorRule', () => {
  it('returns the first rule whose every field matches', () => {
    expect(codeFor(400, ['ACCOUNT_HAS_NON_ZERO_BALANCE'])).toBe('NON_ZERO_BALANCE');
    expect(codeFor(400, ['OTHER', 'ALREADY_CLOSED'])).toBe('ALREADY_CLOSED');
    expect(codeFor(410)).toBe('ACCOUNT_NOT_FOUND');
    expect(codeFor(401, ['invalid_token'])).toBe('AUTHENTICATION_FAILED');
    expect(matchErrorRule(RULES, { status: 401, providerCodes: ['invalid_token'], text: '' })?.source).toBe(
      'doc §1',
    );
  });

  it('returns null when no rule matches', () => {
    expect(codeFor(418)).toBeNull();
    expect(codeFor(400, ['SOMETHING_ELSE'])).toBeNull();
  });

  it('lets text refine a business 4xx when it names the condition', () => {
    expect(codeFor(403, [], 'the account is under a compliance block')).toBe('ACCOUNT_BLOCKED');
    expect(codeFor(422, [], 'Compliance Block active')).toBe('ACCOUNT_BLOCKED');
    expect(codeFor(403, [], 'Action blocked by token policy')).toBe('PERMISSION_DENIED');
  });

  it('never lets text override a 401, 409, 429 or 5xx, even in a rule for any 4xx', () => {
    const text = 'compliance block';
    expect(codeFor(401, [], text)).toBe('AUTHENTICATION_FAILED');
    expect(codeFor(409, [], text)).toBe('DUPLICATE_REQUEST');
    expect(codeFor(429, [], text)).toBe('RATE_LIMITED');
    expect(codeFor(503, [], text)).toBe('PROVIDER_UNAVAILABLE');
    const explicit: ErrorRule[] = [
      { status: [401, 409, 429, 503], text: /block/, code: 'ACCOUNT_BLOCKED', source: 'x' },
    ];
    for (const status of [401, 409, 429, 503]) {
      expect(matchErrorRule(explicit, { status, providerCodes: [], text })).toBeNull();
    }
  });

  it('counts provider codes only on a 4xx, and on 401/429 only in a rule naming the status', () => {
    expect(codeFor(503, ['ACCOUNT_HAS_NON_ZERO_BALANCE', 'ALREADY_CLOSED'])).toBe('PROVIDER_UNAVAILABLE');
    expect(codeFor(500, ['ALREADY_CLOSED'])).toBe('PROVIDER_UNAVAILABLE');
    expect(codeFor(429, ['ALREADY_CLOSED'])).toBe('RATE_LIMITED');
    expect(codeFor(401, ['ALREADY_CLOSED'])).toBe('AUTHENTICATION_FAILED');
    const explicit: ErrorRule[] = [
      { status: 503, providerCode: 'MAINTENANCE', code: 'PROVIDER_ERROR', source: 'x' },
    ];
    expect(matchErrorRule(explicit, { status: 503, providerCodes: ['MAINTENANCE'], text: '' })).toBeNull();
  });

  it('matches a global pattern the same way on every call', () => {
    const rules: ErrorRule[] = [
      { status: 422, text: /compliance block/g, code: 'ACCOUNT_BLOCKED', source: 'x' },
    ];
    const facts = { status: 422, providerCodes: [], text: 'compliance block' };
    expect(matchErrorRule(rules, facts)?.code).toBe('ACCOUNT_BLOCKED');
    expect(matchErrorRule(rules, facts)?.code).toBe('ACCOUNT_BLOCKED');
  });
});
