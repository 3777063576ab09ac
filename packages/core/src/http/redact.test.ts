import { describe, expect, it } from 'vitest';
import { createRedactor, excerpt, REDACTED } from './redact';
import { credentialUrlProblem, isLoopbackHost } from './secure-url';

describe('redaction', () => {
  const redactor = createRedactor(() => ['super-secret-value', null, 'abc']);

  it('removes known secrets, their base64 form and bearer/basic credentials from text', () => {
    const basic = Buffer.from('super-secret-value').toString('base64');
    const text = redactor.text(`x super-secret-value y ${basic} Bearer eyJhbGciOiJIUzI1NiJ9.payload abc`);
    expect(text).toBe(`x ${REDACTED} y ${REDACTED} Bearer ${REDACTED} abc`);
  });

  it('redacts sensitive fields and secrets deep in values, without touching the input', () => {
    const input = {
      access_token: 'tok',
      nested: [{ clientSecret: 'cs', note: 'has super-secret-value' }],
      count: 3,
    };
    expect(redactor.value(input)).toEqual({
      access_token: REDACTED,
      nested: [{ clientSecret: REDACTED, note: `has ${REDACTED}` }],
      count: 3,
    });
    expect(input.access_token).toBe('tok');
  });

  it('follows a rotating secret: a new token is redacted from its first use', () => {
    const tokens = ['first-access-token'];
    const rotating = createRedactor(() => tokens);
    expect(rotating.text('first-access-token')).toBe(REDACTED);
    tokens.push('second-access-token');
    expect(rotating.text('first-access-token second-access-token')).toBe(`${REDACTED} ${REDACTED}`);
    expect(rotating.value({ echoed: 'second-access-token' })).toEqual({ echoed: REDACTED });
    tokens.shift();
    expect(rotating.text('first-access-token second-access-token')).toBe(`first-access-token ${REDACTED}`);
  });

  it('survives circular values', () => {
    const node: Record<string, unknown> = { name: 'n' };
    node.self = node;
    expect(redactor.value(node)).toEqual({ name: 'n', self: '[Circular]' });
  });

  it('hides sensitive headers', () => {
    expect(
      redactor.headers({
        authorization: 'Bearer x',
        'x-request-id': 'r1',
        'solaris-webhook-signature': 'sha256=1',
      }),
    ).toEqual({
      authorization: REDACTED,
      'x-request-id': 'r1',
      'solaris-webhook-signature': REDACTED,
    });
  });

  it('makes short printable excerpts', () => {
    expect(excerpt(redactor, `a\u0000b${'x'.repeat(400)}`, 10)).toBe('a?bxxxxxxx…');
  });
});

describe('credential URLs', () => {
  it('allows https anywhere and http only to loopback', () => {
    expect(credentialUrlProblem('https://api.solarisbank.de')).toBeNull();
    expect(credentialUrlProblem('http://127.0.0.1:4010')).toBeNull();
    expect(credentialUrlProblem('http://localhost:3000')).toBeNull();
    expect(credentialUrlProblem('http://[::1]:8080')).toBeNull();
    expect(credentialUrlProblem('http://api.example.com')).toMatch(/https/);
    expect(credentialUrlProblem('http://127.0.0.1.nip.io')).toMatch(/https/);
    expect(credentialUrlProblem('ftp://x')).toMatch(/http/);
    expect(credentialUrlProblem('https://user:pw@x.com')).toMatch(/credentials/);
    expect(credentialUrlProblem('not a url')).toMatch(/absolute/);
  });

  it('knows loopback hosts', () => {
    expect(['localhost', '127.0.0.1', '127.9.9.9', '[::1]', 'app.localhost'].every(isLoopbackHost)).toBe(
      true,
    );
    expect(['10.0.0.1', '128.0.0.1', 'example.com', 'localhost.example.com'].some(isLoopbackHost)).toBe(
      false,
    );
  });
});
