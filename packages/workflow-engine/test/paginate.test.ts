import { allowEgress, createTestEgress } from '@latchkey/devstack/test-egress';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeTransformSandbox,
  collectPages,
  effectiveMaxPages,
  executeHttp,
  mergePageParams,
  type PageParams,
  type Pagination,
  paginationSchema,
} from '../src/index';
import { type Loopback, sendJson, startLoopback } from './loopback';

const ITEMS = Array.from({ length: 23 }, (_, i) => ({ id: `item_${i + 1}` }));
let api: Loopback;
const egress = createTestEgress();

beforeAll(async () => {
  api = await startLoopback((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const q = url.searchParams;
    switch (url.pathname) {
      case '/cursor': {
        // Stripe style: ?limit=10&starting_after=<id>, { data, has_more }
        const limit = Number(q.get('limit'));
        const after = q.get('starting_after');
        const start = after ? ITEMS.findIndex((item) => item.id === after) + 1 : 0;
        const data = ITEMS.slice(start, start + limit);
        return sendJson(res, 200, { data, has_more: start + limit < ITEMS.length });
      }
      case '/page': {
        const page = Number(q.get('page'));
        const size = Number(q.get('per_page'));
        return sendJson(res, 200, { items: ITEMS.slice((page - 1) * size, page * size) });
      }
      case '/offset': {
        const offset = Number(q.get('offset'));
        const limit = Number(q.get('limit'));
        return sendJson(res, 200, { results: ITEMS.slice(offset, offset + limit) });
      }
      case '/stuck':
        return sendJson(res, 200, { data: [ITEMS[0]], next: 'same' });
      default:
        return sendJson(res, 404, {});
    }
  });
  allowEgress(egress, api.url);
});

afterAll(async () => {
  await api.close();
  await egress.close();
  await closeTransformSandbox();
});

/** The caller's side: merge page params into the step's query and fetch over real HTTP. */
function fetcher(path: string, query: Record<string, string | number> = {}) {
  return async (params: PageParams) => {
    const url = new URL(`${api.url}${path}`);
    for (const [key, value] of Object.entries(mergePageParams(query, params))) {
      url.searchParams.set(key, String(value));
    }
    const response = await executeHttp(
      { kind: 'http', method: 'GET', url: url.href, headers: {}, explanation: [], secrets: [] },
      { timeoutMs: 2000, redact: (s) => s, stepId: 'list', egress },
    );
    return response.body;
  };
}

const cursor: Pagination = paginationSchema.parse({
  type: 'cursor',
  cursorParam: 'starting_after',
  cursorPath: 'has_more ? data[-1].id : null',
  itemsPath: 'data',
});
const page: Pagination = paginationSchema.parse({
  type: 'page',
  pageParam: 'page',
  pageSizeParam: 'per_page',
  pageSize: 10,
  itemsPath: 'items',
});
const offset: Pagination = paginationSchema.parse({
  type: 'offset',
  offsetParam: 'offset',
  limitParam: 'limit',
  limit: 10,
  itemsPath: 'results',
});

describe('collectPages', () => {
  it.each([
    ['cursor', cursor, '/cursor', { limit: 10 }],
    ['page', page, '/page', {}],
    ['offset', offset, '/offset', {}],
  ] as const)('collects 23 items in 3 pages (%s)', async (_name, pagination, path, query) => {
    const seen: number[] = [];
    const result = await collectPages({
      pagination,
      fetchPage: fetcher(path, query),
      onPage: (n) => seen.push(n),
    });
    expect(result.pages).toBe(3);
    expect(result.truncated).toBe(false);
    expect(result.items).toEqual(ITEMS);
    expect(seen).toEqual([1, 2, 3]);
  });

  it.each([
    ['cursor', cursor, '/cursor', { limit: 10 }],
    ['page', page, '/page', {}],
    ['offset', offset, '/offset', {}],
  ] as const)('stops at maxPages and says so (%s)', async (_name, pagination, path, query) => {
    const result = await collectPages({
      pagination: { ...pagination, maxPages: 2 },
      fetchPage: fetcher(path, query),
    });
    expect(result).toEqual({ items: ITEMS.slice(0, 20), pages: 2, truncated: true });
  });

  it('sends the expected page parameters', async () => {
    const before = api.requests.length;
    await collectPages({ pagination: offset, fetchPage: fetcher('/offset') });
    expect(api.requests.slice(before).map((r) => r.url)).toEqual([
      '/offset?offset=0&limit=10',
      '/offset?offset=10&limit=10',
      '/offset?offset=20&limit=10',
    ]);
  });

  it('stops when a cursor repeats', async () => {
    const result = await collectPages({
      pagination: { type: 'cursor', cursorParam: 'c', cursorPath: 'next', itemsPath: 'data' },
      fetchPage: fetcher('/stuck'),
    });
    expect(result).toMatchObject({ pages: 2, truncated: false });
  });

  it('defaults maxPages to 10 and caps it at 100', () => {
    expect(effectiveMaxPages(cursor)).toBe(10);
    expect(effectiveMaxPages({ ...cursor, maxPages: 1000 })).toBe(100);
  });
});
