export type TableCell = string | number | boolean | null | undefined;
export type TableRow = Record<string, TableCell>;

const show = (value: TableCell) => (value === null || value === undefined ? '-' : String(value));

/**
 * A plain-text table with a header rule, sized to its content. Columns that hold only numbers
 * (or nothing) are right-aligned; `format` turns each value into its text (the bench formats
 * thousands and booleans its own way).
 */
export function renderTable(
  rows: readonly TableRow[],
  columns: readonly string[] = Object.keys(rows[0] ?? {}),
  format: (value: TableCell) => string = show,
): string {
  if (rows.length === 0) return '(none)';
  const text = rows.map((row) => columns.map((column) => format(row[column])));
  const widths = columns.map((column, index) =>
    Math.max(column.length, ...text.map((cells) => (cells[index] ?? '').length)),
  );
  const numeric = columns.map((column) =>
    rows.every((row) => typeof row[column] === 'number' || row[column] === null || row[column] === undefined),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, index) =>
        numeric[index] ? cell.padStart(widths[index] ?? 0) : cell.padEnd(widths[index] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((width) => '-'.repeat(width))), ...text.map(line)].join('\n');
}
