export {
  type ClosureAdapterContractKit,
  type ContractAdapterOptions,
  type ContractWorld,
  defineClosureAdapterContract,
} from './closure-adapter-contract';
export {
  createFakeClosureAdapter,
  FAKE_ERROR_TABLE,
  FAKE_REASON_TABLE,
  FAKE_STATE_TABLE,
  type FakeClosureAdapter,
  type FakeClosureAdapterSettings,
} from './fake-adapter';
export {
  createFakeProvider,
  FAKE_BASE_URL,
  FAKE_CLOSURE_STATUSES,
  FAKE_ERROR_CODES,
  type FakeAccount,
  type FakeErrorCode,
  type FakeProvider,
  type FakeWireClosure,
} from './fake-provider';
export {
  assertErrorFreeOfSecrets,
  assertNoSecretLeak,
  assertValidClosureError,
  issuePaths,
  secretFragments,
  settingsErrorOf,
  settleResult,
} from './result-checks';
export {
  createScriptedFetch,
  type RecordedRequest,
  type ScriptedFetch,
  type ScriptedHandler,
  type ScriptedReply,
} from './scripted-fetch';
