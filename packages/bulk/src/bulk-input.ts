import { type ClosureReason, closureReasonSchema } from '@closekit/core';
import { parse as parseCsv } from 'csv-parse/sync';
import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import { BulkError, type BulkInputIssue } from './bulk-error';

/** One account to close, as read from the input file. */
export interface BulkInputRow {
  /** 1-based line of the row in the file (the header is line 1 of a CSV). */
  line: number;
  provider: string;
  accountId: string;
  reason: ClosureReason;
  idempotencyKey: string | null;
}

const rowSchema = z.object({
  provider: z.string().trim().min(1, 'provider is required'),
  accountId: z.string().trim().min(1, 'accountId is required'),
  reason: closureReasonSchema,
  idempotencyKey: z
    .string()
    .trim()
    .max(100, 'idempotencyKey is at most 100 characters')
    .nullish()
    .transform((key) => (key ? key : null)),
});

export interface ParseBulkInputOptions {
  /** Providers the run can reach; a row naming another one is a bad row. */
  providers?: readonly string[];
}

/**
 * Reads a CSV file with a header line or a JSON-lines file (detected from the first non-blank
 * character: `{` means JSON lines) with the fields provider, accountId, reason and optional
 * idempotencyKey. Every row is validated; any bad row fails the whole file with every issue
 * and its line number, so nothing is imported from a file that is partly wrong.
 */
export function parseBulkInput(
  text: string,
  options: ParseBulkInputOptions = {},
): Result<BulkInputRow[], BulkError> {
  const issues: BulkInputIssue[] = [];
  const records = text.trimStart().startsWith('{') ? readJsonLines(text, issues) : readCsv(text, issues);
  const rows: BulkInputRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, value } of records) {
    const parsed = rowSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        issues.push({ line, field: issue.path.join('.') || null, message: issue.message });
      }
      continue;
    }
    const row = parsed.data;
    if (options.providers && !options.providers.includes(row.provider)) {
      issues.push({
        line,
        field: 'provider',
        message: `unknown provider "${row.provider}" (configured: ${options.providers.join(', ')})`,
      });
      continue;
    }
    const identity = JSON.stringify([row.provider, row.accountId]);
    const firstLine = seen.get(identity);
    if (firstLine !== undefined) {
      issues.push({
        line,
        field: 'accountId',
        message: `repeats line ${firstLine} (${row.provider} ${row.accountId})`,
      });
      continue;
    }
    seen.set(identity, line);
    rows.push({ line, ...row });
  }
  if (records.length === 0 && issues.length === 0) {
    issues.push({ line: 1, field: null, message: 'the file has no rows' });
  }
  if (issues.length > 0) {
    issues.sort((a, b) => a.line - b.line);
    const shown = issues
      .slice(0, 20)
      .map((issue) => `line ${issue.line}${issue.field ? ` (${issue.field})` : ''}: ${issue.message}`);
    const more = issues.length > 20 ? [`... and ${issues.length - 20} more`] : [];
    return err(
      new BulkError({
        code: 'INVALID_INPUT',
        message: `${issues.length} problem(s) in the input; nothing was imported:\n${[...shown, ...more].join('\n')}`,
        issues,
      }),
    );
  }
  return ok(rows);
}

interface RawRecord {
  line: number;
  value: unknown;
}

function readJsonLines(text: string, issues: BulkInputIssue[]): RawRecord[] {
  const records: RawRecord[] = [];
  text.split(/\r?\n/).forEach((content, index) => {
    if (content.trim() === '') return;
    try {
      records.push({ line: index + 1, value: JSON.parse(content) });
    } catch {
      issues.push({ line: index + 1, field: null, message: 'not a JSON object' });
    }
  });
  return records;
}

function readCsv(text: string, issues: BulkInputIssue[]): RawRecord[] {
  try {
    const parsed = parseCsv(text, {
      columns: (header: string[]) => header.map((name) => name.trim()),
      skip_empty_lines: true,
      bom: true,
      info: true,
    }) as { record: Record<string, string>; info: { lines: number } }[];
    return parsed.map(({ record, info }) => ({ line: info.lines, value: record }));
  } catch (cause) {
    const line =
      typeof (cause as { lines?: unknown }).lines === 'number' ? (cause as { lines: number }).lines : 1;
    const message = cause instanceof Error ? cause.message : 'unreadable CSV';
    issues.push({ line, field: null, message: `not valid CSV: ${message}` });
    return [];
  }
}
