import { describe, expect, it } from 'vitest';
import { solarisAcrListSchema, solarisAcrSchema } from './solaris-api';

const REQUIRED = { id: 'a1acrq', account_id: 'adc1cacc', status: 'INITIATED' };

describe('solarisAcrSchema (lenient wire format)', () => {
  it('reads an ACR that carries only the required fields, every optional field as null', () => {
    expect(solarisAcrSchema.parse(REQUIRED)).toEqual({
      ...REQUIRED,
      closure_reason: null,
      technical_closure_date: null,
      legal_closure_date: null,
      failure_reason: null,
      payout_allowed: null,
      updated_at: null,
      raw: REQUIRED,
    });
  });

  it('turns optional fields of the wrong type into null instead of refusing the ACR', () => {
    const acr = solarisAcrSchema.parse({
      ...REQUIRED,
      closure_reason: 42,
      legal_closure_date: { date: '2026-12-31' },
      failure_reason: 'negative_balance',
      payout_allowed: 'maybe',
      updated_at: false,
    });
    expect(acr).toMatchObject({
      closure_reason: null,
      legal_closure_date: null,
      failure_reason: null,
      payout_allowed: null,
      updated_at: null,
    });
  });

  it.each([
    [true, true],
    [false, false],
    ['true', true],
    ['FALSE', false],
    ['True', true],
    ['yes', null],
    [1, null],
    [null, null],
  ])('reads payout_allowed %j as %j', (value, expected) => {
    expect(solarisAcrSchema.parse({ ...REQUIRED, payout_allowed: value }).payout_allowed).toBe(expected);
  });

  it.each([
    [
      { code: 'negative_balance', detail: 'Account has a negative balance' },
      { code: 'negative_balance', detail: 'Account has a negative balance' },
    ],
    [{ code: 'negative_balance' }, { code: 'negative_balance', detail: null }],
    [{}, null],
    [{ code: 7 }, null],
    [[], null],
    [null, null],
  ])('reads failure_reason %j as %j', (value, expected) => {
    expect(solarisAcrSchema.parse({ ...REQUIRED, failure_reason: value }).failure_reason).toEqual(expected);
  });

  it('keeps the payload exactly as sent in raw, extra fields included', () => {
    const sent = { ...REQUIRED, unknown_field: { nested: [1, 2] } };
    expect(solarisAcrSchema.parse(sent).raw).toBe(sent);
  });

  it('refuses an ACR without its required fields, naming each path', () => {
    const parsed = solarisAcrListSchema.safeParse([REQUIRED, { id: '', status: 'INITIATED' }, 'text']);
    expect(parsed.success).toBe(false);
    const paths = parsed.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['1.id', '1.account_id']));
    expect(paths?.some((path) => path.startsWith('2'))).toBe(true);
  });
});
