import { LatchkeyClient } from '@latchkey/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { startTestWorker } from './worker-harness';

/**
 * A step's retry after a 429 waits as the integration's catalogue template says: Vercel's
 * template declares X-RateLimit-Reset in epoch seconds, which a loopback server stands in for.
 */
describe('the HTTP step retries when the template’s rate-limit headers say', () => {
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let server: LoopbackServer;
  let client: LatchkeyClient;
  const calls: number[] = [];

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startTestWorker(api);
    server = await startLoopbackServer((req, res) => {
      if (req.path !== '/v9/projects') return json(res, 404, {});
      calls.push(Date.now());
      if (calls.length > 1) return json(res, 200, { projects: [] });
      // No Retry-After: only the template's rule gives the wait (3 s from the next whole second).
      const reset = Math.ceil(Date.now() / 1000) + 3;
      return json(
        res,
        429,
        { error: 'rate limited' },
        { 'X-RateLimit-Reset': String(reset), 'X-RateLimit-Remaining': '0' },
      );
    });
    api.allowEgress(server.url);
    const { apiKey } = await api.createTenant('acme');
    client = new LatchkeyClient({ endpoint: api.url.replace(/\/trpc$/, ''), apiKey });
    await client.upsertIntegration({
      id: 'vercel',
      templateId: 'vercel',
      urlHost: server.url,
      credentials: { access_token: 'vercel-token-value-1234' },
    });
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
    await server?.close();
    await api?.close();
  });

  it('waits for X-RateLimit-Reset (epoch seconds) instead of the 1 s default', async () => {
    const run = await client.executeWorkflow({
      workflow: {
        instruction: 'list projects',
        integrationIds: ['vercel'],
        steps: [{ id: 'projects', integrationId: 'vercel', method: 'GET', path: '/v9/projects' }],
      },
    });
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual({ projects: [] });
    expect(calls).toHaveLength(2);
    const [first = 0, second = 0] = calls;
    // The reset was more than 2 s away; without the template's rule the retry comes after 1 s.
    expect(second - first).toBeGreaterThanOrEqual(2_000);
  }, 60_000);
});
