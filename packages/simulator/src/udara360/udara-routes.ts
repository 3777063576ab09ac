import {
  headerValue,
  isPlainObject,
  json,
  jsonField,
  parseJsonBody,
  type RouteDefinition,
  type SimRequest,
  type SimResponse,
} from '../common/sim-http';
import type { SimulatorKernel } from '../common/simulator-kernel';
import type { UdaraAccount, UdaraState } from './udara-state';
import {
  UDARA_ACCOUNT_STATUS_NAMES,
  UDARA_POSTING_CODES,
  type UdaraPostingCode,
  udaraEnvelope,
  udaraError,
} from './udara-wire';

export interface UdaraApiSettings {
  clientId: string;
  clientSecret: string;
  tokenValiditySec: number;
  /** `flat`: token fields at top level; `envelope`: inside `{status, message, data}` (§1: both occur). */
  authResponseShape: 'flat' | 'envelope';
  /** `number` (3) or `name` ("Closed") for `accountStatus` in lookups (§4: unknown which). */
  accountStatusFormat: 'number' | 'name';
  /** `reject`: a reused Request-Reference answers `26`; `replay`: the first answer again. */
  duplicateReference: 'reject' | 'replay';
  /**
   * `true`: a Request-Reference or instrumentNumber sent in any earlier posting, even one that
   * failed, counts as used. `false`: only those of a successful ("00") posting do; a failed
   * posting's values may be sent again. Udara360 documents neither (§7, §9).
   */
  strictReferences: boolean;
}

/** The Request-References and instrumentNumbers already used, with the answer that used them. */
export interface UdaraUsedReferences {
  references: Map<string, Record<string, unknown>>;
  instrumentNumbers: Map<string, Record<string, unknown>>;
}

/** Authenticate, closeaccount and the account lookups of the Udara360 notes §1–§4. */
export function udaraApiRoutes(
  state: UdaraState,
  kernel: SimulatorKernel,
  settings: UdaraApiSettings,
  tokens: Map<string, number>,
  used: UdaraUsedReferences,
): RouteDefinition[] {
  const authorized =
    (handler: (request: SimRequest) => SimResponse) =>
    (request: SimRequest): SimResponse => {
      const header = headerValue(request, 'authorization');
      const token = header === undefined ? undefined : /^bearer\s+(\S+)\s*$/i.exec(header)?.[1];
      if (token === undefined)
        return udaraError(401, 'Authorization bearer token is required.', 'UNAUTHORIZED');
      const expiresAt = tokens.get(token);
      if (expiresAt === undefined || expiresAt <= kernel.now().getTime()) {
        return udaraError(401, 'The access token is invalid or has expired.', 'UNAUTHORIZED');
      }
      return handler(request);
    };

  const lookupAccountNumber = (request: SimRequest): string | null => {
    for (const [name, value] of request.query)
      if (name.toLowerCase() === 'accountnumber' && value !== '') return value;
    return null;
  };

  const accountDetails = (account: UdaraAccount) => ({
    id: account.id,
    accountNumber: account.accountNumber,
    customerID: account.customerId,
    customerName: account.customerName,
    accountName: account.accountName,
    accountType: account.accountType,
    accountStatus:
      settings.accountStatusFormat === 'name'
        ? (UDARA_ACCOUNT_STATUS_NAMES[account.accountStatus] ?? String(account.accountStatus))
        : account.accountStatus,
    ...balances(account),
  });

  const withAccount = (request: SimRequest, respond: (account: UdaraAccount) => SimResponse): SimResponse => {
    const accountNumber = lookupAccountNumber(request);
    if (accountNumber === null) return udaraError(400, 'accountNumber is required.', 'VALIDATION_ERROR');
    const account = state.get(accountNumber);
    return account === null ? udaraError(404, 'No Record Found', 'NOT_FOUND') : respond(account);
  };

  const search = authorized((request) =>
    withAccount(request, (account) => {
      const wanted = request.query.get('accountStatus');
      const items =
        wanted === null || wanted === String(account.accountStatus) ? [accountDetails(account)] : [];
      return json(200, udaraEnvelope(true, 'Successful', items));
    }),
  );

  return [
    { method: 'POST', pattern: '/api/auth/v1/authenticate', handler: (request) => authenticate(request) },
    {
      method: 'POST',
      pattern: '/api/postings/v1/closeaccount',
      handler: authorized((request) => closeAccount(request)),
      closeRequestAccount: (request) => jsonField(request.rawBody, 'accountNumber'),
    },
    {
      method: 'GET',
      pattern: '/api/account/v1/getbyaccountnumber',
      handler: authorized((request) =>
        withAccount(request, (account) =>
          json(200, udaraEnvelope(true, 'Successful', accountDetails(account))),
        ),
      ),
    },
    {
      method: 'GET',
      pattern: '/api/account/v1/getaccountbalancebyaccountnumber',
      handler: authorized((request) =>
        withAccount(request, (account) =>
          json(
            200,
            udaraEnvelope(true, 'Successful', { accountNumber: account.accountNumber, ...balances(account) }),
          ),
        ),
      ),
    },
    // Public code uses GET; the docs print PUT on a doubled path (§4). Both answer.
    { method: 'GET', pattern: '/api/account/v1/SearchAccount', handler: search },
    { method: 'PUT', pattern: '/api/account/v1/api/account/v1/SearchAccount', handler: search },
  ];

  function authenticate(request: SimRequest): SimResponse {
    const parsed = parseJsonBody(request.rawBody);
    if (!parsed.ok || !isPlainObject(parsed.value))
      return udaraError(400, 'The request body is not valid JSON.', 'INVALID_JSON');
    const { clientId, clientSecret } = parsed.value;
    if (
      typeof clientId !== 'string' ||
      typeof clientSecret !== 'string' ||
      clientId === '' ||
      clientSecret === ''
    ) {
      return udaraError(400, 'clientId and clientSecret are required.', 'VALIDATION_ERROR');
    }
    if (clientId.length > 100 || clientSecret.length > 100) {
      return udaraError(400, 'clientId and clientSecret are at most 100 characters.', 'VALIDATION_ERROR');
    }
    if (clientId !== settings.clientId || clientSecret !== settings.clientSecret) {
      return udaraError(401, 'Invalid client credentials.', 'INVALID_CREDENTIALS');
    }
    const now = kernel.now().getTime();
    const expiresAt = now + settings.tokenValiditySec * 1000;
    const token = fakeJwt(
      clientId,
      Math.floor(expiresAt / 1000),
      kernel.tokens.hex(16),
      kernel.tokens.hex(43),
    );
    tokens.set(token, expiresAt);
    const data = {
      accessToken: token,
      tokenType: 'Bearer',
      // Epoch seconds: the docs say "epoch time" without a unit (§1).
      expirationTime: Math.floor(expiresAt / 1000),
      tokenValiditySec: settings.tokenValiditySec,
    };
    return json(
      200,
      settings.authResponseShape === 'envelope'
        ? udaraEnvelope(true, 'Authentication successful', data)
        : data,
    );
  }

  function closeAccount(request: SimRequest): SimResponse {
    const started = process.hrtime.bigint();
    const parsed = parseJsonBody(request.rawBody);
    if (!parsed.ok || !isPlainObject(parsed.value))
      return udaraError(400, 'The request body is not valid JSON.', 'INVALID_JSON');
    const body = parsed.value;
    const reference = headerValue(request, 'request-reference');
    const sentInstrumentNumber =
      typeof body.instrumentNumber === 'string' && body.instrumentNumber !== ''
        ? body.instrumentNumber
        : null;
    const instrumentNumber = sentInstrumentNumber ?? kernel.ids.uuid();
    const answer = (code: UdaraPostingCode): Record<string, unknown> => {
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      return udaraEnvelope(code === '00', UDARA_POSTING_CODES[code], {
        statusCode: code,
        referenceNumber: kernel.ids.hex(20).toUpperCase(),
        instrumentNumber,
        duration: elapsedMs.toFixed(3),
      });
    };
    const text = (value: unknown, max: number, required: boolean) =>
      value === undefined || value === null
        ? !required
        : typeof value === 'string' && value.length <= max && (!required || value !== '');
    if (
      reference === undefined ||
      reference === '' ||
      reference.length > 100 ||
      !text(body.accountNumber, 150, true) ||
      !text(body.closureReason, 150, true) ||
      !text(body.instrumentNumber, 150, false)
    ) {
      return json(200, answer('09'));
    }
    // A used Request-Reference or instrumentNumber never posts again (§7): "26", or the stored
    // first answer. Which values count as used depends on `strictReferences`.
    const previous =
      used.references.get(reference) ??
      (sentInstrumentNumber === null ? undefined : used.instrumentNumbers.get(sentInstrumentNumber));
    if (previous !== undefined)
      return json(200, settings.duplicateReference === 'replay' ? previous : answer('26'));
    const code = state.close(body.accountNumber as string);
    const result = answer(code);
    if (code === '00' || settings.strictReferences) {
      used.references.set(reference, result);
      if (sentInstrumentNumber !== null) used.instrumentNumbers.set(sentInstrumentNumber, result);
    }
    return json(200, result);
  }
}

function balances(account: UdaraAccount) {
  const available = account.balance - account.lienAmount;
  return {
    ledgerBalance: account.balance,
    availableBalance: available,
    withdrawableBalance: available,
    lienAmount: account.lienAmount,
  };
}

function base64Url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Token shaped like the JWT the real service issues ([PM]); its signature is random, not verifiable. */
function fakeJwt(clientId: string, exp: number, jti: string, signature: string): string {
  return `${base64Url({ alg: 'HS256', typ: 'JWT' })}.${base64Url({ sub: clientId, exp, jti })}.${signature}`;
}
