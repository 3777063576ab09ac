/**
 * A node:http server on 127.0.0.1 that answers each provider's success body at once. It runs in
 * its own process (forked by adapter-overhead.ts) so that its CPU time is not charged to the
 * client being measured. Prints nothing; reports its URL over IPC.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { CANNED, PATHS } from './canned-responses';

type Canned = { status: number; body: Buffer };
const json = (status: number, value: unknown): Canned => ({
  status,
  body: Buffer.from(JSON.stringify(value)),
});

/** The account a Udara360 read asks about (the two read endpoints spell the parameter differently). */
const udaraAccountOf = (query: URLSearchParams) =>
  query.get('accountNumber') ?? query.get('AccountNumber') ?? CANNED.udara360.accountNumber;

/** Udara360's reads answer for the account in the query, so that a run can close many accounts. */
const udaraSearch = (query: URLSearchParams): Canned => {
  const accountNumber = udaraAccountOf(query);
  const { search } = CANNED.udara360;
  return json(200, { ...search, data: search.data.map((record) => ({ ...record, accountNumber })) });
};
const udaraBalance = (query: URLSearchParams): Canned => {
  const { balance } = CANNED.udara360;
  return json(200, { ...balance, data: { ...balance.data, accountNumber: udaraAccountOf(query) } });
};

const routes = new Map<string, Canned | ((query: URLSearchParams) => Canned)>([
  [`POST ${PATHS.solarisToken}`, json(200, CANNED.solaris.token)],
  [`POST ${PATHS.solarisAcr}`, json(201, CANNED.solaris.acr)],
  [`GET ${PATHS.epAccount}`, json(200, CANNED.embeddedPayments.account)],
  [`GET ${PATHS.epBalances}`, json(200, CANNED.embeddedPayments.balances)],
  [`POST ${PATHS.epAccount}`, json(202, CANNED.embeddedPayments.close)],
  [`POST ${PATHS.udaraAuth}`, json(200, CANNED.udara360.token)],
  [`GET ${PATHS.udaraSearch}`, udaraSearch],
  [`GET ${PATHS.udaraBalance}`, udaraBalance],
  [`POST ${PATHS.udaraClose}`, json(200, CANNED.udara360.close)],
]);
const notFound = json(404, { error: 'not found' });

const counts = new Map<string, number>();

function handle(request: IncomingMessage, response: ServerResponse): void {
  const [path, query] = (request.url ?? '/').split('?');
  const key = `${request.method} ${path}`;
  // Read the whole request body before answering, as a real server would.
  request.resume();
  request.on('end', () => {
    const route = routes.get(key) ?? notFound;
    const canned = typeof route === 'function' ? route(new URLSearchParams(query)) : route;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    response.writeHead(canned.status, {
      'content-type': 'application/json',
      'content-length': canned.body.length,
    });
    response.end(canned.body);
  });
}

const server = createServer({ keepAliveTimeout: 30_000 }, handle);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${address.port}` });
});

process.on('message', (message: { id?: number; type: string }) => {
  if (message.type === 'counts') {
    // Requests per route since the last call, and the server's CPU time so far (µs).
    process.send?.({
      id: message.id,
      type: 'counts',
      counts: Object.fromEntries(counts),
      cpu: process.cpuUsage(),
    });
    counts.clear();
  } else if (message.type === 'close') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
