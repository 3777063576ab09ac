export { createEmbeddedPaymentsAdapter } from './embedded-payments-adapter';
export { type AccountBalance, CLOSABLE_ACCOUNT_CATEGORIES } from './embedded-payments-api';
export { createMtlsFetch, type MtlsFetch, type MtlsFetchSettings } from './embedded-payments-auth';
export { EMBEDDED_PAYMENTS_ERROR_TABLE, type EmbeddedPaymentsErrorRule } from './embedded-payments-error';
export { EXPECTED_ONLY_BALANCE_TYPES } from './embedded-payments-preflight';
export {
  EMBEDDED_PAYMENTS_API_VERSION_ENV,
  EMBEDDED_PAYMENTS_BASE_URL_ENV,
  EMBEDDED_PAYMENTS_BASE_URLS,
  EMBEDDED_PAYMENTS_MOCK_URL_V1,
  EMBEDDED_PAYMENTS_MOCK_URL_V2,
  EMBEDDED_PAYMENTS_PRODUCTION_URL_V1,
  EMBEDDED_PAYMENTS_PRODUCTION_URL_V2,
  EMBEDDED_PAYMENTS_PROVIDER,
  EMBEDDED_PAYMENTS_SANDBOX_URL_V1,
  EMBEDDED_PAYMENTS_SANDBOX_URL_V2,
  type EmbeddedPaymentsAdapterSettings,
  type EmbeddedPaymentsApiVersion,
} from './embedded-payments-settings';
export type {
  EmbeddedPaymentsWebhookVerifier,
  EmbeddedPaymentsWebhookVerifierInput,
} from './embedded-payments-webhook';
export {
  EMBEDDED_PAYMENTS_INBOUND_REASONS,
  EMBEDDED_PAYMENTS_REASON_TABLE,
} from './map-embedded-payments-closure-reason';
export {
  EMBEDDED_PAYMENTS_NO_CLOSURE_STATES,
  EMBEDDED_PAYMENTS_STATE_TABLE,
} from './map-embedded-payments-closure-state';

/** Stamped in from package.json by the build (tsup.shared.ts); tests run the sources, which have none. */
declare const __CLOSEKIT_VERSION__: string | undefined;
export const VERSION: string =
  typeof __CLOSEKIT_VERSION__ === 'string' ? __CLOSEKIT_VERSION__ : '0.0.0-source';
