import { LatchkeyClient } from '@latchkey/client';
import type { SealContext, Vault } from '@latchkey/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { startTestWorker } from './worker-harness';

const KEY = 'sk_test_pagedKey_5555eeee';
const ITEMS = Array.from({ length: 6 }, (_, i) => ({ id: `item_${i}` }));

/** The stored credential bags a step opens (an integration's, an end user's connection's). */
const BAG_KINDS = new Set<string>(['integration.credentials', 'connection.credentials']);

/**
 * The worker's vault, counting the credential bags it opens. Counting by record kind, not every
 * open of the process: payloads, run results and replays open other kinds, and a process-wide
 * count made this test flaky.
 */
function countingBagOpens(vault: Vault) {
  const counter = { opens: 0 };
  const counting = new Proxy(vault, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property !== 'open' && property !== 'openText' && property !== 'openJson') {
        return value.bind(target);
      }
      return (ctx: SealContext, sealed: Uint8Array) => {
        if (BAG_KINDS.has(ctx.kind)) counter.opens++;
        return value.call(target, ctx, sealed);
      };
    },
  });
  return { vault: counting, counter };
}

describe('a paginated HTTP step opens its credentials once, not once per page', () => {
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let list: LoopbackServer;
  let acme: LatchkeyClient;
  let bagOpens: { opens: number };

  beforeAll(async () => {
    api = await startTestApi();
    const counting = countingBagOpens(api.vault);
    bagOpens = counting.counter;
    worker = await startTestWorker(api, { vault: counting.vault });
    list = await startLoopbackServer((req, res) => {
      if (req.headers.authorization !== `Bearer ${KEY}`) return json(res, 401, {});
      const limit = Number(req.query.get('limit'));
      const after = req.query.get('after');
      const start = after ? ITEMS.findIndex((item) => item.id === after) + 1 : 0;
      const data = ITEMS.slice(start, start + limit);
      json(res, 200, { data, has_more: start + limit < ITEMS.length });
    });
    api.allowEgress(list.url);
    const tenant = await api.createTenant('acme');
    acme = new LatchkeyClient({ endpoint: api.url.replace(/\/trpc$/, ''), apiKey: tenant.apiKey });
    await acme.upsertIntegration({
      id: 'list',
      urlHost: list.url,
      auth: { type: 'bearer', credential: 'api_key' },
      credentials: { api_key: KEY },
    });
    await acme.buildWorkflow({
      id: 'all-items',
      instruction: 'every item, a page at a time',
      integrationIds: ['list'],
      steps: [
        {
          id: 'items',
          integrationId: 'list',
          method: 'GET',
          path: '/items',
          query: { limit: '<<input.limit>>' },
          pagination: {
            type: 'cursor',
            cursorParam: 'after',
            cursorPath: 'has_more ? data[-1].id : null',
            itemsPath: 'data',
          },
        },
      ],
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await list?.close();
    await api?.close();
  });

  /** The credential bags the worker opens for one run that fetches every item in `pages` pages. */
  async function opensOfRun(pages: number) {
    const before = bagOpens.opens;
    const done = await acme.executeWorkflow({
      workflowId: 'all-items',
      payload: { limit: ITEMS.length / pages },
    });
    expect(done.status).toBe('succeeded');
    expect(done.output).toEqual(ITEMS);
    expect(done.stepStats).toEqual([expect.objectContaining({ pages })]);
    return bagOpens.opens - before;
  }

  it('opens the credential bag once for six pages, as for one', async () => {
    expect(await opensOfRun(1)).toBe(1);
    // Before, every page after the first read the rows and opened the bag again: 6 here.
    expect(await opensOfRun(6)).toBe(1);
  });
});
