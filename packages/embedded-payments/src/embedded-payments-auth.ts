import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ClosureError } from '@closekit/core';
import type { InputIssue } from '@closekit/core/adapter';
import { Agent, fetch as undiciFetch } from 'undici';
import { EMBEDDED_PAYMENTS_PROVIDER } from './embedded-payments-settings';

/**
 * J.P. Morgan authenticates Accounts API calls by mutual TLS only: no token, no Authorization
 * header (`x-jpmc-security: MutualTLS (x509)` in both Accounts specs; provider notes §1).
 */
export interface MtlsFetchSettings {
  /** PEM client certificate: the TLS certificate activated in J.P. Morgan's portal for this environment. */
  certFile: string;
  /** PEM private key of that certificate. */
  keyFile: string;
  /** PEM CA bundle to trust instead of Node's defaults (a private test CA); J.P. Morgan's hosts use public CAs. */
  caFile?: string;
  /** Passphrase of an encrypted key. */
  passphrase?: string;
}

/** A fetch that presents the client certificate; `close()` ends its connection pool on shutdown. */
export type MtlsFetch = typeof fetch & { close(): Promise<void> };

/**
 * A fetch carrying a client certificate, for `createEmbeddedPaymentsAdapter({ fetch })`.
 * Node's built-in fetch (undici) takes no `agent`: the certificate goes into an undici `Agent`
 * used as `dispatcher`, and `fetch` and `Agent` come from the same undici copy so their versions
 * match (provider notes §1). The files are read and checked once, here: a missing, unreadable or
 * non-PEM file throws one `ClosureError` (INVALID_REQUEST) naming every such file, instead of a
 * TLS failure on the first closure. closekit never logs the key or certificate.
 */
export function createMtlsFetch(settings: MtlsFetchSettings): MtlsFetch {
  const issues: InputIssue[] = [];
  const read = (field: keyof MtlsFetchSettings, required: boolean): Buffer | undefined => {
    const path = settings?.[field];
    if (path === undefined && !required) return undefined;
    if (typeof path !== 'string' || path === '') {
      issues.push({ path: field, message: 'must be the path of a PEM file' });
      return undefined;
    }
    try {
      return readFileSync(path);
    } catch (cause) {
      const reason = (cause as NodeJS.ErrnoException).code ?? 'unreadable';
      issues.push({ path: field, message: `cannot read ${path} (${reason})` });
      return undefined;
    }
  };
  const cert = read('certFile', true);
  const key = read('keyFile', true);
  const ca = read('caFile', false);
  const passphrase = settings?.passphrase;
  const check = (field: string, path: string | undefined, what: string, parse: () => unknown) => {
    try {
      parse();
    } catch {
      issues.push({ path: field, message: `${path} is not a ${what}` });
    }
  };
  if (cert) check('certFile', settings.certFile, 'PEM certificate', () => new X509Certificate(cert));
  if (key) {
    check('keyFile', settings.keyFile, 'PEM private key (or its passphrase is wrong or missing)', () =>
      createPrivateKey({ key, ...(passphrase === undefined ? {} : { passphrase }) }),
    );
  }
  if (ca) check('caFile', settings.caFile, 'PEM certificate', () => new X509Certificate(ca));
  if (issues.length > 0 || !cert || !key) {
    throw new ClosureError({
      code: 'INVALID_REQUEST',
      provider: EMBEDDED_PAYMENTS_PROVIDER,
      message: `createMtlsFetch: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
      details: { issues },
    });
  }
  const dispatcher = new Agent({
    connect: { cert, key, ...(ca ? { ca } : {}), ...(passphrase === undefined ? {} : { passphrase }) },
  });
  type UndiciInit = NonNullable<Parameters<typeof undiciFetch>[1]>;
  // closekit calls fetch(urlString, init); the casts only bridge undici's and the DOM's typings.
  const mtlsFetch = ((input: string | URL, init?: RequestInit) =>
    undiciFetch(input, { ...(init as UndiciInit), dispatcher })) as unknown as MtlsFetch;
  mtlsFetch.close = () => dispatcher.close();
  return mtlsFetch;
}
