import { readFileSync } from 'node:fs';
import type { ClosureAdapter, CommonAdapterSettings } from '@closekit/core';
import { createEmbeddedPaymentsAdapter } from '@closekit/embedded-payments';
import { createSolarisAdapter } from '@closekit/solaris';
import { createUdara360Adapter } from '@closekit/udara360';
import { Agent, fetch as undiciFetch } from 'undici';

export const PROVIDERS = ['solaris', 'embedded-payments', 'udara360'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export function isProviderName(value: unknown): value is ProviderName {
  return typeof value === 'string' && (PROVIDERS as readonly string[]).includes(value);
}

type Env = Record<string, string | undefined>;
const nonEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

/**
 * A fetch that presents a client certificate (mutual TLS), as J.P. Morgan requires.
 * Files are read once; the key never leaves the TLS layer.
 */
export function createMtlsFetch(files: { certFile: string; keyFile: string; caFile?: string }): typeof fetch {
  const agent = new Agent({
    connect: {
      cert: readFileSync(files.certFile),
      key: readFileSync(files.keyFile),
      ...(files.caFile ? { ca: readFileSync(files.caFile) } : {}),
    },
  });
  return ((input: string | URL, init?: RequestInit) =>
    undiciFetch(input, {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher: agent,
    })) as unknown as typeof fetch;
}

/**
 * Builds one adapter from environment variables (docs/cli.md lists them). Credentials the
 * adapters read themselves (SOLARIS_CLIENT_ID, UDARA360_CLIENT_SECRET, ...) are left to them.
 */
export function createAdapterFromEnv(
  provider: ProviderName,
  env: Env = process.env,
  common: CommonAdapterSettings = {},
): ClosureAdapter {
  switch (provider) {
    case 'solaris':
      return createSolarisAdapter({
        ...common,
        baseUrl: nonEmpty(env.SOLARIS_BASE_URL) ?? common.baseUrl,
        authUrl: nonEmpty(env.SOLARIS_AUTH_URL),
      });
    case 'embedded-payments': {
      const certFile = nonEmpty(env.EMBEDDED_PAYMENTS_CLIENT_CERT_FILE);
      const keyFile = nonEmpty(env.EMBEDDED_PAYMENTS_CLIENT_KEY_FILE);
      const caFile = nonEmpty(env.EMBEDDED_PAYMENTS_CA_FILE);
      const apiVersion = nonEmpty(env.EMBEDDED_PAYMENTS_API_VERSION);
      return createEmbeddedPaymentsAdapter({
        ...common,
        baseUrl: nonEmpty(env.EMBEDDED_PAYMENTS_BASE_URL) ?? common.baseUrl,
        ...(apiVersion === 'v1' || apiVersion === 'v2' ? { apiVersion } : {}),
        ...(certFile && keyFile ? { fetch: createMtlsFetch({ certFile, keyFile, caFile }) } : {}),
      });
    }
    case 'udara360':
      return createUdara360Adapter({ ...common, baseUrl: nonEmpty(env.UDARA360_BASE_URL) ?? common.baseUrl });
  }
}
