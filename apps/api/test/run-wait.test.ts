import { LatchkeyClient } from '@latchkey/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { waitFor } from './wait-for';
import { startTestWorker } from './worker-harness';

describe('runs.execute with wait', () => {
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let slow: LoopbackServer;
  let client: LatchkeyClient;
  let releaseSlow: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    releaseSlow = resolve;
  });

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startTestWorker(api);
    slow = await startLoopbackServer(async (_request, res) => {
      await released;
      json(res, 200, { ok: true });
    });
    client = new LatchkeyClient({
      endpoint: api.url.replace(/\/trpc$/, ''),
      apiKey: (await api.createTenant('acme')).apiKey,
    });
    await client.upsertIntegration({
      id: 'slow',
      urlHost: slow.url,
      auth: { type: 'bearer', credential: 'token' },
      credentials: { token: 'slow-token-0000' },
    });
    await client.buildWorkflow({
      id: 'hangs',
      instruction: 'one call that does not answer',
      integrationIds: ['slow'],
      steps: [{ id: 'call', integrationId: 'slow', method: 'GET', path: '/hang' }],
    });
  });

  afterAll(async () => {
    releaseSlow();
    await worker?.stop();
    await slow?.close();
    await api?.close();
  });

  it('returns soon after a run is terminated in Temporal, with the end recorded and its run key gone', async () => {
    const started = Date.now();
    const waiting = client.executeWorkflow({
      workflowId: 'hangs',
      wait: true,
      timeoutMs: 60_000,
      credentials: { slow_token: 'slow-runtime-token-1111' },
    });
    await waitFor(() => slow.requests.length > 0, 30_000, 'the step to call the server');
    const [run] = await client.listRuns({ workflowId: 'hangs' });
    expect(run?.status).toBe('running');
    const runKeys = () =>
      api.db
        .selectFrom('run_keys')
        .select('run_id')
        .where('run_id', '=', String(run?.runId))
        .execute();
    expect(await runKeys()).toHaveLength(1);
    const temporal = await api.temporal();
    await temporal.workflow
      .getHandle(String(run?.temporal.workflowId))
      .terminate('terminated by the test');

    const returned = await waiting;
    // The workflow never ran its bookkeeping: the wait's check with Temporal finds the end and
    // records it, which also destroys the runtime credentials' key.
    expect(returned.runId).toBe(run?.runId);
    expect(returned.status).toBe('failed');
    expect(returned.error).toBe('the run was terminated in Temporal');
    expect(returned.finishedAt).not.toBeNull();
    expect(await runKeys()).toEqual([]);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
