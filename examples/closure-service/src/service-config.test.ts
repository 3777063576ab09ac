import { describe, expect, it } from 'vitest';
import { readServiceConfig } from './service-config';

describe('readServiceConfig', () => {
  it('warns about every missing setting and what will fail', () => {
    const { warnings, port } = readServiceConfig({});
    expect(port).toBe(3000);
    expect(readServiceConfig({})).toMatchObject({
      databasePath: 'closure-service.db',
      bulkStorePath: undefined,
    });
    expect(warnings).toEqual([
      'SOLARIS_CLIENT_ID / SOLARIS_CLIENT_SECRET are not set: every Solaris call will fail',
      'UDARA360_CLIENT_ID / UDARA360_CLIENT_SECRET are not set: every Udara360 call will fail',
      'Embedded Payments: J.P. Morgan requires mutual TLS; this example sends no client certificate, so its calls will fail (pass an mTLS fetch to createEmbeddedPaymentsAdapter)',
      'SOLARIS_WEBHOOK_SECRETS is not set: POST /webhooks/solaris will refuse every delivery',
      'EMBEDDED_PAYMENTS_WEBHOOK_CREDENTIALS is not set: POST /webhooks/embedded-payments will refuse every delivery',
    ]);
  });

  it('is quiet when everything is set (simulators), and passes base URLs and secrets on', () => {
    const config = readServiceConfig({
      PORT: '4100',
      SOLARIS_CLIENT_ID: 'id',
      SOLARIS_CLIENT_SECRET: 'secret',
      SOLARIS_BASE_URL: 'http://127.0.0.1:4010',
      SOLARIS_WEBHOOK_SECRETS: 'old-secret-1234,new-secret-5678',
      UDARA360_CLIENT_ID: 'id',
      UDARA360_CLIENT_SECRET: 'secret',
      EMBEDDED_PAYMENTS_BASE_URL: 'http://127.0.0.1:4011/embedded/v1',
      EMBEDDED_PAYMENTS_WEBHOOK_CREDENTIALS: 'token-1234',
    });
    expect(config.warnings).toEqual([]);
    expect(config.port).toBe(4100);
    expect(
      readServiceConfig({ SERVICE_DATABASE: '/var/lib/svc.db', BULK_STORE: 'run.sqlite' }),
    ).toMatchObject({
      databasePath: '/var/lib/svc.db',
      bulkStorePath: 'run.sqlite',
    });
    expect(config.solaris).toEqual({
      baseUrl: 'http://127.0.0.1:4010',
      authUrl: undefined,
      webhookSecrets: ['old-secret-1234', 'new-secret-5678'],
    });
  });

  it('refuses a PORT that is not a port', () => {
    expect(() => readServiceConfig({ PORT: 'eighty' })).toThrow(/PORT must be a port number/);
  });
});
