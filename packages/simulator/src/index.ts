export type { CommonSimulatorControl } from './common/common-control';
export { SimulatorControlError } from './common/control-error';
export type { Fault, FaultRule, FaultRuleState, FaultType } from './common/fault-rules';
export type { SimulatorCounters } from './common/request-counters';
export type { CommonSimulatorOptions } from './common/simulator-kernel';
export { CONTROL_PREFIX } from './common/simulator-server';
export type {
  WebhookAttempt,
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookRetrySettings,
} from './common/webhook-dispatcher';
export {
  type ReceivedWebhook,
  startWebhookReceiver,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from './common/webhook-receiver';
export {
  type EmbeddedPaymentsSimulator,
  type EmbeddedPaymentsSimulatorControl,
  type EmbeddedPaymentsSimulatorOptions,
  EP_DEFAULT_WEBHOOK_TOKEN,
  type EpServicingResult,
  startEmbeddedPaymentsSimulator,
} from './embedded-payments/ep-simulator';
export type { EpAccountPatch, EpAccountSeed } from './embedded-payments/ep-state';
export type { EpAccount, EpRestriction } from './embedded-payments/ep-wire';
export {
  SOLARIS_DEFAULT_CLIENT_ID,
  SOLARIS_DEFAULT_CLIENT_SECRET,
  SOLARIS_DEFAULT_WEBHOOK_SECRET,
  type SolarisClosureRef,
  type SolarisSimulator,
  type SolarisSimulatorControl,
  type SolarisSimulatorOptions,
  startSolarisSimulator,
} from './solaris/solaris-simulator';
export type {
  SolarisAccount,
  SolarisAccountPatch,
  SolarisAccountSeed,
  SolarisWebhookEventType,
} from './solaris/solaris-state';
export type { SolarisAcrStatus, SolarisFailureCode, SolarisWireAcr } from './solaris/solaris-wire';
export { type Simulators, type SimulatorsOptions, startSimulators } from './start-simulators';
export {
  startUdara360Simulator,
  UDARA_DEFAULT_CLIENT_ID,
  UDARA_DEFAULT_CLIENT_SECRET,
  type Udara360Simulator,
  type Udara360SimulatorControl,
  type Udara360SimulatorOptions,
} from './udara360/udara-simulator';
export type {
  UdaraAccount,
  UdaraAccountPatch,
  UdaraAccountSeed,
  UdaraInjectedCode,
} from './udara360/udara-state';
export type { UdaraPostingCode } from './udara360/udara-wire';

/** Stamped in from package.json by the build (tsup.shared.ts); tests run the sources, which have none. */
declare const __CLOSEKIT_VERSION__: string | undefined;
export const VERSION: string =
  typeof __CLOSEKIT_VERSION__ === 'string' ? __CLOSEKIT_VERSION__ : '0.0.0-source';
