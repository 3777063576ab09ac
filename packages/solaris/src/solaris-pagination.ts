import type { ListClosuresQuery } from '@closekit/core';
import { listClosuresQuerySchema } from '@closekit/core/adapter';
import { z } from 'zod';
import { SOLARIS_STATUSES_BY_STATE } from './map-solaris-closure-state';
import { SOLARIS_DEFAULT_PAGE_SIZE } from './solaris-settings';

/*
 * Solaris lists (provider doc §4, S3, S10): a bare JSON array, filters and paging as query
 * parameters, the next page only in headers. This file has no counterpart in the other adapters
 * because only Solaris pages this way.
 */

/** listClosures with Solaris' extra filter: the legal closure date range (`YYYY-MM-DD`, inclusive). */
export interface SolarisListClosuresQuery extends ListClosuresQuery {
  legalClosureDateMin?: string;
  legalClosureDateMax?: string;
}

const isoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
export const solarisListQuerySchema = listClosuresQuerySchema
  .extend({ legalClosureDateMin: isoDateSchema.optional(), legalClosureDateMax: isoDateSchema.optional() })
  .refine(
    (query) =>
      !query.legalClosureDateMin ||
      !query.legalClosureDateMax ||
      query.legalClosureDateMin <= query.legalClosureDateMax,
    { message: 'legalClosureDateMin must not be after legalClosureDateMax', path: ['legalClosureDateMin'] },
  );

/** The list request's query parameters; `page` and `pageSize` are always sent so `nextPage` can be derived. */
export function convertToSolarisListQuery(query: z.output<typeof solarisListQuerySchema>) {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? SOLARIS_DEFAULT_PAGE_SIZE;
  const statuses = query.state ? SOLARIS_STATUSES_BY_STATE[query.state] : [];
  return {
    page,
    pageSize,
    params: {
      'filter[account_id]': query.accountId,
      // filter[status] takes one value: PENDING (two statuses) is filtered by the caller, page by page.
      'filter[status]': statuses.length === 1 ? statuses[0] : undefined,
      'filter[legal_closure_date][min]': query.legalClosureDateMin,
      'filter[legal_closure_date][max]': query.legalClosureDateMax,
      'page[number]': page,
      'page[size]': pageSize,
    },
  };
}

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
