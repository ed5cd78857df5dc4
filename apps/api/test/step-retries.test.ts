import { LatchkeyClient } from '@latchkey/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { startTestWorker } from './worker-harness';

const API_KEY = 'flaky-api-key-5555eeee';

describe('step failures: retries, fail-fast and response schema', () => {
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let server: LoopbackServer;
  let client: LatchkeyClient;
  const flakyScript = [503, 503, 429, 200];

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startTestWorker(api);
    let flakyCalls = 0;
    server = await startLoopbackServer((req, res) => {
      if (req.path === '/flaky') {
        const status = flakyScript[Math.min(flakyCalls++, flakyScript.length - 1)] ?? 200;
        if (status === 200) return json(res, 200, { ok: true, calls: flakyCalls });
        if (status === 429) return json(res, 429, { error: 'slow down' }, { 'retry-after': '1' });
        return json(res, status, { error: 'unavailable' });
      }
      if (req.path === '/missing')
        return json(res, 404, { error: `no such thing (key ${API_KEY})` });
      if (req.path === '/wrong-shape') return json(res, 200, { items: 'not-an-array' });
      json(res, 500, {});
    });
    api.allowEgress(server.url);
    const { apiKey } = await api.createTenant('acme');
    client = new LatchkeyClient({ endpoint: api.url.replace(/\/trpc$/, ''), apiKey });
    await client.upsertIntegration({
      id: 'svc',
      urlHost: server.url,
      auth: { type: 'query', name: 'api_key', credential: 'api_key' },
      credentials: { api_key: API_KEY },
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await server?.close();
    await api?.close();
  });

  const oneStep = (path: string, extra: Record<string, unknown> = {}) => ({
    workflow: {
      instruction: `call ${path}`,
      integrationIds: ['svc'],
      steps: [{ id: 'call', integrationId: 'svc', method: 'GET', path }],
      ...extra,
    },
  });

  it('retries 503 twice with backoff and a 429 after its Retry-After, then succeeds', async () => {
    const started = Date.now();
    const run = await client.executeWorkflow(oneStep('/flaky'));
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual({ ok: true, calls: 4 });
    expect(run.stepStats[0]).toMatchObject({ stepId: 'call', attempts: 4 });
    expect(server.requests.filter((r) => r.path === '/flaky')).toHaveLength(4);
    // The 429 asked for one second; the run cannot have finished sooner.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  it('fails a 404 at once with a redacted message naming the step', async () => {
    const run = await client.executeWorkflow(oneStep('/missing'));
    expect(run.status).toBe('failed');
    expect(server.requests.filter((r) => r.path === '/missing')).toHaveLength(1);
    expect(run.error).toMatch(/step "call"/);
    expect(run.error).toMatch(/404/);
    expect(run.error).not.toContain(API_KEY);
    expect(api.logs()).not.toContain(API_KEY);
  });

  it('fails a run whose output breaks the response schema, listing the errors', async () => {
    const run = await client.executeWorkflow(
      oneStep('/wrong-shape', {
        responseSchema: {
          type: 'object',
          required: ['items'],
          properties: { items: { type: 'array' } },
        },
      }),
    );
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/does not match responseSchema/);
    expect(run.error).toMatch(/\/items: must be array/);
    expect(run.output).toBeNull();
  });
});
