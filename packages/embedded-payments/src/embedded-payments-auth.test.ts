import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { ClosureError } from '@closekit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedPaymentsAdapter } from './embedded-payments-adapter';
import { createMtlsFetch, type MtlsFetch } from './embedded-payments-auth';

/*
 * A local HTTPS server that demands a client certificate signed by a private CA, with the CA,
 * the server's and two clients' certificates generated here by `openssl` (offline, into a
 * temporary directory): one client signed by the trusted CA, one by a stranger CA.
 */

let dir: string;
let server: Server;
let baseUrl: string;
const opened: MtlsFetch[] = [];
const file = (name: string) => join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

function makeCa(name: string) {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
  );
}

function makeLeaf(name: string, ca: string, extensions: string) {
  writeFileSync(file(`${name}.ext`), extensions);
  openssl(
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
  );
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.crt`,
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'closekit-mtls-'));
  makeCa('test-ca');
  makeCa('stranger-ca');
  makeLeaf('server', 'test-ca', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  makeLeaf('platform-client', 'test-ca', 'extendedKeyUsage=clientAuth\n');
  makeLeaf('stranger-client', 'stranger-ca', 'extendedKeyUsage=clientAuth\n');
  server = createServer(
    {
      key: readFileSync(file('server.key')),
      cert: readFileSync(file('server.crt')),
      ca: readFileSync(file('test-ca.crt')),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (request, response) => {
      const peer = (request.socket as TLSSocket).getPeerCertificate();
      response.writeHead(200, {
        'content-type': 'application/json',
        'x-client-cn': String(peer.subject?.CN),
      });
      response.end(
        JSON.stringify({
          id: 'mtls0001',
          state: 'PENDING_CLOSE',
          category: 'LIMITED_DDA',
          closureReason: 'ELECTIVE',
          path: request.url,
        }),
      );
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/embedded/v1`;
}, 60_000);

afterAll(async () => {
  await Promise.all(opened.map((mtlsFetch) => mtlsFetch.close()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const open = (settings: Parameters<typeof createMtlsFetch>[0]) => {
  const mtlsFetch = createMtlsFetch(settings);
  opened.push(mtlsFetch);
  return mtlsFetch;
};

describe('createMtlsFetch against a server that requires a client certificate', () => {
  it('presents the client certificate: the adapter reads the account', async () => {
    const mtlsFetch = open({
      certFile: file('platform-client.crt'),
      keyFile: file('platform-client.key'),
      caFile: file('test-ca.crt'),
    });
    const answer = await mtlsFetch(`${baseUrl}/accounts/mtls0001`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-client-cn')).toBe('platform-client');
    const adapter = createEmbeddedPaymentsAdapter({ baseUrl, fetch: mtlsFetch, maxRetries: 0 });
    const closure = (await adapter.getClosure({ accountId: 'mtls0001' }))._unsafeUnwrap();
    expect(closure).toMatchObject({
      closureId: 'mtls0001',
      state: { unified: 'PENDING', raw: 'PENDING_CLOSE' },
    });
  });

  it('a certificate the server does not trust fails the TLS handshake: NETWORK_ERROR, never a closure', async () => {
    const mtlsFetch = open({
      certFile: file('stranger-client.crt'),
      keyFile: file('stranger-client.key'),
      caFile: file('test-ca.crt'),
    });
    const adapter = createEmbeddedPaymentsAdapter({ baseUrl, fetch: mtlsFetch, maxRetries: 0 });
    const error = (await adapter.getClosure({ accountId: 'mtls0001' }))._unsafeUnwrapErr();
    expect(error.code).toBe('NETWORK_ERROR');
  });
});

describe('createMtlsFetch refuses bad files when it is created', () => {
  const thrown = (settings: Parameters<typeof createMtlsFetch>[0]) => {
    try {
      open(settings);
    } catch (error) {
      if (ClosureError.isInstance(error)) return error;
      throw error;
    }
    throw new Error('createMtlsFetch did not throw');
  };

  it('names every missing file in one error', () => {
    const error = thrown({
      certFile: file('nope.crt'),
      keyFile: file('nope.key'),
      caFile: file('nope-ca.crt'),
    });
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.details).toEqual({
      issues: [
        { path: 'certFile', message: `cannot read ${file('nope.crt')} (ENOENT)` },
        { path: 'keyFile', message: `cannot read ${file('nope.key')} (ENOENT)` },
        { path: 'caFile', message: `cannot read ${file('nope-ca.crt')} (ENOENT)` },
      ],
    });
    expect(error.message).toContain(file('nope.crt'));
  });

  it('refuses a directory, a file that is not PEM and a key that does not parse, naming each', () => {
    writeFileSync(file('garbage.pem'), 'not a certificate');
    const error = thrown({
      certFile: file('garbage.pem'),
      keyFile: file('platform-client.crt'),
      caFile: dir,
    });
    expect(error.details).toEqual({
      issues: [
        { path: 'caFile', message: `cannot read ${dir} (EISDIR)` },
        { path: 'certFile', message: `${file('garbage.pem')} is not a PEM certificate` },
        {
          path: 'keyFile',
          message: `${file('platform-client.crt')} is not a PEM private key (or its passphrase is wrong or missing)`,
        },
      ],
    });
    // The key's content never shows in the error.
    expect(JSON.stringify(error.toJSON())).not.toContain('PRIVATE KEY');
  });

  it('refuses empty or missing paths', () => {
    const error = thrown({ certFile: '', keyFile: undefined as unknown as string });
    expect(error.details).toEqual({
      issues: [
        { path: 'certFile', message: 'must be the path of a PEM file' },
        { path: 'keyFile', message: 'must be the path of a PEM file' },
      ],
    });
  });
});
