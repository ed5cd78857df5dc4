import { LatchkeyClient } from '@latchkey/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { startTestWorker } from './worker-harness';

const CAP = 2;

describe('one tenant cannot starve the others', () => {
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let server: LoopbackServer;
  let noisy: LatchkeyClient;
  let quiet: LatchkeyClient;
  const inFlight = new Map<string, number>();
  const peak = new Map<string, number>();

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startTestWorker(api, { tenantActivityLimit: CAP });
    server = await startLoopbackServer(async (req, res) => {
      const tenant = String(req.headers['x-tenant']);
      inFlight.set(tenant, (inFlight.get(tenant) ?? 0) + 1);
      peak.set(tenant, Math.max(peak.get(tenant) ?? 0, inFlight.get(tenant) ?? 0));
      await new Promise((r) => setTimeout(r, tenant === 'noisy' ? 400 : 10));
      inFlight.set(tenant, (inFlight.get(tenant) ?? 1) - 1);
      json(res, 200, { tenant });
    });
    api.allowEgress(server.url);
    const endpoint = api.url.replace(/\/trpc$/, '');
    noisy = new LatchkeyClient({ endpoint, apiKey: (await api.createTenant('noisy')).apiKey });
    quiet = new LatchkeyClient({ endpoint, apiKey: (await api.createTenant('quiet')).apiKey });
    for (const [client, name] of [
      [noisy, 'noisy'],
      [quiet, 'quiet'],
    ] as const) {
      await client.upsertIntegration({ id: 'svc', urlHost: server.url, auth: { type: 'none' } });
      await client.buildWorkflow({
        id: 'call',
        instruction: 'one call',
        integrationIds: ['svc'],
        steps: [
          {
            id: 'call',
            integrationId: 'svc',
            method: 'GET',
            path: '/work',
            headers: { 'X-Tenant': name },
          },
        ],
      });
    }
  });
  afterAll(async () => {
    await worker?.stop();
    await server?.close();
    await api?.close();
  });

  it(`caps a tenant at ${CAP} concurrent activities while another tenant's run goes through`, async () => {
    const burst = Array.from({ length: 10 }, () =>
      noisy.executeWorkflow({ workflowId: 'call', timeoutMs: 60_000 }),
    );
    await new Promise((r) => setTimeout(r, 300));
    const quietStarted = Date.now();
    const quietRun = await quiet.executeWorkflow({ workflowId: 'call' });
    const quietMs = Date.now() - quietStarted;
    const noisyRuns = await Promise.all(burst);

    expect(quietRun.status).toBe('succeeded');
    expect(noisyRuns.every((r) => r.status === 'succeeded')).toBe(true);
    expect(peak.get('noisy')).toBe(CAP);
    // Ten 400 ms calls two at a time need two seconds; the quiet tenant did not wait for them.
    expect(quietMs).toBeLessThan(1_500);
  }, 60_000);
});
