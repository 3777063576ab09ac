import { describe, expect, it } from 'vitest';
import { renderTable } from './render-table';

describe('renderTable', () => {
  it('aligns columns and shows missing values as -', () => {
    expect(
      renderTable([
        { provider: 'solaris', state: 'PENDING', created: true },
        { provider: 'udara360', state: null, created: false },
      ]),
    ).toBe(
      [
        'provider  state    created',
        '--------  -------  -------',
        'solaris   PENDING  true',
        'udara360  -        false',
      ].join('\n'),
    );
    expect(renderTable([])).toBe('(none)');
  });

  it('right-aligns columns of numbers and formats values as asked', () => {
    const rows = [
      { case: 'solaris', ratio: 97.25 },
      { case: 'embedded-payments', ratio: 101 },
    ];
    expect(
      renderTable(rows, ['case', 'ratio'], (value) =>
        typeof value === 'number' ? value.toFixed(1) : String(value),
      ),
    ).toBe(
      [
        'case               ratio',
        '-----------------  -----',
        'solaris             97.3',
        'embedded-payments  101.0',
      ].join('\n'),
    );
  });
});
