export type TableRow = Record<string, string | number | boolean | null | undefined>;

const show = (value: TableRow[string]) => (value === null || value === undefined ? '-' : String(value));

/** A plain-text table with a header rule, sized to its content. */
export function renderTable(
  rows: readonly TableRow[],
  columns: readonly string[] = Object.keys(rows[0] ?? {}),
): string {
  if (rows.length === 0) return '(none)';
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => show(row[column]).length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, index) => cell.padEnd(widths[index] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line([...columns]),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map((row) => line(columns.map((column) => show(row[column])))),
  ].join('\n');
}
