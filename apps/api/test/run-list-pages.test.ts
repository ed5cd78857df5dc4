import { LatchkeyClient, type LatchkeyError } from '@latchkey/client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { startTestWorker } from './worker-harness';

const RUNS = 7;

describe('runs.list pages through every run, newest first', () => {
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let target: LoopbackServer;
  let acme: LatchkeyClient;
  let globex: LatchkeyClient;
  /** acme's runs of `ping`, newest first, as started. */
  const started: string[] = [];

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startTestWorker(api);
    target = await startLoopbackServer((_req, res) => json(res, 200, { pong: true }));
    api.allowEgress(target.url);
    const endpoint = api.url.replace(/\/trpc$/, '');
    acme = new LatchkeyClient({ endpoint, apiKey: (await api.createTenant('acme')).apiKey });
    globex = new LatchkeyClient({ endpoint, apiKey: (await api.createTenant('globex')).apiKey });
    for (const client of [acme, globex]) {
      await client.upsertIntegration({ id: 'target', urlHost: target.url });
      for (const id of ['ping', 'pong']) {
        await client.buildWorkflow({
          id,
          instruction: 'GET /ping',
          integrationIds: ['target'],
          steps: [{ id: 'ping', integrationId: 'target', method: 'GET', path: '/ping' }],
        });
      }
    }
    for (let i = 0; i < RUNS; i++) {
      started.unshift((await acme.executeWorkflow({ workflowId: 'ping' })).runId);
    }
    await acme.executeWorkflow({ workflowId: 'pong' });
    await globex.executeWorkflow({ workflowId: 'ping' });
  });
  afterAll(async () => {
    await worker?.stop();
    await target?.close();
    await api?.close();
  });

  /** Every page of `limit` runs of `ping`, following `before` until a short page. */
  async function allPages(client: LatchkeyClient, limit: number): Promise<string[][]> {
    const pages: string[][] = [];
    let before: string | undefined;
    for (;;) {
      const page = await client.listRuns({ workflowId: 'ping', limit, before });
      pages.push(page.map((run) => run.runId));
      if (page.length < limit) return pages;
      before = page.at(-1)?.runId;
    }
  }

  it('gives each run once, in order, a page at a time', async () => {
    const pages = await allPages(acme, 3);
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(started);
    expect((await acme.listRuns({ workflowId: 'ping' })).map((r) => r.runId)).toEqual(started);
  });

  it('keeps runs that started in the same microsecond on exactly one page', async () => {
    // Runs created by one statement share created_at; the id breaks the tie.
    await sql`update runs set created_at = '2026-01-01T00:00:00Z'
      where id in (${sql.join(started.slice(1, 6))})`.execute(api.db);
    const pages = await allPages(acme, 2);
    expect(pages.flat()).toHaveLength(RUNS);
    expect(new Set(pages.flat())).toEqual(new Set(started));
  });

  it('does not shift later pages when a new run starts while paging', async () => {
    const first = await acme.listRuns({ workflowId: 'ping', limit: 3 });
    const newer = await acme.executeWorkflow({ workflowId: 'ping' });
    const second = await acme.listRuns({
      workflowId: 'ping',
      limit: 3,
      before: first.at(-1)?.runId,
    });
    const seen = [...first, ...second].map((run) => run.runId);
    expect(seen).not.toContain(newer.runId);
    expect(new Set(seen).size).toBe(seen.length);
    started.unshift(newer.runId);
  });

  it('refuses an anchor that is not one of the tenant runs, naming the field', async () => {
    const globexRun = (await globex.listRuns())[0]?.runId;
    if (!globexRun) throw new Error('globex has no run');
    const crossed = await acme.listRuns({ before: globexRun }).catch((e: LatchkeyError) => e);
    expect(crossed).toMatchObject({ code: 'NOT_FOUND' });
    expect((crossed as LatchkeyError).message).toBe(`before: no run ${globexRun}`);

    const malformed = await acme
      .listRuns({ before: 'not-a-run-id' })
      .catch((e: LatchkeyError) => e);
    expect(malformed).toMatchObject({ code: 'BAD_REQUEST' });
    expect((malformed as LatchkeyError).message).toMatch(/before/);
  });

  it('never lists another tenant runs, whatever the anchor', async () => {
    const globexRuns = (await globex.listRuns()).map((run) => run.runId);
    const all = (await allPages(acme, 2)).flat();
    for (const id of globexRuns) expect(all).not.toContain(id);
    expect(all).toHaveLength(started.length);
  });
});
