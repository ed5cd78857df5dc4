import { LatchkeyClient } from '@latchkey/client';
import { createLogger } from '@latchkey/logger';
import type { ExecuteStepAndFinishInput, ExecuteStepAndFinishResult } from '@latchkey/temporal';
import { createActivities, TenantLimiter } from '@latchkey/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { startTestWorker } from './worker-harness';

/**
 * A one-step run's step is a local activity: Temporal records its result only with the workflow
 * task that ran it. When that task's worker dies (or Temporal is away) after the step called the
 * API and recorded the run's end, the task runs again elsewhere and the step with it. The
 * workflow then says the step may have run, and the activity answers from the run's row.
 */
describe('a one-step run whose workflow task is retried does not call the API again', () => {
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let target: LoopbackServer;
  let client: LatchkeyClient;
  let tenantId: string;

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startTestWorker(api);
    target = await startLoopbackServer((_req, res) => json(res, 200, { charged: 1 }));
    api.allowEgress(target.url);
    const tenant = await api.createTenant('acme');
    tenantId = tenant.tenantId;
    client = new LatchkeyClient({ endpoint: api.publicUrl, apiKey: tenant.apiKey });
    await client.upsertIntegration({ id: 'pay', urlHost: target.url, auth: { type: 'none' } });
    await client.buildWorkflow({
      id: 'charge',
      instruction: 'one POST',
      integrationIds: ['pay'],
      steps: [{ id: 'charge', integrationId: 'pay', method: 'POST', path: '/charges' }],
    });
  });

  afterAll(async () => {
    await worker?.stop();
    await target?.close();
    await api?.close();
  });

  it('answers a repeat from the recorded end, and only when the workflow says it may repeat', async () => {
    const run = await client.executeWorkflow({ workflowId: 'charge' });
    expect(run.status).toBe('succeeded');
    expect(target.requests).toHaveLength(1);

    const activities = createActivities({
      identity: 'repeat-test',
      db: api.db,
      vault: api.vault,
      egress: api.egress,
      log: createLogger('repeat-test', { level: 'silent' }),
      limiter: new TenantLimiter(10),
      requestTimeoutMs: 5_000,
    });
    const input: ExecuteStepAndFinishInput = {
      tenantId,
      runId: run.runId,
      userId: null,
      step: { id: 'charge', integrationId: 'pay', method: 'POST', path: '/charges' },
      variables: { input: null, steps: {} },
      sealedRuntimeCredentials: null,
      responseSchema: null,
      mayHaveRun: true,
    };
    const env = new MockActivityEnvironment({ isLocal: true });
    const repeated: ExecuteStepAndFinishResult = await env.run(
      activities.executeStepAndFinish,
      input,
    );
    expect(target.requests).toHaveLength(1);
    expect(repeated.result).toEqual({ charged: 1 });
    expect(repeated.finished).toEqual({ tenantId, ok: true, errors: [] });
    expect(repeated.stats.stepId).toBe('charge');

    // Without the hint (a first task, the hot path) nothing is read first: the call is made,
    // which is what the hint exists to prevent.
    await env.run(activities.executeStepAndFinish, { ...input, mayHaveRun: false });
    expect(target.requests).toHaveLength(2);
  });
});
