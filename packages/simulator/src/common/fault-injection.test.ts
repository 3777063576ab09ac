import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type EmbeddedPaymentsSimulator,
  startEmbeddedPaymentsSimulator,
} from '../embedded-payments/ep-simulator';
import { startSolarisSimulator } from '../solaris/solaris-simulator';
import { startUdara360Simulator } from '../udara360/udara-simulator';
import { http, sleep } from './test-support';

let sim: EmbeddedPaymentsSimulator;

beforeEach(async () => {
  sim = await startEmbeddedPaymentsSimulator({
    seed: 5,
    accounts: [{ id: 'a1' }, { id: 'a2' }, { id: 'a3' }],
  });
});

afterEach(async () => {
  await sim.close();
});

const CLOSE_BODY = JSON.stringify({ state: 'CLOSED', closureReason: 'ELECTIVE' });
const closeRequest = (id: string, signal?: AbortSignal) =>
  fetch(`${sim.v1BaseUrl}/accounts/${id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: CLOSE_BODY,
    ...(signal === undefined ? {} : { signal }),
  });
const stateOf = (id: string) => sim.control.getAccount(id)?.state;

describe('fault: status', () => {
  it('answers the status in the provider envelope without processing the request', async () => {
    sim.control.injectFaults({ match: { method: 'POST' }, fault: { type: 'status', code: 503 }, times: 1 });
    const response = await closeRequest('a1');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      title: 'Service Unavailable',
      httpStatus: 503,
      error: 'SERVICE_UNAVAILABLE',
      traceId: expect.any(String),
    });
    expect(stateOf('a1')).toBe('OPEN');
    expect((await closeRequest('a1')).status).toBe(202);
    expect(sim.control.faults()).toEqual([expect.objectContaining({ index: 0, remaining: 0, applied: 1 })]);
  });

  it('sends Retry-After as seconds or as an HTTP date, plus custom bodies and headers', async () => {
    sim.control.injectFaults([
      { fault: { type: 'status', code: 429, retryAfter: 2 }, times: 1 },
      { fault: { type: 'status', code: 429, retryAfter: 'Wed, 21 Oct 2026 07:28:00 GMT' }, times: 1 },
      {
        fault: { type: 'status', code: 500, body: { custom: true }, headers: { 'X-Trace': 't1' } },
        times: 1,
      },
      { fault: { type: 'status', code: 502, body: 'upstream down' }, times: 1 },
    ]);
    const seconds = await closeRequest('a1');
    expect([seconds.status, seconds.headers.get('retry-after')]).toEqual([429, '2']);
    expect(await seconds.json()).toMatchObject({ httpStatus: 429, title: 'Too Many Requests' });
    const date = await closeRequest('a1');
    expect(date.headers.get('retry-after')).toBe('Wed, 21 Oct 2026 07:28:00 GMT');
    await date.arrayBuffer();
    const custom = await closeRequest('a1');
    expect([custom.status, custom.headers.get('x-trace'), await custom.json()]).toEqual([
      500,
      't1',
      { custom: true },
    ]);
    const text = await closeRequest('a1');
    expect([text.status, await text.text()]).toEqual([502, 'upstream down']);
    expect(stateOf('a1')).toBe('OPEN');
  });

  it('only faults matching method and path (substring, RegExp, regex source)', async () => {
    sim.control.injectFaults([
      { match: { method: 'GET', path: '/balances' }, fault: { type: 'status', code: 500 } },
      { match: { path: /accounts\/a2$/ }, fault: { type: 'status', code: 504 } },
      { match: { pathRegex: 'accounts\\?clientId=' }, fault: { type: 'status', code: 501 } },
    ]);
    expect((await http(`${sim.v1BaseUrl}/accounts/a1/balances`)).status).toBe(500);
    expect((await http(`${sim.v1BaseUrl}/accounts/a1`)).status).toBe(200);
    expect((await closeRequest('a2')).status).toBe(504);
    expect((await http(`${sim.v1BaseUrl}/accounts?clientId=1234567890`)).status).toBe(501);
    expect((await http(`${sim.v1BaseUrl}/accounts`)).status).toBe(200);
  });

  it('refuses invalid rules listing every problem', () => {
    expect(() =>
      sim.control.injectFaults([
        { fault: { type: 'status', code: 42 } },
        { fault: { type: 'latency', ms: -1 }, probability: 2 },
        { match: { pathRegex: '(' }, fault: { type: 'hang' } },
      ]),
    ).toThrow(/0\.fault\.code.*1\.fault\.ms.*1\.probability.*2\.match\.pathRegex/);
    expect(sim.control.faults()).toEqual([]);
  });
});

describe('fault: connection resets', () => {
  it('reset-before destroys the socket and leaves state unchanged', async () => {
    sim.control.injectFaults({ fault: { type: 'reset-before' }, times: 1 });
    await expect(closeRequest('a1')).rejects.toThrow();
    expect(stateOf('a1')).toBe('OPEN');
    expect(sim.control.counters()).toMatchObject({
      closures: {},
      requests: { 'POST /embedded/v1/accounts/:id': 1 },
    });
  });

  it('reset-after processes the request, then destroys the socket', async () => {
    sim.control.injectFaults({ fault: { type: 'reset-after' }, times: 1 });
    await expect(closeRequest('a1')).rejects.toThrow();
    expect(stateOf('a1')).toBe('PENDING_CLOSE');
    expect(sim.control.closuresApplied('a1')).toBe(1);
  });
});

describe('fault: bodies', () => {
  it('malformed-json processes the request and garbles the JSON answer (unless processed: false)', async () => {
    sim.control.injectFaults({ fault: { type: 'malformed-json' }, times: 1 });
    const response = await closeRequest('a1');
    expect(response.status).toBe(202);
    expect(response.headers.get('content-type')).toBe('application/json');
    const text = await response.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(stateOf('a1')).toBe('PENDING_CLOSE');

    sim.control.injectFaults({ fault: { type: 'malformed-json', processed: false }, times: 1 });
    const unprocessed = await closeRequest('a2');
    expect(unprocessed.status).toBe(200);
    const garbled = await unprocessed.text();
    expect(() => JSON.parse(garbled)).toThrow();
    expect(stateOf('a2')).toBe('OPEN');
  });

  it('html-error answers an HTML gateway page without processing', async () => {
    sim.control.injectFaults({ fault: { type: 'html-error' }, times: 1 });
    const response = await closeRequest('a1');
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toContain('<h1>502 Error</h1>');
    expect(stateOf('a1')).toBe('OPEN');
  });

  it('truncated-body announces the full length, sends half and cuts the connection', async () => {
    sim.control.injectFaults({ fault: { type: 'truncated-body' }, times: 1 });
    const response = await closeRequest('a1');
    expect(response.status).toBe(202);
    await expect(response.text()).rejects.toThrow();
    expect(stateOf('a1')).toBe('PENDING_CLOSE');
  });

  it('oversized-body sends the requested number of bytes, with or without Content-Length', async () => {
    sim.control.injectFaults([
      { fault: { type: 'oversized-body', bytes: 100_000 }, times: 1 },
      { fault: { type: 'oversized-body', bytes: 70_000, declareLength: false }, times: 1 },
    ]);
    const declared = await http(`${sim.v1BaseUrl}/accounts/a1`);
    expect([declared.headers.get('content-length'), declared.text.length]).toEqual(['100000', 100_000]);
    expect(declared.body).toEqual({ padding: expect.any(String) });
    const chunked = await http(`${sim.v1BaseUrl}/accounts/a1`);
    expect([chunked.headers.get('content-length'), chunked.headers.get('transfer-encoding')]).toEqual([
      null,
      'chunked',
    ]);
    expect(chunked.text.length).toBe(70_000);
  });

  it('never-ending-body streams until the client aborts', async () => {
    sim.control.injectFaults({ fault: { type: 'never-ending-body', intervalMs: 5 }, times: 1 });
    const response = await fetch(`${sim.v1BaseUrl}/accounts/a1`, { signal: AbortSignal.timeout(150) });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect((await http(`${sim.v1BaseUrl}/accounts/a1`)).status).toBe(200);
  });
});

describe('fault: time', () => {
  it('hang never answers and never processes; only the client abort ends it', async () => {
    sim.control.injectFaults({ fault: { type: 'hang' }, times: 1 });
    await expect(closeRequest('a1', AbortSignal.timeout(100))).rejects.toThrow();
    expect(stateOf('a1')).toBe('OPEN');
    expect((await closeRequest('a1')).status).toBe(202);
  });

  it('latency before: a client that gives up first leaves state unchanged', async () => {
    sim.control.injectFaults({ fault: { type: 'latency', ms: 200 }, times: 1 });
    await expect(closeRequest('a1', AbortSignal.timeout(50))).rejects.toThrow();
    await sleep(300);
    expect(stateOf('a1')).toBe('OPEN');
  });

  it('latency after: the request is processed, the answer comes too late', async () => {
    sim.control.injectFaults({ fault: { type: 'latency', ms: 200, phase: 'after' }, times: 1 });
    await expect(closeRequest('a1', AbortSignal.timeout(50))).rejects.toThrow();
    expect(stateOf('a1')).toBe('PENDING_CLOSE');
  });

  it('latency combines with a later fault in the same request', async () => {
    sim.control.injectFaults([
      { fault: { type: 'latency', ms: 5 }, times: 1 },
      { fault: { type: 'status', code: 503 }, times: 1 },
    ]);
    expect((await closeRequest('a1')).status).toBe(503);
    expect(sim.control.faults().map((rule) => rule.applied)).toEqual([1, 1]);
  });

  it('close() ends hanging and streaming requests', async () => {
    sim.control.injectFaults({ match: { path: 'a1' }, fault: { type: 'hang' } });
    const pending = closeRequest('a1').catch((error: unknown) => error);
    await sleep(20);
    await sim.close();
    expect(await pending).toBeInstanceOf(Error);
    sim = await startEmbeddedPaymentsSimulator();
  });
});

describe('determinism', () => {
  async function run(seed: number) {
    const solaris = await startSolarisSimulator({
      seed,
      accounts: [{ id: 'x1cacc' }, { id: 'x2cacc' }],
      faults: [
        {
          match: { path: '/v1/account_closure_requests' },
          fault: { type: 'status', code: 503 },
          probability: 0.5,
        },
      ],
    });
    try {
      const auth = `Basic ${Buffer.from(`${solaris.credentials.clientId}:${solaris.credentials.clientSecret}`).toString('base64')}`;
      const token = (
        (
          await http(solaris.tokenUrl, {
            method: 'POST',
            headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
            body: 'grant_type=client_credentials&scope=partners',
          })
        ).body as { access_token: string }
      ).access_token;
      const statuses: number[] = [];
      for (let index = 0; index < 16; index++) {
        const result = await http(`${solaris.url}/v1/account_closure_requests`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            account_id: index % 2 === 0 ? 'x1cacc' : 'x2cacc',
            closure_reason: 'CUSTOMER_WISH',
          }),
        });
        statuses.push(result.status);
      }
      return { statuses, ids: solaris.control.listClosures().map((acr) => acr.id), token };
    } finally {
      await solaris.close();
    }
  }

  it('same seed and same requests give the same ids, tokens and fault decisions', async () => {
    const first = await run(42);
    const second = await run(42);
    expect(second).toEqual(first);
    expect(first.statuses).toContain(503);
    expect(first.statuses.some((status) => status !== 503)).toBe(true);
    expect(first.ids).toHaveLength(2);
    const other = await run(43);
    expect(other.ids).not.toEqual(first.ids);
  });

  it('reset restores the initial state and restarts every PRNG stream', async () => {
    const udara = await startUdara360Simulator({ seed: 9, accounts: [{ accountNumber: '1' }] });
    try {
      const authenticate = async () =>
        (
          (
            await http(`${udara.url}/api/auth/v1/authenticate`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(udara.credentials),
            })
          ).body as { accessToken: string }
        ).accessToken;
      const before = await authenticate();
      udara.control.updateAccount('1', { accountStatus: 3 });
      udara.control.injectFaults({ fault: { type: 'hang' } });
      udara.control.reset();
      expect(udara.control.getAccount('1')?.accountStatus).toBe(1);
      expect(udara.control.faults()).toEqual([]);
      expect(await authenticate()).toBe(before);
      expect(udara.control.counters()).toMatchObject({ totalRequests: 1 });
    } finally {
      await udara.close();
    }
  });
});
