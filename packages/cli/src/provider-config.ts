import { type ClosureAdapter, ClosureError, type CommonAdapterSettings } from '@closekit/core';
import { isLoopbackHost } from '@closekit/core/adapter';
import { createEmbeddedPaymentsAdapter, createMtlsFetch } from '@closekit/embedded-payments';
import { createSolarisAdapter } from '@closekit/solaris';
import { createUdara360Adapter } from '@closekit/udara360';

export const PROVIDERS = ['solaris', 'embedded-payments', 'udara360'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export function isProviderName(value: unknown): value is ProviderName {
  return typeof value === 'string' && (PROVIDERS as readonly string[]).includes(value);
}

/** The environment variables the CLI reads (docs/configuration.md lists them all). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Every problem found in the configuration, thrown before any request is sent. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.join('; '));
    this.problems = problems;
  }
}

const nonEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

function isLoopbackUrl(url: string | undefined): boolean {
  if (url === undefined || !URL.canParse(url)) return false;
  return isLoopbackHost(new URL(url).hostname);
}

/** Reads variables, recording a problem for each required one that is missing. */
function envReader(env: Env) {
  const problems: string[] = [];
  return {
    problems,
    optional: (name: string) => nonEmpty(env[name]),
    required: (name: string, why: string) => {
      const value = nonEmpty(env[name]);
      if (value === undefined) problems.push(`${name} is not set (${why})`);
      return value;
    },
  };
}

/** The client certificate settings for Embedded Payments: both files or neither, each readable. */
function embeddedPaymentsFetch(read: ReturnType<typeof envReader>, baseUrl: string | undefined) {
  const names = {
    cert: 'EMBEDDED_PAYMENTS_CLIENT_CERT_FILE',
    key: 'EMBEDDED_PAYMENTS_CLIENT_KEY_FILE',
    ca: 'EMBEDDED_PAYMENTS_CA_FILE',
  } as const;
  const certFile = read.optional(names.cert);
  const keyFile = read.optional(names.key);
  const caFile = read.optional(names.ca);
  if (certFile === undefined && keyFile === undefined) {
    // J.P. Morgan authenticates clients by mutual TLS only (shared/providers/embedded-payments.md,
    // "Auth = mutual TLS only"); only a loopback simulator can be reached without a certificate.
    if (!isLoopbackUrl(baseUrl))
      read.problems.push(
        `${names.cert} and ${names.key} are not set (J.P. Morgan requires mutual TLS; only a loopback EMBEDDED_PAYMENTS_BASE_URL needs none)`,
      );
    return undefined;
  }
  if (certFile === undefined || keyFile === undefined) {
    read.problems.push(`${names.cert} and ${names.key} go together: set both`);
    return undefined;
  }
  try {
    return createMtlsFetch({ certFile, keyFile, ...(caFile ? { caFile } : {}) });
  } catch (error) {
    // The helper names every missing, unreadable or non-PEM file in one error, never their contents.
    if (!ClosureError.isInstance(error)) throw error;
    const variableOf: Record<string, string> = { certFile: names.cert, keyFile: names.key, caFile: names.ca };
    const issues = error.code === 'INVALID_REQUEST' ? (error.details?.issues ?? []) : [];
    for (const issue of issues)
      read.problems.push(`${variableOf[issue.path] ?? issue.path}: ${issue.message}`);
    if (issues.length === 0) read.problems.push(`${names.cert}: ${error.message}`);
    return undefined;
  }
}

/**
 * Builds one adapter from environment variables (docs/configuration.md lists them). Every problem
 * (a missing credential, an unreadable certificate, an unknown API version) is found before any
 * request and thrown together as a ConfigurationError; invalid settings make the adapter factory
 * throw its own error.
 */
export function createAdapterFromEnv(
  provider: ProviderName,
  env: Env = process.env,
  common: CommonAdapterSettings = {},
): ClosureAdapter {
  const read = envReader(env);
  // The adapter's own settings check runs too, so one error lists every problem.
  const build = (factory: () => ClosureAdapter): ClosureAdapter => {
    let adapter: ClosureAdapter | undefined;
    try {
      adapter = factory();
    } catch (error) {
      read.problems.push(`${provider}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (adapter === undefined || read.problems.length > 0) throw new ConfigurationError(read.problems);
    return adapter;
  };
  switch (provider) {
    case 'solaris': {
      const settings = {
        ...common,
        baseUrl: read.optional('SOLARIS_BASE_URL') ?? common.baseUrl,
        authUrl: read.optional('SOLARIS_AUTH_URL'),
        clientId: read.required('SOLARIS_CLIENT_ID', 'the OAuth client id'),
        clientSecret: read.required('SOLARIS_CLIENT_SECRET', 'the OAuth client secret'),
      };
      return build(() => createSolarisAdapter(settings));
    }
    case 'embedded-payments': {
      const baseUrl = read.optional('EMBEDDED_PAYMENTS_BASE_URL') ?? common.baseUrl;
      const apiVersion = read.optional('EMBEDDED_PAYMENTS_API_VERSION');
      if (apiVersion !== undefined && apiVersion !== 'v1' && apiVersion !== 'v2')
        read.problems.push(`EMBEDDED_PAYMENTS_API_VERSION must be v1 or v2, not "${apiVersion}"`);
      const fetch = embeddedPaymentsFetch(read, baseUrl);
      return build(() =>
        createEmbeddedPaymentsAdapter({
          ...common,
          baseUrl,
          ...(apiVersion === 'v1' || apiVersion === 'v2' ? { apiVersion } : {}),
          ...(fetch ? { fetch } : {}),
        }),
      );
    }
    case 'udara360': {
      const settings = {
        ...common,
        baseUrl: read.optional('UDARA360_BASE_URL') ?? common.baseUrl,
        clientId: read.required('UDARA360_CLIENT_ID', 'the client id'),
        clientSecret: read.required('UDARA360_CLIENT_SECRET', 'the client secret'),
      };
      return build(() => createUdara360Adapter(settings));
    }
  }
}
