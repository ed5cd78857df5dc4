import { randomUUID } from 'node:crypto';
import { LatchkeyClient } from '@latchkey/client';
import { findRun, insertRun } from '@latchkey/db';
import { createDataConverter, type RunWorkflowInput, runWorkflowId } from '@latchkey/temporal';
import { bundleWorkflows } from '@latchkey/worker';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { startTestWorker } from './worker-harness';

describe('a one-step run records its end from its step', () => {
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let target: LoopbackServer;
  let client: LatchkeyClient;
  let tenantId: string;

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startTestWorker(api);
    target = await startLoopbackServer(async (request, res) => {
      if (request.path === '/slow') await new Promise((resolve) => setTimeout(resolve, 2_500));
      json(res, 200, { items: [1, 2, 3] });
    });
    api.allowEgress(target.url);
    const tenant = await api.createTenant('acme');
    tenantId = tenant.tenantId;
    client = new LatchkeyClient({ endpoint: api.publicUrl, apiKey: tenant.apiKey });
    await client.upsertIntegration({
      id: 'target',
      urlHost: target.url,
      auth: { type: 'bearer', credential: 'token' },
      credentials: { token: 'one-step-token-5555' },
    });
    await buildOneCall({ type: 'object', required: ['items'] });
  });

  afterAll(async () => {
    await worker?.stop();
    await target?.close();
    await api?.close();
  });

  /** A new version of the one-step workflow, whose answer must match `responseSchema`. */
  const buildOneCall = (responseSchema: Record<string, unknown>) =>
    client.buildWorkflow({
      id: 'one-call',
      instruction: 'one GET',
      integrationIds: ['target'],
      steps: [{ id: 'get', integrationId: 'target', method: 'GET', path: '/items' }],
      responseSchema,
    });

  /** The history once the workflow has closed: a waiting caller returns when the row is written. */
  const historyOf = async (workflowId: string) => {
    const handle = (await api.temporal()).workflow.getHandle(workflowId);
    await handle.result().catch(() => undefined);
    return handle.fetchHistory();
  };
  type HistoryEvent = NonNullable<Awaited<ReturnType<typeof historyOf>>['events']>[number];
  const count = (
    history: Awaited<ReturnType<typeof historyOf>>,
    kind: 'markerRecordedEventAttributes' | 'workflowTaskCompletedEventAttributes',
  ) => history.events?.filter((event: HistoryEvent) => event[kind] != null).length ?? 0;

  it('in one local activity and one workflow task, and replays deterministically', async () => {
    const run = await client.executeWorkflow({ workflowId: 'one-call' });
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual({ items: [1, 2, 3] });
    const history = await historyOf(run.temporal.workflowId);
    expect(count(history, 'markerRecordedEventAttributes')).toBe(1);
    expect(count(history, 'workflowTaskCompletedEventAttributes')).toBe(1);

    // A run started before steps recorded the end (no singleStepRecordsEnd) still takes, and
    // replays, the step-then-finishRun path.
    const runId = randomUUID();
    const workflowId = runWorkflowId(tenantId, 'one-call', runId);
    await insertRun(api.db, {
      id: runId,
      tenantId,
      workflowId: 'one-call',
      workflowVersion: 1,
      userId: null,
      temporalWorkflowId: workflowId,
    });
    const input: RunWorkflowInput = {
      tenantId,
      runId,
      workflowId: 'one-call',
      workflowVersion: 1,
      userId: null,
      steps: [{ id: 'get', integrationId: 'target', method: 'GET', path: '/items' }],
      payload: null,
      responseSchema: null,
      sealedRuntimeCredentials: null,
      singleStepRunsLocally: true,
    };
    await (await api.temporal()).workflow.execute('runWorkflow', {
      taskQueue: api.taskQueue,
      workflowId,
      args: [input],
    });
    expect((await findRun(api.db, tenantId, runId))?.status).toBe('succeeded');
    const older = await historyOf(workflowId);
    expect(count(older, 'markerRecordedEventAttributes')).toBe(2);

    const replays = Worker.runReplayHistories(
      {
        workflowBundle: await bundleWorkflows(),
        dataConverter: createDataConverter({ vault: api.vault }),
      },
      [
        { workflowId: run.temporal.workflowId, history },
        { workflowId, history: older },
      ],
    );
    for await (const result of replays) expect(result.error).toBeUndefined();
  }, 60_000);

  it('marks a waited-on run running only once it lasts; its Temporal run id is kept either way', async () => {
    const temporalRunIdOf = async (workflowId: string) =>
      (await (await api.temporal()).workflow.getHandle(workflowId).describe()).runId;
    // A quick run goes from pending to its end; the end records the Temporal run id.
    const quick = await client.executeWorkflow({ workflowId: 'one-call' });
    expect(quick.status).toBe('succeeded');
    expect(quick.temporal.runId).toBe(await temporalRunIdOf(quick.temporal.workflowId));

    await client.buildWorkflow({
      id: 'slow-call',
      instruction: 'one slow GET',
      integrationIds: ['target'],
      steps: [{ id: 'get', integrationId: 'target', method: 'GET', path: '/slow' }],
    });
    const waiting = client.executeWorkflow({ workflowId: 'slow-call' });
    let during: Awaited<ReturnType<typeof client.listRuns>>[number] | undefined;
    for (const deadline = Date.now() + 10_000; !during && Date.now() < deadline; ) {
      const [run] = await client.listRuns({ workflowId: 'slow-call' });
      if (run?.status === 'running') during = run;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const slow = await waiting;
    expect(during?.temporal.runId).toBe(await temporalRunIdOf(slow.temporal.workflowId));
    expect(slow).toMatchObject({ status: 'succeeded', temporal: during?.temporal });

    // A wait shorter than the mark's delay ends first: the run still going is marked then.
    const unfinished = await client.executeWorkflow({ workflowId: 'slow-call', timeoutMs: 200 });
    expect(unfinished.status).toBe('running');
    expect(unfinished.temporal.runId).toBe(await temporalRunIdOf(unfinished.temporal.workflowId));
    await historyOf(unfinished.temporal.workflowId);
    expect((await client.getRun(unfinished.runId)).status).toBe('succeeded');
  }, 30_000);

  it('fails the run when the output breaks the response schema, recorded by the step', async () => {
    await buildOneCall({ type: 'object', required: ['customers'] });
    const run = await client.executeWorkflow({ workflowId: 'one-call' });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/responseSchema/);
    expect(run.error).toMatch(/customers/);
    const history = await historyOf(run.temporal.workflowId);
    expect(count(history, 'markerRecordedEventAttributes')).toBe(1);
  });
});
