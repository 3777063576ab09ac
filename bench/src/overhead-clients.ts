/**
 * The clients the adapters are measured against in adapter-overhead.ts, all sending the same
 * requests as the adapters: raw `fetch`, raw `fetch` with the adapters' per-request timeout (the
 * baseline), and ky set up as closekit's transport is (the peer).
 */
import { randomUUID } from 'node:crypto';
import ky, { HTTPError, type KyInstance } from 'ky';
import { CANNED, PATHS, udaraAccountNumber, WIRE_REASONS } from './canned-responses';
import type { Operation } from './load';

/** Every client here gets the adapters' defaults, written out so that all of them share them. */
export const TIMEOUT_MS = 30_000;
export const MAX_RETRIES = 2;
/** closekit retries network failures, 408, 429 and every 5xx, honouring Retry-After (docs/transport.md). */
const RETRY_STATUSES = [408, 429, ...Array.from({ length: 100 }, (_, offset) => 500 + offset)];

/** One request and its JSON answer: what every hand-written client below is made of. */
type Exchange = (
  url: string,
  init?: RequestInit,
) => Promise<{ status: number; body: Record<string, unknown> }>;

async function readJson(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

const bare: Exchange = async (url, init) => {
  const response = await fetch(url, init);
  return { status: response.status, body: await readJson(response) };
};

/**
 * The baseline's exchange: what every production client adds, a per-request timeout through an
 * AbortSignal, cleared once the body is read (as closekit's transport does).
 */
const timed: Exchange = async (url, init) => {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), TIMEOUT_MS);
  try {
    return await bare(url, { ...init, signal: timeout.signal });
  } finally {
    clearTimeout(timer);
  }
};

/**
 * ky set up as closekit's transport is: the same per-attempt timeout, the same number of retries
 * on the same statuses, Retry-After honoured up to the same cap, the same exponential backoff
 * with full jitter. ky throws on a non-2xx answer; the exchange hands its status back instead.
 */
function kyExchange(): Exchange {
  const client: KyInstance = ky.create({
    timeout: TIMEOUT_MS,
    retry: {
      limit: MAX_RETRIES,
      methods: ['get', 'post'],
      statusCodes: RETRY_STATUSES,
      afterStatusCodes: RETRY_STATUSES,
      maxRetryAfter: 60_000,
      retryOnTimeout: true,
      delay: (attempt) => 250 * 2 ** (attempt - 1),
      backoffLimit: 8_000,
      jitter: true,
    },
  });
  return async (url, init) => {
    try {
      const response = await client(url, init);
      return { status: response.status, body: await readJson(response) };
    } catch (error) {
      if (error instanceof HTTPError) return { status: error.response.status, body: {} };
      throw error;
    }
  };
}

/**
 * Hand-written clients: the same method, URL, headers and body as the adapter sends, one JSON
 * parse and a success check; no validation or redaction. `exchange` decides how each request
 * goes out (bare fetch, fetch with a timeout, ky).
 */
function handWrittenClients(url: string, tokens: { solaris: string; udara: string }, exchange: Exchange) {
  const solarisAcrUrl = `${url}${PATHS.solarisAcr}`;
  const epAccountUrl = `${url}${PATHS.epAccount}`;
  const epBalancesUrl = `${url}${PATHS.epBalances}`;
  const udaraCloseUrl = `${url}${PATHS.udaraClose}`;
  const udaraSearchUrl = (account: string) =>
    `${url}${PATHS.udaraSearch}?accountNumber=${account}&PageNumber=1&PageSize=10`;
  const udaraBalanceUrl = (account: string) => `${url}${PATHS.udaraBalance}?AccountNumber=${account}`;

  const solarisClose: Operation = async () => {
    const { status, body } = await exchange(solarisAcrUrl, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        authorization: `Bearer ${tokens.solaris}`,
      },
      body: JSON.stringify({ account_id: CANNED.solaris.accountId, closure_reason: WIRE_REASONS.solaris }),
    });
    return status === 201 && typeof body.id === 'string' ? null : `HTTP ${status}`;
  };

  const epClose: Operation = async () => {
    const { status, body } = await exchange(epAccountUrl, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json', 'request-id': randomUUID() },
      body: JSON.stringify({ state: 'CLOSED', closureReason: WIRE_REASONS.embeddedPayments }),
    });
    return status === 202 && typeof body.id === 'string' ? null : `HTTP ${status}`;
  };

  const epPreflightThenClose: Operation = async () => {
    const headers = () => ({ accept: 'application/json', 'request-id': randomUUID() });
    const account = (await exchange(epAccountUrl, { headers: headers() })).body;
    if (account.state !== 'OPEN' || account.category !== 'LIMITED_DDA') return 'not closable';
    const balances = (await exchange(epBalancesUrl, { headers: headers() })).body;
    const types = balances.balanceTypes as { amount: number }[];
    if (!types.every((balance) => balance.amount === 0)) return 'non-zero balance';
    return epClose(0);
  };

  const udaraClose = async (udaraAccount: string): Promise<string | null> => {
    const { body } = await exchange(udaraCloseUrl, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'Request-Reference': `ck-${randomUUID()}`,
        'content-type': 'application/json',
        authorization: `Bearer ${tokens.udara}`,
      },
      body: JSON.stringify({
        accountNumber: udaraAccount,
        closureReason: WIRE_REASONS.udara360,
        instrumentNumber: randomUUID(),
      }),
    });
    const data = body.data as { statusCode?: string } | undefined;
    return body.status === true && data?.statusCode === '00' ? null : `statusCode ${data?.statusCode}`;
  };

  // A different account on every operation, as the adapter's benchmark closes (canned-responses.ts).
  const udaraReadThenClose: Operation = async (index) => {
    const udaraAccount = udaraAccountNumber(index);
    const search = (
      await exchange(udaraSearchUrl(udaraAccount), {
        headers: { accept: 'application/json', authorization: `Bearer ${tokens.udara}` },
      })
    ).body;
    const records = search.data as { accountNumber: string; accountStatus: number }[];
    const record = records.find((candidate) => candidate.accountNumber === udaraAccount);
    if (record?.accountStatus !== 1) return 'not open';
    // Like the adapter: closing is irreversible there, so the balances are read first.
    const balance = (
      await exchange(udaraBalanceUrl(udaraAccount), {
        headers: { accept: 'application/json', authorization: `Bearer ${tokens.udara}` },
      })
    ).body;
    const amounts = balance.data as Record<string, number>;
    const funded = ['ledgerBalance', 'availableBalance', 'lienAmount'].some((field) => amounts[field] !== 0);
    if (funded) return 'funded';
    return udaraClose(udaraAccount);
  };

  return { solarisClose, epPreflightThenClose, epClose, udaraReadThenClose };
}

export type HandWritten = ReturnType<typeof handWrittenClients>;

/** Raw fetch + timeout is the baseline; ky the peer; raw fetch without a timeout is context. */
export type HandWrittenKind = 'raw fetch + timeout' | 'ky' | 'raw fetch';

export function clientsByKind(
  url: string,
  tokens: { solaris: string; udara: string },
): Record<HandWrittenKind, HandWritten> {
  return {
    'raw fetch + timeout': handWrittenClients(url, tokens, timed),
    ky: handWrittenClients(url, tokens, kyExchange()),
    'raw fetch': handWrittenClients(url, tokens, bare),
  };
}

/** A token fetched once, as the adapters fetch theirs, for the hand-written clients. */
export async function rawToken(url: string, init: RequestInit, field: string): Promise<string> {
  const body = await readJson(await fetch(url, init));
  const token = body[field];
  if (typeof token !== 'string') throw new Error(`no ${field} from ${url}`);
  return token;
}
