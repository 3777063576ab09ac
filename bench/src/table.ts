/** Prints rows with the CLI's table renderer (numbers right-aligned), bench's own number format. */
import { renderTable } from '@closekit/cli';

export type Cell = string | number | boolean | null;

export function formatCell(value: Cell): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'NO';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    return Number.isInteger(value)
      ? value.toLocaleString('en-US')
      : value.toLocaleString('en-US', { maximumFractionDigits: 2 });
  }
  return value;
}

export function printTable(
  title: string,
  columns: readonly string[],
  rows: readonly (readonly Cell[])[],
): void {
  const records = rows.map((row) =>
    Object.fromEntries(columns.map((column, index) => [column, row[index] ?? null])),
  );
  console.log(`\n${title}`);
  console.log(renderTable(records, columns, (value) => formatCell(value ?? null)));
}
