import type { BulkReportRow, BulkRunSummary, BulkStatus, RunState } from '@closekit/bulk';
import { RUN_STATES } from '@closekit/bulk';
import { renderTable } from '../../render-table';

/** What a person does about each neutral code an account can end on (the report's "what to do"). */
const WHAT_TO_DO: Record<string, string> = {
  NON_ZERO_BALANCE: 'pay out or transfer the balance, then run these accounts again',
  ACCOUNT_BLOCKED: 'clear the block with the provider, then run these accounts again',
  ACCOUNT_NOT_FOUND: 'check the account id and provider in the input',
  ALREADY_CLOSED: 'nothing to close: confirm with the provider and mark it done',
  REASON_NOT_SUPPORTED:
    'use a reason the provider accepts (docs/ lists each table) or enable it in reasonMap',
  INVALID_REQUEST: 'fix the row in the input',
  RATE_LIMITED: 'the provider kept answering 429: lower --rate and run again',
  AUTHENTICATION_FAILED: 'fix the provider credentials, then run again',
  PERMISSION_DENIED: 'ask the provider for the closure permission, then run again',
  OUTCOME_UNKNOWN: 'check the account at the provider before closing it again',
};
const DEFAULT_WHAT_TO_DO = 'look at the audit trail and the provider, then decide';

/** Counts per provider and state, only the states that occur. */
export function renderCounts(status: BulkStatus): string {
  const used = RUN_STATES.filter((state) =>
    Object.values(status.counts).some((counts) => (counts[state] ?? 0) > 0),
  );
  const rows = Object.entries(status.counts).map(([provider, counts]) => ({
    provider,
    ...Object.fromEntries(used.map((state) => [state, counts[state] ?? 0])),
  }));
  const lines = [`run "${status.run}": ${status.total} account(s)`, renderTable(rows, ['provider', ...used])];
  for (const pause of status.pauses) {
    lines.push(`${pause.provider} is paused (${pause.code}): ${pause.message}`);
  }
  return lines.join('\n');
}

/** Accounts that need a person, grouped by code, with what to do. */
export function needsAttentionByCode(rows: readonly BulkReportRow[]): Record<string, number> {
  const groups: Record<string, number> = {};
  for (const row of rows) {
    if (row.state !== 'NEEDS_ACTION' && row.state !== 'FAILED' && row.state !== 'CANCELLED') continue;
    const key = `${row.state} ${row.code ?? '-'}`;
    groups[key] = (groups[key] ?? 0) + 1;
  }
  return groups;
}

export function renderSummary(summary: BulkRunSummary, rows: readonly BulkReportRow[]): string {
  const lines = [
    renderCounts(summary),
    summary.reached
      ? `goal "${summary.goal}" reached in ${(summary.elapsedMs / 1000).toFixed(1)} s`
      : `goal "${summary.goal}" not reached: a provider is paused until a person acts (see above)`,
  ];
  const groups = Object.entries(needsAttentionByCode(rows));
  if (groups.length > 0) {
    lines.push(`${summary.needsAttention} account(s) need a person (closekit bulk report lists them):`);
    for (const [key, count] of groups) {
      const code = key.split(' ')[1] ?? '';
      lines.push(`  ${key}: ${count} — ${WHAT_TO_DO[code] ?? DEFAULT_WHAT_TO_DO}`);
    }
  }
  return lines.join('\n');
}

const REPORT_COLUMNS = [
  'provider',
  'accountId',
  'state',
  'code',
  'closureId',
  'attempts',
  'updatedAt',
] as const;

function csvCell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function reportCsv(rows: readonly BulkReportRow[]): string {
  return [
    REPORT_COLUMNS.join(','),
    ...rows.map((row) => REPORT_COLUMNS.map((column) => csvCell(row[column])).join(',')),
  ].join('\n');
}

/** States that count as done for the progress bar. */
export function doneCount(status: BulkStatus, done: (state: RunState) => boolean): number {
  return Object.values(status.counts).reduce(
    (sum, counts) => sum + RUN_STATES.filter(done).reduce((n, state) => n + (counts[state] ?? 0), 0),
    0,
  );
}
