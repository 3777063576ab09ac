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
});
