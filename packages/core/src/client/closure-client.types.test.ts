import { describe, expectTypeOf, it } from 'vitest';
import type { ClosureError } from '../domain/closure-error';
import type { InputIssue } from '../domain/validate-input';
import type { ClosureAdapter } from '../port/closure-adapter';
import { createFakeClosureAdapter } from '../testing/fake-adapter';
import { createClosureClient } from './closure-client';

/**
 * Type tests: `pnpm typecheck` compiles this file, so every `@ts-expect-error` below must really be
 * an error (a misspelt provider, a route answering an unknown name) or the typecheck fails.
 */
describe('createClosureClient types', () => {
  const client = createClosureClient({
    adapters: [
      createFakeClosureAdapter({ provider: 'solaris' }),
      createFakeClosureAdapter({ provider: 'udara360' }),
    ],
  });

  it('knows the provider names of its adapters as a literal union', () => {
    expectTypeOf(client.providers).toEqualTypeOf<readonly ('solaris' | 'udara360')[]>();
    expectTypeOf(client.closeAccount)
      .parameter(0)
      .toHaveProperty('provider')
      .toEqualTypeOf<'solaris' | 'udara360' | undefined>();
    // @ts-expect-error a misspelt provider does not type-check
    void client.closeAccount({ provider: 'solarise', accountId: 'A-1', reason: 'CUSTOMER_REQUEST' });
    // @ts-expect-error nor on getClosure
    void client.getClosure({ provider: 'udara', accountId: 'A-1' });
    // @ts-expect-error nor on parseWebhook
    void client.parseWebhook({ provider: 'embedded-payments', rawBody: '{}', headers: {} });
    // @ts-expect-error nor when asking for an adapter
    void client.adapter('Solaris');
    void client.closeAccount({ provider: 'udara360', accountId: 'A-1', reason: 'CUSTOMER_REQUEST' });
  });

  it('keeps room for custom adapters: a plain ClosureAdapter accepts any name', () => {
    const custom = {} as ClosureAdapter;
    const open = createClosureClient({
      adapters: [createFakeClosureAdapter({ provider: 'solaris' }), custom],
    });
    expectTypeOf(open.providers).toEqualTypeOf<readonly string[]>();
    void open.getClosure({ provider: 'my-bank', accountId: 'A-1' });
  });

  it('takes a sync or an async route answering one of its names', () => {
    createClosureClient({
      adapters: [createFakeClosureAdapter({ provider: 'solaris' })],
      route: (accountId) => (accountId.startsWith('DE') ? 'solaris' : undefined),
    });
    createClosureClient({
      adapters: [createFakeClosureAdapter({ provider: 'solaris' })],
      route: async () => 'solaris' as const,
    });
    createClosureClient({
      adapters: [createFakeClosureAdapter({ provider: 'solaris' })],
      // @ts-expect-error the route answers a name no adapter has
      route: () => 'solaris-typo',
    });
  });

  it('types error details by code', () => {
    const error = {} as ClosureError;
    if (error.code === 'RATE_LIMITED') {
      expectTypeOf(error.details?.retryAfterMs).toEqualTypeOf<number | undefined>();
    }
    if (error.code === 'INVALID_REQUEST') {
      expectTypeOf(error.details?.issues).toEqualTypeOf<InputIssue[] | undefined>();
    }
    if (error.code === 'NETWORK_ERROR') {
      expectTypeOf(error.details?.aborted).toEqualTypeOf<boolean | undefined>();
    }
    // @ts-expect-error details must be narrowed by code before reading a code's own field
    void error.details?.retryAfterMs.toFixed();
  });
});
