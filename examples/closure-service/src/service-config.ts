import { isLoopbackHost } from '@closekit/core/adapter';

type Env = Readonly<Record<string, string | undefined>>;

const set = (env: Env, name: string) => (env[name] ?? '') !== '';
const list = (env: Env, name: string) => (env[name] ?? '').split(',').filter(Boolean);
const isLoopbackUrl = (url: string | undefined) =>
  url !== undefined && URL.canParse(url) && isLoopbackHost(new URL(url).hostname);

/**
 * The service's configuration from the environment (docs/configuration.md lists every variable),
 * with a warning for each thing that is missing and what will fail because of it. The adapters
 * read their own credentials; the webhook secrets and base URLs are passed from here.
 */
export function readServiceConfig(env: Env) {
  const warnings: string[] = [];
  const requirePair = (provider: string, id: string, secret: string) => {
    if (!set(env, id) || !set(env, secret))
      warnings.push(`${id} / ${secret} are not set: every ${provider} call will fail`);
  };
  requirePair('Solaris', 'SOLARIS_CLIENT_ID', 'SOLARIS_CLIENT_SECRET');
  requirePair('Udara360', 'UDARA360_CLIENT_ID', 'UDARA360_CLIENT_SECRET');
  const epBaseUrl = env.EMBEDDED_PAYMENTS_BASE_URL || undefined;
  if (!isLoopbackUrl(epBaseUrl))
    warnings.push(
      'Embedded Payments: J.P. Morgan requires mutual TLS; this example sends no client certificate, so its calls will fail (pass an mTLS fetch to createEmbeddedPaymentsAdapter)',
    );
  const solarisWebhookSecrets = list(env, 'SOLARIS_WEBHOOK_SECRETS');
  const embeddedPaymentsWebhookCredentials = list(env, 'EMBEDDED_PAYMENTS_WEBHOOK_CREDENTIALS');
  if (solarisWebhookSecrets.length === 0)
    warnings.push('SOLARIS_WEBHOOK_SECRETS is not set: POST /webhooks/solaris will refuse every delivery');
  if (embeddedPaymentsWebhookCredentials.length === 0)
    warnings.push(
      'EMBEDDED_PAYMENTS_WEBHOOK_CREDENTIALS is not set: POST /webhooks/embedded-payments will refuse every delivery',
    );
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`PORT must be a port number, not "${env.PORT}"`);
  return {
    port,
    warnings,
    /** The service's own SQLite file: accepted webhook event ids and closure records. */
    databasePath: env.SERVICE_DATABASE || 'closure-service.db',
    /** The --store of a `closekit bulk run` to feed with verified webhook events, if any. */
    bulkStorePath: env.BULK_STORE || undefined,
    solaris: {
      baseUrl: env.SOLARIS_BASE_URL || undefined,
      authUrl: env.SOLARIS_AUTH_URL || undefined,
      webhookSecrets: solarisWebhookSecrets,
    },
    embeddedPayments: { baseUrl: epBaseUrl, webhookCredentials: embeddedPaymentsWebhookCredentials },
    udara360: { baseUrl: env.UDARA360_BASE_URL || undefined },
  };
}
