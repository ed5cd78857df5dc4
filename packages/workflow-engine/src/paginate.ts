import { DEFAULT_MAX_PAGES, MAX_PAGES_LIMIT, type Pagination } from './steps';
import { runTransform, type TransformOptions } from './transform';

export type PageParams = Record<string, string | number>;

export interface CollectPagesInput {
  pagination: Pagination;
  /** Fetches one page: the caller merges `params` into the step's query. Returns the page body. */
  fetchPage: (params: PageParams) => Promise<unknown>;
  /** Called after each page with the number of pages fetched so far (e.g. to heartbeat). */
  onPage?: (pages: number) => void;
  /** Limits for evaluating itemsPath / cursorPath. */
  transformOptions?: TransformOptions;
}

export interface CollectedPages {
  items: unknown[];
  pages: number;
  /** True when maxPages was reached while the API still had more. */
  truncated: boolean;
}

export class PaginationError extends Error {
  override readonly name = 'PaginationError';
}

/** maxPages, defaulting to 10 and never above 100. */
export function effectiveMaxPages(pagination: Pagination): number {
  return Math.min(Math.max(1, pagination.maxPages ?? DEFAULT_MAX_PAGES), MAX_PAGES_LIMIT);
}

/** itemsPath on a page: an array as is, nothing as [], a single value as [value]. */
async function pageItems(
  itemsPath: string,
  body: unknown,
  options: TransformOptions | undefined,
): Promise<unknown[]> {
  const items = await runTransform(itemsPath, body, options);
  if (items === undefined || items === null) return [];
  return Array.isArray(items) ? items : [items];
}

async function nextCursor(
  cursorPath: string,
  body: unknown,
  options: TransformOptions | undefined,
): Promise<string | number | undefined> {
  const cursor = await runTransform(cursorPath, body, options);
  if (cursor === undefined || cursor === null || cursor === '' || cursor === false)
    return undefined;
  if (typeof cursor === 'string' || typeof cursor === 'number') return cursor;
  throw new PaginationError(
    `cursorPath must give a string or a number (or null to stop), got ${Array.isArray(cursor) ? 'an array' : typeof cursor}`,
  );
}

/**
 * Fetches pages until the API says there are no more or maxPages is reached:
 * - cursor: the first request has no cursor; stop when the next cursor is null, empty or repeated;
 * - page: `pageParam` from startPage (default 1) with `pageSizeParam`; stop on an empty page or
 *   one shorter than pageSize;
 * - offset: `offsetParam` from 0 by `limit`; stop when a page has fewer than `limit` items.
 */
export async function collectPages(input: CollectPagesInput): Promise<CollectedPages> {
  const { pagination, fetchPage, onPage, transformOptions } = input;
  const maxPages = effectiveMaxPages(pagination);
  const items: unknown[] = [];
  const seenCursors = new Set<string>();
  let params: PageParams = {};
  let page = pagination.type === 'page' ? (pagination.startPage ?? 1) : 0;
  let offset = 0;

  const first = (): PageParams => {
    switch (pagination.type) {
      case 'cursor':
        return {};
      case 'page':
        return {
          [pagination.pageParam]: page,
          ...(pagination.pageSizeParam && pagination.pageSize !== undefined
            ? { [pagination.pageSizeParam]: pagination.pageSize }
            : {}),
        };
      case 'offset':
        return { [pagination.offsetParam]: offset, [pagination.limitParam]: pagination.limit };
    }
  };
  params = first();

  for (let pages = 1; ; pages++) {
    const body = await fetchPage(params);
    const got = await pageItems(pagination.itemsPath, body, transformOptions);
    items.push(...got);
    onPage?.(pages);

    let more: boolean;
    switch (pagination.type) {
      case 'cursor': {
        const cursor = await nextCursor(pagination.cursorPath, body, transformOptions);
        const key = cursor === undefined ? undefined : `${typeof cursor}:${cursor}`;
        more = key !== undefined && !seenCursors.has(key);
        if (key !== undefined) seenCursors.add(key);
        if (more && cursor !== undefined) params = { [pagination.cursorParam]: cursor };
        break;
      }
      case 'page': {
        const short = pagination.pageSize !== undefined && got.length < pagination.pageSize;
        more = got.length > 0 && !short;
        page += 1;
        params = { ...params, [pagination.pageParam]: page };
        break;
      }
      case 'offset': {
        more = got.length >= pagination.limit;
        offset += pagination.limit;
        params = { ...params, [pagination.offsetParam]: offset };
        break;
      }
    }
    if (!more) return { items, pages, truncated: false };
    if (pages >= maxPages) return { items, pages, truncated: true };
  }
}

/** The step's query with a page's params merged in (page params win). */
export function mergePageParams<Q extends Record<string, unknown>>(
  query: Q | undefined,
  params: PageParams,
): Q & PageParams {
  return { ...(query ?? ({} as Q)), ...params };
}
