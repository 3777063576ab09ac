export {
  INSTRUMENT_NUMBER_MAX_LENGTH,
  REQUEST_REFERENCE_MAX_LENGTH,
  type Udara360PostingReferences,
  udara360ReferencePrefix,
} from './convert-to-udara360-close-request';
export { CLOSURE_REASON_MAX_LENGTH, UDARA360_REASON_TABLE } from './map-udara360-closure-reason';
export {
  UDARA360_ACCOUNT_STATUSES,
  type Udara360AccountStatusCode,
} from './map-udara360-closure-state';
export { createUdara360Adapter } from './udara360-adapter';
export { ACCOUNT_NUMBER_MAX_LENGTH, CLOSE_ACCOUNT_PATH as UDARA360_CLOSE_ACCOUNT_PATH } from './udara360-api';
export {
  UDARA360_HTTP_ERROR_RULES,
  UDARA360_OPERATION_ERROR_RULES,
  UDARA360_POSTING_CODE_RULES,
  UDARA360_UNLISTED_STATUS_CODE,
  type Udara360Disposition,
  type Udara360Operation,
  type Udara360PostingCodeRule,
} from './udara360-error';
export {
  UDARA360_BASE_URL_ENV,
  UDARA360_CLIENT_ID_ENV,
  UDARA360_CLIENT_SECRET_ENV,
  UDARA360_LIVE_BASE_URL,
  UDARA360_TEST_BASE_URL,
  type Udara360AdapterSettings,
} from './udara360-settings';

/** Stamped in from package.json by the build (tsup.shared.ts); tests run the sources, which have none. */
declare const __CLOSEKIT_VERSION__: string | undefined;
export const VERSION: string =
  typeof __CLOSEKIT_VERSION__ === 'string' ? __CLOSEKIT_VERSION__ : '0.0.0-source';
