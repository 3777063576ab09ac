import { describe, expect, it } from 'vitest';
import { parseBulkInput } from './bulk-input';

describe('parseBulkInput', () => {
  it('reads a CSV file with a header, with line numbers and optional idempotency keys', () => {
    const csv =
      'provider,accountId,reason,idempotencyKey\nsolaris,acc-1,CUSTOMER_REQUEST,\n\n"udara360","acc,2",DORMANCY,key-2\n';
    expect(parseBulkInput(csv)._unsafeUnwrap()).toEqual([
      { line: 2, provider: 'solaris', accountId: 'acc-1', reason: 'CUSTOMER_REQUEST', idempotencyKey: null },
      { line: 4, provider: 'udara360', accountId: 'acc,2', reason: 'DORMANCY', idempotencyKey: 'key-2' },
    ]);
  });

  it('reads JSON lines', () => {
    const jsonl =
      '{"provider":"solaris","accountId":"a","reason":"FRAUD"}\n\n{"provider":"solaris","accountId":"b","reason":"OTHER","idempotencyKey":"k"}\n';
    expect(parseBulkInput(jsonl)._unsafeUnwrap()).toEqual([
      { line: 1, provider: 'solaris', accountId: 'a', reason: 'FRAUD', idempotencyKey: null },
      { line: 3, provider: 'solaris', accountId: 'b', reason: 'OTHER', idempotencyKey: 'k' },
    ]);
  });

  it('reports every bad row with its line and imports nothing', () => {
    const csv = [
      'provider,accountId,reason',
      'solaris,ok-1,CUSTOMER_REQUEST',
      'solaris,,CUSTOMER_REQUEST',
      'solaris,ok-2,BECAUSE',
      'nowhere,ok-3,CUSTOMER_REQUEST',
      'solaris,ok-1,CUSTOMER_REQUEST',
    ].join('\n');
    const error = parseBulkInput(csv, { providers: ['solaris'] })._unsafeUnwrapErr();
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.issues.map((issue) => [issue.line, issue.field])).toEqual([
      [3, 'accountId'],
      [4, 'reason'],
      [5, 'provider'],
      [6, 'accountId'],
    ]);
    expect(error.message).toContain('line 4 (reason)');
    expect(error.message).toContain('repeats line 2');
  });

  it('names the line of unreadable JSON and of broken CSV', () => {
    const jsonl = '{"provider":"solaris","accountId":"a","reason":"FRAUD"}\n{not json\n';
    expect(parseBulkInput(jsonl)._unsafeUnwrapErr().issues).toEqual([
      { line: 2, field: null, message: 'not a JSON object' },
    ]);
    const csv = 'provider,accountId,reason\nsolaris,a,FRAUD,extra\n';
    const issue = parseBulkInput(csv)._unsafeUnwrapErr().issues[0];
    expect(issue?.line).toBe(2);
    expect(issue?.message).toMatch(/^not valid CSV/);
  });

  it('refuses an empty file', () => {
    expect(parseBulkInput('provider,accountId,reason\n')._unsafeUnwrapErr().message).toContain('no rows');
  });
});
