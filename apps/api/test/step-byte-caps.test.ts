import { LatchkeyClient } from '@latchkey/client';
import { createTenantDatabase, type TenantDatabase } from '@latchkey/devstack/tenant-db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { startTestWorker } from './worker-harness';

const CAP = 64 * 1024;

describe('a step whose SQL result or transform output passes its byte cap fails the run', () => {
  let api: TestApi;
  let warehouse: TenantDatabase;
  let server: LoopbackServer;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let acme: LatchkeyClient;

  beforeAll(async () => {
    api = await startTestApi();
    // The tenant's own database behind its own loopback port; steps reach it and the test
    // server only through the allowlist.
    warehouse = await createTenantDatabase();
    api.allowEgress(warehouse.tenantUrl);
    server = await startLoopbackServer((_req, res) => json(res, 200, { s: 'x'.repeat(1024) }));
    api.allowEgress(server.url);
    worker = await startTestWorker(api, {
      limits: { sqlMaxResultBytes: CAP, transformMaxOutputBytes: CAP },
    });
    acme = new LatchkeyClient({
      endpoint: api.url.replace(/\/trpc$/, ''),
      apiKey: (await api.createTenant('acme')).apiKey,
    });
    const url = new URL(warehouse.tenantUrl);
    await acme.upsertIntegration({
      id: 'warehouse',
      urlHost: `postgresql://${url.host}`,
      urlPath: url.pathname,
      auth: { type: 'database' },
      credentials: {
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password) || 'unused-pw',
      },
    });
    await acme.upsertIntegration({ id: 'svc', urlHost: server.url, auth: { type: 'none' } });
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await server?.close();
    await warehouse?.destroy();
    await api?.close();
  });

  it('SQL: 200 rows of 1 KiB against a 64 KiB cap', async () => {
    const run = await acme.executeWorkflow({
      workflow: {
        id: 'export',
        instruction: 'export everything',
        integrationIds: ['warehouse'],
        steps: [
          {
            id: 'dump',
            type: 'sql',
            integrationId: 'warehouse',
            sql: "select repeat('x', 1024) as blob from generate_series(1, 200)",
          },
        ],
      },
    });
    expect(run.status).toBe('failed');
    expect(run.error).toContain(
      `step "dump": query result is larger than ${CAP} bytes as JSON (the limit)`,
    );
    // Under the cap the same step works.
    const small = await acme.executeWorkflow({
      workflow: {
        id: 'export-small',
        instruction: 'export a little',
        integrationIds: ['warehouse'],
        steps: [
          {
            id: 'dump',
            type: 'sql',
            integrationId: 'warehouse',
            sql: "select repeat('x', 1024) as blob from generate_series(1, 20)",
          },
        ],
      },
    });
    expect(small.status).toBe('succeeded');
  }, 60_000);

  it('transform: an output of 100 KiB against a 64 KiB cap fails at once, without retries', async () => {
    const before = server.requests.length;
    const run = await acme.executeWorkflow({
      workflow: {
        id: 'amplify',
        instruction: 'repeat a field',
        integrationIds: ['svc'],
        steps: [
          {
            id: 'amplify',
            integrationId: 'svc',
            method: 'GET',
            path: '/one',
            transform: '[1..100].($$.result.s)',
          },
        ],
      },
    });
    expect(run.status).toBe('failed');
    expect(run.error).toContain(
      `step "amplify": JSONata transform output is larger than ${CAP} bytes as JSON (the limit)`,
    );
    expect(server.requests.length - before).toBe(1);
  }, 60_000);
});
