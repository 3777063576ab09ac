import type { WebhookInput } from '@closekit/core';
import { hmacSha256Hex, verifyHmacSha256Hex } from '@closekit/core/adapter';
import { describe, expect, it } from 'vitest';
import accountClosed from './__fixtures__/webhook-account-closed.json';
import signedAccountClosed from './__fixtures__/webhook-signed-account-closed.json';
import { createEmbeddedPaymentsAdapter } from './embedded-payments-adapter';
import type { EmbeddedPaymentsAdapterSettings } from './embedded-payments-settings';

const TOKEN = 'notification-bearer-token-0001';
const NEXT_TOKEN = 'notification-bearer-token-0002';
const CUSTOM = 'custom-header-secret-value-01';
const SIGNING_SECRET = 'test-verifier-signing-secret';
const ACCOUNT_ID = '1947f5a1a6ec44b48dda074ef4cb6fd5';

const adapterFor = (settings: EmbeddedPaymentsAdapterSettings) => createEmbeddedPaymentsAdapter(settings);
const unsigned = (
  body: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` },
): WebhookInput => ({
  rawBody: typeof body === 'string' ? body : JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});
const signed = (body: unknown, secret = SIGNING_SECRET): WebhookInput => {
  const rawBody = JSON.stringify(body);
  return {
    rawBody,
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer token-from-your-oauth-issuer',
      signature: hmacSha256Hex(secret, rawBody),
      'key-id': 'k1',
      signingAlgorithm: 'EC',
      'correlation-id': 'c1',
    },
  };
};
const hmacVerifier: NonNullable<EmbeddedPaymentsAdapterSettings['webhookSignatureVerifier']> = ({
  rawBody,
  signature,
}) =>
  signature !== null && verifyHmacSha256Hex({ rawBody, signatureHex: signature, secrets: [SIGNING_SECRET] });

describe('unsigned notifications (WebhookCallbackEvent) verified by credentials', () => {
  it('accepts a valid bearer token and normalises ACCOUNT_CLOSED from the resource JSON string', async () => {
    const event = (
      await adapterFor({ webhookCredentials: [TOKEN] }).parseWebhook(unsigned(accountClosed))
    )._unsafeUnwrap();
    expect(event).toEqual({
      provider: 'embedded-payments',
      eventId: '1863',
      type: 'ACCOUNT_CLOSED',
      accountId: ACCOUNT_ID,
      closure: {
        provider: 'embedded-payments',
        closureId: ACCOUNT_ID,
        accountId: ACCOUNT_ID,
        state: { unified: 'CLOSED', raw: 'CLOSED' },
        reason: { unified: null, raw: null },
        initiatedBy: 'unknown',
        created: null,
        blockers: [],
        failure: null,
        legalClosureDate: null,
        technicalClosureDate: null,
        payoutAllowed: null,
        updatedAt: null,
        raw: JSON.parse(accountClosed.resource),
      },
      occurredAt: null,
      raw: accountClosed,
    });
  });

  it('accepts any of several credentials (rotation) and bytes as well as strings', async () => {
    const adapter = adapterFor({ webhookCredentials: [TOKEN, NEXT_TOKEN] });
    const input = unsigned(accountClosed, { Authorization: `Bearer ${NEXT_TOKEN}` });
    const bytes = { ...input, rawBody: new TextEncoder().encode(input.rawBody as string) };
    expect((await adapter.parseWebhook(bytes)).isOk()).toBe(true);
    expect(
      (
        await adapter.parseWebhook({
          ...input,
          headers: new Headers(input.headers as Record<string, string>),
        })
      ).isOk(),
    ).toBe(true);
  });

  const refusals: [string, Record<string, string>][] = [
    ['a wrong bearer token', { authorization: 'Bearer not-the-token-at-all-000' }],
    ['no Authorization header', {}],
    ['a token without the Bearer scheme', { authorization: TOKEN }],
    ['the token in another header', { 'x-token': TOKEN }],
  ];
  for (const [label, headers] of refusals) {
    it(`refuses ${label} with WEBHOOK_SIGNATURE_INVALID, never showing the credential`, async () => {
      const error = (
        await adapterFor({ webhookCredentials: [TOKEN] }).parseWebhook(unsigned(accountClosed, headers))
      )._unsafeUnwrapErr();
      expect(error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
      expect(JSON.stringify(error) + error.message).not.toContain(TOKEN);
    });
  }

  it('compares a custom header value raw, and ignores Authorization then', async () => {
    const adapter = adapterFor({ webhookCredentials: [CUSTOM], webhookCredentialHeader: 'X-CustomKey1' });
    expect((await adapter.parseWebhook(unsigned(accountClosed, { 'x-customkey1': CUSTOM }))).isOk()).toBe(
      true,
    );
    const bearer = await adapter.parseWebhook(unsigned(accountClosed, { authorization: `Bearer ${CUSTOM}` }));
    expect(bearer._unsafeUnwrapErr().code).toBe('WEBHOOK_SIGNATURE_INVALID');
    const prefixed = await adapter.parseWebhook(
      unsigned(accountClosed, { 'x-customkey1': `Bearer ${CUSTOM}` }),
    );
    expect(prefixed._unsafeUnwrapErr().code).toBe('WEBHOOK_SIGNATURE_INVALID');
  });

  it('refuses everything when no verification is configured', async () => {
    const error = (await adapterFor({}).parseWebhook(unsigned(accountClosed)))._unsafeUnwrapErr();
    expect(error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect(error.message).toContain('no webhook verification is configured');
  });

  it('verifies before parsing: a wrong credential on a broken body is a signature failure', async () => {
    const error = (
      await adapterFor({ webhookCredentials: [TOKEN] }).parseWebhook(unsigned('{not json', {}))
    )._unsafeUnwrapErr();
    expect(error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
  });

  it('refuses a malformed resource with WEBHOOK_PAYLOAD_INVALID', async () => {
    const body = { ...accountClosed, resource: '{"id": "1947f5a1a6ec44b48dda074ef4cb6fd5", "state": ' };
    const error = (
      await adapterFor({ webhookCredentials: [TOKEN] }).parseWebhook(unsigned(body))
    )._unsafeUnwrapErr();
    expect(error).toMatchObject({
      code: 'WEBHOOK_PAYLOAD_INVALID',
      details: { eventId: '1863', eventType: 'ACCOUNT_CLOSED' },
    });
  });

  it('falls back to resourceObject when resource is not valid JSON (as in the spec example)', async () => {
    const body = {
      ...accountClosed,
      resource: "{'id': 'broken'}",
      resourceObject: { id: ACCOUNT_ID, state: 'CLOSED', type: 'LIMITED_DDA_PAYMENTS' },
    };
    const event = (
      await adapterFor({ webhookCredentials: [TOKEN] }).parseWebhook(unsigned(body))
    )._unsafeUnwrap();
    expect(event).toMatchObject({
      accountId: ACCOUNT_ID,
      type: 'ACCOUNT_CLOSED',
      closure: { state: { raw: 'CLOSED' } },
    });
  });

  it('refuses bodies that are not JSON objects or lack eventId', async () => {
    const adapter = adapterFor({ webhookCredentials: [TOKEN] });
    for (const body of [
      'not json',
      '[1,2]',
      JSON.stringify({ eventType: 'ACCOUNT_CLOSED', resource: '{}' }),
    ]) {
      expect((await adapter.parseWebhook(unsigned(body)))._unsafeUnwrapErr().code).toBe(
        'WEBHOOK_PAYLOAD_INVALID',
      );
    }
    expect((await adapter.parseWebhook(null as never))._unsafeUnwrapErr().code).toBe(
      'WEBHOOK_PAYLOAD_INVALID',
    );
  });

  it('maps a PENDING_CLOSE resource to CLOSURE_UPDATED and refuses non-closure events as such', async () => {
    const adapter = adapterFor({ webhookCredentials: [TOKEN] });
    const pending = {
      eventId: 7,
      eventType: 'ACCOUNT_UPDATED',
      resourceType: 'ACCOUNTS',
      resource: JSON.stringify({ id: 'a1', state: 'PENDING_CLOSE' }),
    };
    expect((await adapter.parseWebhook(unsigned(pending)))._unsafeUnwrap()).toMatchObject({
      eventId: '7',
      type: 'CLOSURE_UPDATED',
      closure: { state: { unified: 'PENDING', raw: 'PENDING_CLOSE' } },
    });
    const created = {
      eventId: '8',
      eventType: 'ACCOUNT_CREATED',
      resourceType: 'ACCOUNTS',
      resource: JSON.stringify({ id: 'a1', state: 'OPEN' }),
    };
    expect((await adapter.parseWebhook(unsigned(created)))._unsafeUnwrapErr()).toMatchObject({
      code: 'WEBHOOK_PAYLOAD_INVALID',
      details: { notClosureEvent: true, eventId: '8', eventType: 'ACCOUNT_CREATED', acknowledge: true },
    });
  });

  it('is pure: a repeated delivery yields the same event (de-duplicate on eventId)', async () => {
    const adapter = adapterFor({ webhookCredentials: [TOKEN] });
    const first = (await adapter.parseWebhook(unsigned(accountClosed)))._unsafeUnwrap();
    const again = (await adapter.parseWebhook(unsigned(accountClosed)))._unsafeUnwrap();
    expect(again).toEqual(first);
    expect(again.eventId).toBe('1863');
  });

  it('refuses oversized bodies before anything else', async () => {
    const big = unsigned({ ...accountClosed, padding: 'x'.repeat(300 * 1024) });
    expect(
      (await adapterFor({ webhookCredentials: [TOKEN] }).parseWebhook(big))._unsafeUnwrapErr().code,
    ).toBe('WEBHOOK_PAYLOAD_INVALID');
  });
});

describe('signed notifications (OAuth format)', () => {
  it('refuses a signed notification when no verifier is configured, even with a valid credential', async () => {
    const input = signed(signedAccountClosed);
    const adapter = adapterFor({ webhookCredentials: [TOKEN] });
    const error = (
      await adapter.parseWebhook({
        ...input,
        headers: { ...input.headers, authorization: `Bearer ${TOKEN}` },
      })
    )._unsafeUnwrapErr();
    expect(error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect(error.message).toContain('no webhookSignatureVerifier is configured');
  });

  it('refuses a signed-format body whose signature header was stripped, even with a valid credential', async () => {
    const input = unsigned(signedAccountClosed);
    const error = (await adapterFor({ webhookCredentials: [TOKEN] }).parseWebhook(input))._unsafeUnwrapErr();
    expect(error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    const withVerifier = adapterFor({ webhookCredentials: [TOKEN], webhookSignatureVerifier: hmacVerifier });
    expect((await withVerifier.parseWebhook(input))._unsafeUnwrapErr().code).toBe(
      'WEBHOOK_SIGNATURE_INVALID',
    );
  });

  it('accepts what the verifier accepts, giving it the raw bytes and the signing headers', async () => {
    const seen: unknown[] = [];
    const adapter = adapterFor({
      webhookSignatureVerifier: (input) => {
        seen.push({ ...input, rawBody: Buffer.from(input.rawBody).toString('utf8'), headers: undefined });
        return hmacVerifier(input);
      },
    });
    const input = signed(signedAccountClosed);
    const event = (await adapter.parseWebhook(input))._unsafeUnwrap();
    expect(seen).toEqual([
      {
        rawBody: input.rawBody,
        headers: undefined,
        signature: (input.headers as Record<string, string>).signature,
        keyId: 'k1',
        signingAlgorithm: 'EC',
        authorization: 'Bearer token-from-your-oauth-issuer',
      },
    ]);
    expect(event).toMatchObject({
      eventId: signedAccountClosed.notificationId,
      type: 'ACCOUNT_CLOSED',
      accountId: ACCOUNT_ID,
      occurredAt: '2026-02-01T10:15:30.000Z',
      closure: { state: { unified: 'CLOSED', raw: 'CLOSED' }, initiatedBy: 'unknown' },
    });
  });

  const rejections: [string, WebhookInput][] = [
    ['a wrong signature', signed(signedAccountClosed, 'another-secret-entirely')],
    [
      'a changed body',
      { ...signed(signedAccountClosed), rawBody: `${JSON.stringify(signedAccountClosed)} ` },
    ],
  ];
  for (const [label, input] of rejections) {
    it(`refuses ${label} with WEBHOOK_SIGNATURE_INVALID`, async () => {
      const result = await adapterFor({ webhookSignatureVerifier: hmacVerifier }).parseWebhook(input);
      expect(result._unsafeUnwrapErr().code).toBe('WEBHOOK_SIGNATURE_INVALID');
    });
  }

  it('treats a verifier that throws or rejects as a refusal', async () => {
    const input = signed(signedAccountClosed);
    const throwing = adapterFor({
      webhookSignatureVerifier: () => {
        throw new Error('key store down');
      },
    });
    expect((await throwing.parseWebhook(input))._unsafeUnwrapErr().code).toBe('WEBHOOK_SIGNATURE_INVALID');
    const rejecting = adapterFor({ webhookSignatureVerifier: () => Promise.reject(new Error('nope')) });
    expect((await rejecting.parseWebhook(input))._unsafeUnwrapErr().code).toBe('WEBHOOK_SIGNATURE_INVALID');
    const truthy = adapterFor({ webhookSignatureVerifier: (() => 'yes') as never });
    expect((await truthy.parseWebhook(input))._unsafeUnwrapErr().code).toBe('WEBHOOK_SIGNATURE_INVALID');
  });

  it('refuses a verified signed notification that names no account', async () => {
    const { account: _omitted, ...body } = signedAccountClosed;
    const error = (
      await adapterFor({ webhookSignatureVerifier: hmacVerifier }).parseWebhook(signed(body))
    )._unsafeUnwrapErr();
    expect(error.code).toBe('WEBHOOK_PAYLOAD_INVALID');
  });
});

describe('resourceType decides what a notification is about', () => {
  it('never turns a notification about another resource into an account closure event', async () => {
    const adapter = adapterFor({ webhookCredentials: [TOKEN] });
    // A transaction whose own fields look like a closed account: resourceType says it is not one.
    for (const resourceType of ['TRANSACTIONS', 'CLIENTS', 'PARTIES', 'RECIPIENTS', undefined]) {
      const body = {
        eventId: `e-${resourceType ?? 'none'}`,
        eventType: 'ACCOUNT_CLOSED',
        ...(resourceType === undefined ? {} : { resourceType }),
        resource: JSON.stringify({ id: ACCOUNT_ID, state: 'CLOSED', type: 'LIMITED_DDA' }),
      };
      expect((await adapter.parseWebhook(unsigned(body)))._unsafeUnwrapErr()).toMatchObject({
        code: 'WEBHOOK_PAYLOAD_INVALID',
        details: { notClosureEvent: true, acknowledge: true, resourceType: resourceType ?? null },
      });
    }
    // The documented value, in any case, still is.
    const accounts = { ...accountClosed, resourceType: 'accounts' };
    expect((await adapter.parseWebhook(unsigned(accounts)))._unsafeUnwrap().type).toBe('ACCOUNT_CLOSED');
  });

  it('reads a signed notification as an account event only when its type names an account', async () => {
    const adapter = adapterFor({ webhookSignatureVerifier: hmacVerifier });
    const transaction = {
      ...signedAccountClosed,
      notificationType: 'TRANSACTION',
      notificationSubType: 'TRANSACTION_COMPLETED',
    };
    expect((await adapter.parseWebhook(signed(transaction)))._unsafeUnwrapErr()).toMatchObject({
      code: 'WEBHOOK_PAYLOAD_INVALID',
      details: { notClosureEvent: true, eventType: 'TRANSACTION/TRANSACTION_COMPLETED' },
    });
    expect((await adapter.parseWebhook(signed(signedAccountClosed)))._unsafeUnwrap().type).toBe(
      'ACCOUNT_CLOSED',
    );
  });
});
