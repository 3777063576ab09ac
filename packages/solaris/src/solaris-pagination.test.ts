import { describe, expect, it } from 'vitest';
import { parseLinkHeader, solarisNextPage } from './solaris-pagination';

const next = (headers: Record<string, string> | null, page: number, pageSize: number, itemCount: number) =>
  solarisNextPage({ headers: headers ? new Headers(headers) : null, page, pageSize, itemCount });

describe('solarisNextPage', () => {
  it('follows rel="next", encoded or not', () => {
    expect(next({ link: '</v1/x?page[number]=3&page[size]=2>; rel="next"' }, 2, 2, 2)).toBe(3);
    expect(
      next(
        { link: '<https://a/v1/x?page%5Bnumber%5D=5>; rel=next, </v1/x?page[number]=1>; rel="first"' },
        4,
        2,
        2,
      ),
    ).toBe(5);
  });

  it('takes page + 1 when the next link has no page number, and null without a next link', () => {
    expect(next({ link: '</v1/x?cursor=abc>; rel="next"' }, 1, 10, 10)).toBe(2);
    expect(
      next({ link: '</v1/x?page[number]=1>; rel="first", </v1/x?page[number]=1>; rel="last"' }, 1, 10, 10),
    ).toBeNull();
  });

  it('uses total and per-page', () => {
    expect(next({ total: '21', 'per-page': '10' }, 2, 10, 10)).toBe(3);
    expect(next({ total: '20', 'per-page': '10' }, 2, 10, 10)).toBeNull();
    expect(next({ total: '0' }, 1, 10, 0)).toBeNull();
  });

  it('with a bare array, a full page may have a successor', () => {
    expect(next(null, 1, 10, 10)).toBe(2);
    expect(next({}, 1, 10, 9)).toBeNull();
    expect(next({}, 3, 10, 0)).toBeNull();
  });
});

describe('parseLinkHeader', () => {
  it('reads several relations, including space-separated ones', () => {
    const links = parseLinkHeader('<a?page[number]=1>; rel="first prev", <b?page[number]=3>; rel="next"');
    expect(Object.fromEntries(links)).toEqual({
      first: 'a?page[number]=1',
      prev: 'a?page[number]=1',
      next: 'b?page[number]=3',
    });
  });
});
