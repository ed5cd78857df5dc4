import { LatchkeyClient } from '@latchkey/client';
import { metrics } from '@latchkey/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { startTestWorker } from './worker-harness';

const KEY = 'sk_test_pagedKey_5555eeee';
const ITEMS = Array.from({ length: 6 }, (_, i) => ({ id: `item_${i}` }));

/** Vault opens that succeeded in this process (the api's and the worker's, which share a vault). */
async function vaultOpens(): Promise<number> {
  const { values } = await metrics.vaultOperations.get();
  return values.find((v) => v.labels.operation === 'open' && v.labels.outcome === 'ok')?.value ?? 0;
}

describe('a paginated HTTP step opens its credentials once, not once per page', () => {
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let list: LoopbackServer;
  let acme: LatchkeyClient;

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startTestWorker(api);
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

  /** The vault opens of one run that fetches every item in `pages` pages. */
  async function opensOfRun(pages: number) {
    const before = await vaultOpens();
    const done = await acme.executeWorkflow({
      workflowId: 'all-items',
      payload: { limit: ITEMS.length / pages },
    });
    expect(done.status).toBe('succeeded');
    expect(done.output).toEqual(ITEMS);
    expect(done.stepStats).toEqual([expect.objectContaining({ pages })]);
    return (await vaultOpens()) - before;
  }

  it('makes no more vault opens for six pages than for one', async () => {
    await opensOfRun(1); // the first run of a workflow warms what is cached per process
    const one = await opensOfRun(1);
    // Before, every page after the first read the rows and opened the bag again: +2 a page,
    // +10 here. The count is the process's, so one stray open elsewhere (a tenant key the
    // cache let go, a sweep) is tolerated; a per-page reload is not.
    expect(await opensOfRun(6)).toBeLessThanOrEqual(one + 1);
  });
});
