/**
 * The contract's one way to page a list: `?page=` (1-based) and `?page_size=` (default 20,
 * max 100) in, `{count, next, previous, results}` out. Every list endpoint builds its query
 * schema with `listQuery(...)` and its answer with `buildPage(...)`, so paging cannot differ
 * from one list to the next. Pure: the repository counts and slices, the route gives the URL.
 */
import * as yup from 'yup';

export const defaultPageSize = 20;
export const maxPageSize = 100;

/** Query values arrive as strings; yup (non-strict) turns `"2"` into 2 and refuses `"x"`. */
export const paginationQueryShape = {
  page: yup.number().integer().min(1).default(1),
  page_size: yup.number().integer().min(1).max(maxPageSize).default(defaultPageSize),
};

/**
 * A list's query schema: the paging fields plus the list's own filters. Unknown parameters
 * are a 400 by name (a mistyped filter must not silently return everything).
 */
export const listQuery = <T extends yup.ObjectShape>(filters: T) =>
  yup.object({ ...paginationQueryShape, ...filters }).noUnknown('This parameter is not allowed');

export const paginationQuery = listQuery({});

export interface PageRequest {
  page: number;
  page_size: number;
}

export interface PageWindow {
  limit: number;
  offset: number;
  /** 0-based page index, as objection's `query.page(index, size)` wants it. */
  pageIndex: number;
}

export function toPageWindow(request: PageRequest): PageWindow {
  return {
    limit: request.page_size,
    offset: (request.page - 1) * request.page_size,
    pageIndex: request.page - 1,
  };
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** `url`: the absolute request URL (e.g. Koa's `ctx.href`); its other parameters are kept. */
function pageUrl(url: string, page: number, pageSize: number): string {
  const target = new URL(url);
  target.searchParams.set('page', String(page));
  target.searchParams.set('page_size', String(pageSize));
  return target.toString();
}

export function buildPage<T>(input: {
  url: string;
  request: PageRequest;
  count: number;
  results: T[];
}): Page<T> {
  const { url, request, count, results } = input;
  const { page, page_size: pageSize } = request;
  const lastPage = Math.max(1, Math.ceil(count / pageSize));
  const hasNext = page < lastPage;
  // A page past the end points back to the last real page rather than to nothing.
  const previousPage = page > lastPage ? lastPage : page - 1;
  return {
    count,
    next: hasNext ? pageUrl(url, page + 1, pageSize) : null,
    previous: previousPage >= 1 && page > 1 ? pageUrl(url, previousPage, pageSize) : null,
    results,
  };
}
