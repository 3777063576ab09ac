/**
 * The success bodies the canned-response server answers, one per provider request, shaped like
 * the adapters' own test fixtures (packages/<provider>/src/__fixtures__). Solaris and Embedded
 * Payments requests are all for one account, so their bodies are prepared once. Udara360's adapter
 * closes one account at a time (a second close of the same account waits for the first), so its
 * benchmark closes a different account on every operation and the server answers its reads for
 * the account asked about (`udaraAccountNumber`, canned-server.ts).
 */
export const CANNED = {
  solaris: {
    accountId: '5526853938474f3e92b22a03ea57a544cacc',
    token: {
      access_token: 'bench-solaris-access-token-0001',
      expires_in: 3599,
      scope: 'partners',
      token_type: 'bearer',
    },
    acr: {
      id: '0a1b2c3d4e5f60718293a4b5c6d7e8f9acrq',
      closure_reason: 'CUSTOMER_WISH',
      status: 'INITIATED',
      account_id: '5526853938474f3e92b22a03ea57a544cacc',
      technical_closure_date: null,
      legal_closure_date: null,
      failure_reason: null,
      payout_allowed: 'true',
      updated_at: '2026-11-21T09:15:00.000Z',
    },
  },
  embeddedPayments: {
    accountId: 'ablim765e14741c5a44acc570af517ab',
    account: {
      id: 'ablim765e14741c5a44acc570af517ab',
      clientId: '1000010400',
      label: 'MAIN',
      state: 'OPEN',
      category: 'LIMITED_DDA',
      paymentRoutingInformation: {
        accountNumber: '20000097603212',
        country: 'US',
        routingInformation: [{ type: 'ABA', value: '028000024' }],
        status: 'ACTIVE',
      },
      createdAt: '2025-04-14T09:09:47.245258Z',
    },
    balances: {
      id: 'ablim765e14741c5a44acc570af517ab',
      date: '2026-11-21',
      currency: 'USD',
      balanceTypes: [
        { typeCode: 'ITAV', amount: 0 },
        { typeCode: 'ITBD', amount: 0 },
      ],
    },
    close: { id: 'ablim765e14741c5a44acc570af517ab', state: 'PENDING_CLOSE', closureReason: 'ELECTIVE' },
  },
  udara360: {
    accountNumber: '1100012345',
    token: {
      accessToken: 'bench-udara-access-token-0001',
      tokenType: 'Bearer',
      expirationTime: 4102444800,
      tokenValiditySec: 3600,
    },
    search: {
      status: true,
      message: 'Successful',
      data: [
        {
          id: '8b1f6c0e-2b7a-4a55-9a51-3c0d2f1e9a10',
          accountNumber: '1100012345',
          customerID: '009871',
          accountName: 'ADA OBI',
          accountType: 1,
          accountStatus: 1,
        },
      ],
    },
    // The balances Udara360's adapter reads before an irreversible close (pre-flight, default on).
    balance: {
      status: true,
      message: 'Successful',
      data: {
        accountNumber: '1100012345',
        ledgerBalance: 0,
        availableBalance: 0,
        withdrawableBalance: 0,
        lienAmount: 0,
      },
    },
    close: {
      status: true,
      message: 'Account closed successfully',
      data: {
        statusCode: '00',
        referenceNumber: 'UDR20261121123456789',
        instrumentNumber: 'ECHOED',
        duration: '00:00:00.001',
      },
    },
  },
} as const;

/**
 * What the adapters send for `CUSTOMER_REQUEST`, from their published reason tables
 * (docs/providers/*.md). Written out here so that the hand-written clients do not depend on how
 * an adapter package names its table.
 */
export const WIRE_REASONS = {
  solaris: 'CUSTOMER_WISH',
  embeddedPayments: 'ELECTIVE',
  udara360: "Customer's request",
} as const;

export const PATHS = {
  solarisToken: '/oauth2/token',
  solarisAcr: '/v1/account_closure_requests',
  epBase: '/embedded/v1',
  epAccount: `/embedded/v1/accounts/${CANNED.embeddedPayments.accountId}`,
  epBalances: `/embedded/v1/accounts/${CANNED.embeddedPayments.accountId}/balances`,
  udaraAuth: '/api/auth/v1/authenticate',
  udaraSearch: '/api/account/v1/SearchAccount',
  udaraBalance: '/api/account/v1/getbyaccountnumber',
  udaraClose: '/api/postings/v1/closeaccount',
} as const;

/** The Udara360 account closed by operation `index`: a different ten-digit account each time. */
export function udaraAccountNumber(index: number): string {
  return String(1_100_000_000 + (index % 900_000_000));
}
