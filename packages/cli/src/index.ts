export { type ProviderCommandOptions, runClose, runStatus } from './commands/close-and-status';
export { DEMO_ACCOUNTS, type DemoOptions, runDemo } from './commands/demo';
export { type CommandIo, captureIo, processIo } from './commands/io';
export { runSimulate, type SimulateOptions } from './commands/simulate';
export { main, USAGE } from './main';
export {
  createAdapterFromEnv,
  createMtlsFetch,
  isProviderName,
  PROVIDERS,
  type ProviderName,
} from './provider-config';
export { renderTable, type TableRow } from './render-table';

export const VERSION = '0.1.0';
