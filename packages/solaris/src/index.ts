export {
  SOLARIS_INBOUND_REASON_TABLE,
  SOLARIS_REASON_TABLE,
  SOLARIS_REASONS_BY_AGREEMENT,
  solarisInitiator,
} from './map-solaris-closure-reason';
export {
  SOLARIS_FAILURE_REASON_TABLE,
  SOLARIS_STATE_TABLE,
  SOLARIS_STATUSES_BY_STATE,
} from './map-solaris-closure-state';
export { createSolarisAdapter, type SolarisClosureAdapter } from './solaris-adapter';
export {
  SOLARIS_ACR_STATUSES,
  SOLARIS_CLOSURE_EVENT_TYPES,
  SOLARIS_CREATE_REASONS,
  SOLARIS_SUBSCRIPTION_PING_EVENT_TYPE,
  SOLARIS_WEBHOOK_HEADERS,
  type SolarisAccountClosurePayload,
  type SolarisAcrStatus,
  type SolarisClosureEventType,
} from './solaris-api';
export { SOLARIS_ERROR_TABLE, type SolarisOperation } from './solaris-error';
export type { SolarisListClosuresQuery } from './solaris-pagination';
export {
  SOLARIS_ACR_PATH,
  SOLARIS_AUTH_URL_ENV,
  SOLARIS_BASE_URL_ENV,
  SOLARIS_CLIENT_ID_ENV,
  SOLARIS_CLIENT_SECRET_ENV,
  SOLARIS_DEFAULT_PAGE_SIZE,
  SOLARIS_RECENT_ACR_MARGIN_MS,
  SOLARIS_SANDBOX_API_URL,
  SOLARIS_SANDBOX_AUTH_URL,
  type SolarisAdapterSettings,
} from './solaris-settings';
export { isSolarisSubscriptionPing, SOLARIS_EVENT_TYPE_TABLE, signSolarisWebhook } from './solaris-webhook';

/** Stamped in from package.json by the build (tsup.shared.ts); tests run the sources, which have none. */
declare const __CLOSEKIT_VERSION__: string | undefined;
export const VERSION: string =
  typeof __CLOSEKIT_VERSION__ === 'string' ? __CLOSEKIT_VERSION__ : '0.0.0-source';
