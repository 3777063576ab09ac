export {
  type AdapterFactory,
  type ProviderCommandOptions,
  runClose,
  runStatus,
} from './commands/close-and-status';
export { DEMO_ACCOUNTS, type DemoOptions, runDemo } from './commands/demo';
export { type CommandIo, captureIo, processIo } from './commands/io';
export { EXIT_CODES, type ExitCode } from './commands/output';
export { runSimulate, type SimulateOptions } from './commands/simulate';
export { DOCS_URL, main, USAGE } from './main';
export {
  ConfigurationError,
  createAdapterFromEnv,
  type Env,
  isProviderName,
  PROVIDERS,
  type ProviderName,
} from './provider-config';
export { renderTable, type TableCell, type TableRow } from './render-table';
export { CLI_VERSION as VERSION } from './version';
