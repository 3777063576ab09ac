/**
 * The next page of a Solaris list. Solaris documents paging headers (provider doc §4, S10):
 * `link` (RFC 8288 `rel="next"`), `total` and `per-page`; the body itself is a bare array.
 * In order: the `next` link, then `total`, then — with neither header — a full page means
 * there may be more.
 */
export function solarisNextPage(input: {
  headers: Headers | null;
  page: number;
  pageSize: number;
  itemCount: number;
}): number | null {
  const { headers, page, pageSize, itemCount } = input;
  const link = headers?.get('link');
  if (link) {
    const next = parseLinkHeader(link).get('next');
    if (next === undefined) return null;
    const fromLink = pageNumberOf(next);
    return fromLink !== null && fromLink > page ? fromLink : page + 1;
  }
  const total = Number.parseInt(headers?.get('total') ?? '', 10);
  if (Number.isFinite(total) && total >= 0) {
    const perPage = Number.parseInt(headers?.get('per-page') ?? '', 10);
    const size = Number.isFinite(perPage) && perPage > 0 ? perPage : pageSize;
    return page * size < total ? page + 1 : null;
  }
  return itemCount >= pageSize ? page + 1 : null;
}

/** rel -> URL of an RFC 8288 Link header. */
export function parseLinkHeader(header: string): Map<string, string> {
  const links = new Map<string, string>();
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!match) continue;
    const [, target, params] = match;
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(params ?? '');
    if (!rel?.[1] || target === undefined) continue;
    for (const name of rel[1].trim().split(/\s+/)) {
      if (!links.has(name.toLowerCase())) links.set(name.toLowerCase(), target);
    }
  }
  return links;
}

function pageNumberOf(target: string): number | null {
  try {
    const url = new URL(target, 'https://solaris.invalid');
    const value = url.searchParams.get('page[number]');
    const parsed = value === null ? Number.NaN : Number.parseInt(value, 10);
    return Number.isFinite(parsed) && parsed >= 1 ? parsed : null;
  } catch {
    return null;
  }
}
