import { ClosureError } from '@closekit/core';
import { type Authorize, createTokenCache, type HttpTransport } from '@closekit/core/adapter';
import { err, type Result } from 'neverthrow';
import { solarisTokenSchema } from './solaris-api';
import { translateSolarisError } from './solaris-error';
import { SOLARIS_CLIENT_ID_ENV, SOLARIS_CLIENT_SECRET_ENV, SOLARIS_PROVIDER } from './solaris-settings';

export interface SolarisAuthSettings {
  transport: HttpTransport;
  tokenUrl: string;
  clientId: string | undefined;
  clientSecret: string | undefined;
  now?: () => number;
}

export interface SolarisAuth {
  /**
   * `Authorization: Bearer …` headers on the shared token cache: a cached token until 60 s
   * before it expires, one token request at a time for all callers, and `forceRefresh` (after a
   * 401) replaces the token or joins a refresh already under way.
   */
  authorize: Authorize;
  /** A request's `authorize`: after a 401 it replaces exactly the token it handed out. */
  authorizer(): Authorize;
  /** The Basic credential and the current and previous tokens, for redaction. */
  secrets(): string[];
}

/** OAuth2 client credentials with HTTP Basic client authentication (provider doc §1, S6). */
export function solarisBasicCredential(clientId: string, clientSecret: string): string {
  return Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64');
}

/** Webhook-only use needs no credentials, so the factory accepts their absence; API calls cannot. */
const noCredentials = async (): Promise<Result<Record<string, string>, ClosureError>> =>
  err(
    new ClosureError({
      code: 'AUTHENTICATION_FAILED',
      provider: SOLARIS_PROVIDER,
      message: `no Solaris client credentials: set clientId and clientSecret, or ${SOLARIS_CLIENT_ID_ENV} and ${SOLARIS_CLIENT_SECRET_ENV}`,
      retryable: false,
    }),
  );

export function createSolarisAuth(settings: SolarisAuthSettings): SolarisAuth {
  const { clientId, clientSecret, transport, tokenUrl } = settings;
  const basic = clientId && clientSecret ? solarisBasicCredential(clientId, clientSecret) : null;
  const tokens = createTokenCache({
    provider: SOLARIS_PROVIDER,
    now: settings.now,
    fetchToken: async () => {
      const answer = await transport.send({
        operation: 'authenticate',
        method: 'POST',
        url: tokenUrl,
        // Basic client authentication; the scope is required (provider doc §1).
        headers: { authorization: `Basic ${basic}` },
        form: { grant_type: 'client_credentials', scope: 'partners' },
        responseSchema: solarisTokenSchema,
        // Asking for a token changes nothing: repeating it is safe.
        retryMode: 'safe',
        translateError: translateSolarisError,
      });
      // Solaris issues 1-hour tokens (`expires_in` 3599, provider doc §1).
      return answer.map(({ data }) => ({
        value: data.access_token,
        lifetimeMs: data.expires_in ? data.expires_in * 1000 : null,
      }));
    },
  });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  return {
    authorize: basic
      ? async (forceRefresh, signal) => (await tokens.token({ forceRefresh, signal })).map(bearer)
      : noCredentials,
    authorizer: () => (basic ? tokens.authorizer() : noCredentials),
    secrets: () => [...(basic ? [basic] : []), ...tokens.secrets()],
  };
}
