export {
  type BulkEngine,
  type BulkEngineSettings,
  type BulkEventOutcome,
  type BulkImportSummary,
  type BulkProvider,
  type BulkRunOptions,
  type BulkRunSummary,
  type BulkStatus,
  DEFAULT_CONCURRENCY,
  DEFAULT_REQUESTS_PER_SECOND,
  DEFAULT_RUN,
} from './bulk-engine';
export { BULK_ERROR_CODES, BulkError, type BulkErrorCode, type BulkInputIssue } from './bulk-error';
export { type BulkInputRow, type ParseBulkInputOptions, parseBulkInput } from './bulk-input';
export {
  advanceAccount,
  applyClosureEvent,
  type BulkPolicy,
  DEFAULT_BULK_POLICY,
  type ProviderPause,
  pollDelayMs,
  type StepContext,
  type StepOutcome,
} from './bulk-step';
export { createRateLimitedFetch, type RateLimitedFetch } from './rate-limited-fetch';
export {
  AUDIT_STEPS,
  type AuditEntry,
  type AuditStep,
  type BulkAccount,
  type BulkReportRow,
  deriveIdempotencyKey,
  FINAL_RUN_STATES,
  isGoalReached,
  newBulkAccount,
  RUN_STATES,
  type RunGoal,
  type RunState,
  SUBMITTED_GOAL_STATES,
  toReportRow,
} from './run-model';
export { openSqliteBulkEngine, type SqliteBulkEngineSettings } from './sqlite/sqlite-bulk-engine';

/** Stamped in from package.json by the build (tsup.shared.ts); tests run the sources, which have none. */
declare const __CLOSEKIT_VERSION__: string | undefined;
export const VERSION: string =
  typeof __CLOSEKIT_VERSION__ === 'string' ? __CLOSEKIT_VERSION__ : '0.0.0-source';
