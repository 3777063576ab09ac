import { shouldAcknowledgeWebhook } from '@closekit/core';
import { describe, expect, it } from 'vitest';
import acrInProgress from './__fixtures__/acr-in-progress.json';
import accountClosure from './__fixtures__/webhook-account-closure.json';
import acrInternal from './__fixtures__/webhook-acr-internal.json';
import { createSolarisAdapter } from './solaris-adapter';
import { isSolarisSubscriptionPing, signSolarisWebhook } from './solaris-webhook';

const CURRENT_SECRET = 'whsec-current-0123456789';
const PREVIOUS_SECRET = 'whsec-previous-9876543210';

const adapter = createSolarisAdapter({
  clientId: 'id',
  clientSecret: 'secret-value',
  webhookSecrets: [PREVIOUS_SECRET, CURRENT_SECRET],
});

const delivery = (eventType: string | null, payload: unknown, secret = CURRENT_SECRET) => {
  const rawBody = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'Solaris-Webhook-Id': 'a1b2c3d4-0000-4000-8000-000000000001',
    'Solaris-Webhook-Subscription-Id': 'sub-1',
    'Solaris-Webhook-Attempt': '1',
    'Solaris-Webhook-Signature': signSolarisWebhook(secret, rawBody),
  };
  if (eventType) headers['Solaris-Webhook-Event-Type'] = eventType;
  return { rawBody, headers };
};

describe('parseWebhook', () => {
  it('normalises ACCOUNT_CLOSURE_REQUEST: Solaris started the closure', async () => {
    const event = (
      await adapter.parseWebhook(delivery('ACCOUNT_CLOSURE_REQUEST', acrInternal))
    )._unsafeUnwrap();
    expect(event).toEqual({
      provider: 'solaris',
      eventId: 'a1b2c3d4-0000-4000-8000-000000000001',
      type: 'CLOSURE_REQUESTED',
      accountId: acrInternal.account_id,
      closure: {
        provider: 'solaris',
        closureId: acrInternal.id,
        accountId: acrInternal.account_id,
        state: { unified: 'REQUESTED', raw: 'INITIATED' },
        reason: { unified: 'COURT_ORDER', raw: 'SEIZURES_ORDINARY_INTERNAL' },
        initiatedBy: 'provider',
        created: null,
        blockers: [],
        failure: null,
        legalClosureDate: '2026-06-30',
        technicalClosureDate: null,
        payoutAllowed: false,
        updatedAt: '2026-03-04T08:00:00.000Z',
        raw: acrInternal,
      },
      occurredAt: '2026-03-04T08:00:00.000Z',
      raw: acrInternal,
    });
  });

  it('marks ACCOUNT_CLOSURE_REQUEST as provider-initiated even for a partner-style reason', async () => {
    const event = (
      await adapter.parseWebhook(
        delivery('ACCOUNT_CLOSURE_REQUEST', { ...acrInternal, closure_reason: 'CUSTOMER_WISH' }),
      )
    )._unsafeUnwrap();
    expect(event.closure?.initiatedBy).toBe('provider');
  });

  it('normalises ACCOUNT_CLOSURE_REQUEST_UPDATE', async () => {
    const event = (
      await adapter.parseWebhook(delivery('ACCOUNT_CLOSURE_REQUEST_UPDATE', acrInProgress))
    )._unsafeUnwrap();
    expect(event).toMatchObject({
      type: 'CLOSURE_UPDATED',
      accountId: acrInProgress.account_id,
      closure: {
        closureId: acrInProgress.id,
        state: { unified: 'PENDING', raw: 'IN_PROGRESS' },
        initiatedBy: 'provider',
      },
    });
  });

  it('normalises ACCOUNT_CLOSURE and reads business_id "null" as null', async () => {
    const event = (await adapter.parseWebhook(delivery('ACCOUNT_CLOSURE', accountClosure)))._unsafeUnwrap();
    expect(event).toEqual({
      provider: 'solaris',
      eventId: 'a1b2c3d4-0000-4000-8000-000000000001',
      type: 'ACCOUNT_CLOSED',
      accountId: 'adc123a45d6d7cf8fbfeed537ba919d5cacc',
      closure: null,
      occurredAt: null,
      raw: {
        account_id: 'adc123a45d6d7cf8fbfeed537ba919d5cacc',
        person_id: 'dc1a6812a14f6cc338cd084208535bcdcper',
        business_id: null,
        iban: 'DE87110101001000057123',
      },
    });
  });

  it('accepts a body signed with any configured secret (rotation)', async () => {
    const result = await adapter.parseWebhook(delivery('ACCOUNT_CLOSURE', accountClosure, PREVIOUS_SECRET));
    expect(result.isOk()).toBe(true);
  });

  it('verifies bytes: a Uint8Array body and a Headers object work', async () => {
    const input = delivery('ACCOUNT_CLOSURE', accountClosure);
    const result = await adapter.parseWebhook({
      rawBody: new TextEncoder().encode(input.rawBody),
      headers: new Headers(input.headers),
    });
    expect(result._unsafeUnwrap().type).toBe('ACCOUNT_CLOSED');
  });

  const refusals: [string, (input: ReturnType<typeof delivery>) => ReturnType<typeof delivery>][] = [
    ['a tampered body', (input) => ({ ...input, rawBody: input.rawBody.replace('DE87', 'DE88') })],
    [
      'a re-serialised body',
      (input) => ({ ...input, rawBody: JSON.stringify(JSON.parse(input.rawBody), null, 2) }),
    ],
    [
      'a missing signature header',
      (input) => {
        const { 'Solaris-Webhook-Signature': _dropped, ...headers } = input.headers;
        return { ...input, headers };
      },
    ],
    [
      'a bare hex signature without sha256=',
      (input) => ({
        ...input,
        headers: {
          ...input.headers,
          'Solaris-Webhook-Signature': input.headers['Solaris-Webhook-Signature']!.slice(7),
        },
      }),
    ],
    [
      'another algorithm',
      (input) => ({
        ...input,
        headers: {
          ...input.headers,
          'Solaris-Webhook-Signature': input.headers['Solaris-Webhook-Signature']!.replace(
            'sha256=',
            'sha1=',
          ),
        },
      }),
    ],
    [
      'a signature under an unknown secret',
      (input) => ({
        ...input,
        headers: {
          ...input.headers,
          'Solaris-Webhook-Signature': signSolarisWebhook('other', input.rawBody),
        },
      }),
    ],
  ];
  for (const [label, tamper] of refusals) {
    it(`refuses ${label} with WEBHOOK_SIGNATURE_INVALID`, async () => {
      const error = (
        await adapter.parseWebhook(tamper(delivery('ACCOUNT_CLOSURE', accountClosure)))
      )._unsafeUnwrapErr();
      expect(error).toMatchObject({
        code: 'WEBHOOK_SIGNATURE_INVALID',
        provider: 'solaris',
        retryable: false,
      });
      expect(error.message).not.toContain(CURRENT_SECRET);
    });
  }

  it('refuses every webhook when no secret is configured', async () => {
    const withoutSecrets = createSolarisAdapter({ clientId: 'id', clientSecret: 'secret-value' });
    const error = (
      await withoutSecrets.parseWebhook(delivery('ACCOUNT_CLOSURE', accountClosure))
    )._unsafeUnwrapErr();
    expect(error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect(error.message).toMatch(/no webhookSecrets/);
  });

  it('recognises the subscription ping distinctly, before any verification', async () => {
    const headers = { 'Solaris-Webhook-Event-Type': 'WEBHOOK-SUBSCRIPTION' };
    expect(isSolarisSubscriptionPing(headers)).toBe(true);
    expect(
      isSolarisSubscriptionPing(new Headers({ 'solaris-webhook-event-type': 'webhook-subscription' })),
    ).toBe(true);
    expect(isSolarisSubscriptionPing({ 'Solaris-Webhook-Event-Type': 'ACCOUNT_CLOSURE' })).toBe(false);
    expect(isSolarisSubscriptionPing({})).toBe(false);
    const error = (await adapter.parseWebhook({ rawBody: '', headers }))._unsafeUnwrapErr();
    expect(error.toJSON()).toMatchObject({
      code: 'WEBHOOK_PAYLOAD_INVALID',
      provider: 'solaris',
      details: { subscriptionPing: true, eventType: 'WEBHOOK-SUBSCRIPTION', acknowledge: true },
    });
    expect(error.message).toMatch(/answer it with HTTP 200/);
  });

  it('flags a signed event type that is not a closure event for acknowledgement', async () => {
    const error = (await adapter.parseWebhook(delivery('PERSON_CHANGED', accountClosure)))._unsafeUnwrapErr();
    expect(error).toMatchObject({
      code: 'WEBHOOK_PAYLOAD_INVALID',
      details: { eventType: 'PERSON_CHANGED', acknowledge: true },
    });
    expect(shouldAcknowledgeWebhook(error)).toBe(true);
  });

  it('does not flag an unsigned delivery of another event type for acknowledgement', async () => {
    const input = delivery('PERSON_CHANGED', accountClosure);
    const error = (
      await adapter.parseWebhook({
        ...input,
        headers: { ...input.headers, 'Solaris-Webhook-Signature': 'sha256=00' },
      })
    )._unsafeUnwrapErr();
    expect(error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect(shouldAcknowledgeWebhook(error)).toBe(false);
  });

  it('infers the event from the body when the event type header is missing', async () => {
    const update = (await adapter.parseWebhook(delivery(null, acrInProgress)))._unsafeUnwrap();
    expect(update.type).toBe('CLOSURE_UPDATED');
    const closed = (await adapter.parseWebhook(delivery(null, accountClosure)))._unsafeUnwrap();
    expect(closed.type).toBe('ACCOUNT_CLOSED');
  });

  it('falls back to a body digest as event id when Solaris-Webhook-Id is missing', async () => {
    const input = delivery('ACCOUNT_CLOSURE', accountClosure);
    const { 'Solaris-Webhook-Id': _dropped, ...headers } = input.headers;
    const first = (await adapter.parseWebhook({ ...input, headers }))._unsafeUnwrap();
    const again = (await adapter.parseWebhook({ ...input, headers }))._unsafeUnwrap();
    expect(first.eventId).toMatch(/^body-sha256:[0-9a-f]{64}$/);
    expect(again.eventId).toBe(first.eventId);
  });

  it('refuses signed bodies that are not JSON or miss required fields', async () => {
    const notJson = {
      rawBody: 'not json',
      headers: { 'Solaris-Webhook-Signature': signSolarisWebhook(CURRENT_SECRET, 'not json') },
    };
    expect((await adapter.parseWebhook(notJson))._unsafeUnwrapErr().code).toBe('WEBHOOK_PAYLOAD_INVALID');
    const missing = (
      await adapter.parseWebhook(
        delivery('ACCOUNT_CLOSURE_REQUEST_UPDATE', { ...acrInProgress, id: undefined }),
      )
    )._unsafeUnwrapErr();
    expect(missing).toMatchObject({ code: 'WEBHOOK_PAYLOAD_INVALID', details: { issues: [{ path: 'id' }] } });
  });

  it('never throws on nonsense input', async () => {
    for (const input of [null, undefined, 42, { rawBody: 42, headers: {} }, { rawBody: '{}' }]) {
      const result = await adapter.parseWebhook(input as never);
      expect(result.isErr()).toBe(true);
    }
  });
});
