import { randomUUID } from 'node:crypto';
import { LatchkeyClient } from '@latchkey/client';
import { findRun, insertRun } from '@latchkey/db';
import { type SweepReport, startRunReconciler, sweepUnfinishedRuns } from '@latchkey/temporal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { waitFor } from './wait-for';
import { startTestWorker } from './worker-harness';

const RUNTIME_TOKEN = 'reconciler-runtime-token-7777';

describe('runs that end in Temporal without their own bookkeeping are recorded as ended', () => {
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let slow: LoopbackServer;
  let releaseSlow: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    releaseSlow = resolve;
  });
  const tenants: Record<string, { tenantId: string; client: LatchkeyClient }> = {};
  // One run per page, so every sweep of two runs also crosses a page boundary.
  const sweep = (graceMs: number) =>
    sweepUnfinishedRuns({ db: api.db, temporal: api.temporal }, { graceMs, pageSize: 1 });
  const runKeys = (runId: string) =>
    api.db.selectFrom('run_keys').select('run_id').where('run_id', '=', runId).execute();
  /** A row as the api writes it just before starting the workflow, which never happens. */
  const insertNeverStartedRun = async (tenantId: string) => {
    const runId = randomUUID();
    await insertRun(api.db, {
      id: runId,
      tenantId,
      workflowId: 'hangs',
      workflowVersion: 1,
      userId: null,
      temporalWorkflowId: `run:acme:hangs:${runId}`,
    });
    return runId;
  };

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startTestWorker(api);
    slow = await startLoopbackServer(async (_request, res) => {
      await released;
      json(res, 200, { ok: true });
    });
    api.allowEgress(slow.url);
    for (const name of ['acme', 'globex']) {
      const { tenantId, apiKey } = await api.createTenant(name);
      const client = new LatchkeyClient({ endpoint: api.publicUrl, apiKey });
      await client.upsertIntegration({
        id: 'slow',
        urlHost: slow.url,
        auth: { type: 'bearer', credential: 'token' },
      });
      await client.buildWorkflow({
        id: 'hangs',
        instruction: 'one call that does not answer',
        integrationIds: ['slow'],
        steps: [{ id: 'call', integrationId: 'slow', method: 'GET', path: '/hang' }],
      });
      tenants[name] = { tenantId, client };
    }
  });

  afterAll(async () => {
    releaseSlow();
    await worker?.stop();
    await slow?.close();
    await api?.close();
  });

  it('finishes a terminated run and destroys its key, and leaves running runs alone, of any tenant', async () => {
    const acme = tenants.acme!;
    const globex = tenants.globex!;
    const start = (tenant: typeof acme) =>
      tenant.client.executeWorkflow({
        workflowId: 'hangs',
        wait: false,
        credentials: { slow_token: RUNTIME_TOKEN },
      });
    const acmeRun = await start(acme);
    const globexRun = await start(globex);
    await waitFor(() => slow.requests.length >= 2, 30_000, 'both steps to call the server');
    expect(await runKeys(acmeRun.runId)).toHaveLength(1);

    // Nothing has ended yet: a sweep checks both runs and changes nothing.
    expect(await sweep(0)).toEqual({ checked: 2, finished: 0, failed: 0 });
    expect((await acme.client.getRun(acmeRun.runId)).status).toBe('running');

    const temporal = await api.temporal();
    await temporal.workflow.getHandle(acmeRun.temporal.workflowId).terminate('by the test');
    expect(await sweep(0)).toEqual({ checked: 2, finished: 1, failed: 0 });

    const ended = await acme.client.getRun(acmeRun.runId);
    expect(ended.status).toBe('failed');
    expect(ended.error).toBe('the run was terminated in Temporal');
    expect(await runKeys(acmeRun.runId)).toEqual([]);
    // The other tenant's run is still going, with its key, and is not another tenant's to see.
    expect((await globex.client.getRun(globexRun.runId)).status).toBe('running');
    expect(await runKeys(globexRun.runId)).toHaveLength(1);
    await expect(acme.client.getRun(globexRun.runId)).rejects.toThrow(/No run/);

    // A second sweep finds only the run still going.
    expect(await sweep(0)).toEqual({ checked: 1, finished: 0, failed: 0 });
    await temporal.workflow.getHandle(globexRun.temporal.workflowId).terminate('by the test');
    expect(await sweep(0)).toEqual({ checked: 1, finished: 1, failed: 0 });
    expect(await runKeys(globexRun.runId)).toEqual([]);
  }, 60_000);

  it('fails a run that was never started in Temporal, once it is older than the grace period', async () => {
    const { tenantId } = tenants.acme!;
    const runId = await insertNeverStartedRun(tenantId);
    // Young rows may still be on their way to Temporal.
    expect(await sweep(60_000)).toEqual({ checked: 0, finished: 0, failed: 0 });
    expect((await findRun(api.db, tenantId, runId))?.finished_at).toBeNull();

    expect(await sweep(0)).toEqual({ checked: 1, finished: 1, failed: 0 });
    const row = await findRun(api.db, tenantId, runId);
    expect(row?.status).toBe('failed');
    expect(row?.error).toBe('the run was never started in Temporal');
  }, 60_000);

  it('sweeps on its own every interval, as each worker runs it, until stopped', async () => {
    const { tenantId } = tenants.acme!;
    const runId = await insertNeverStartedRun(tenantId);
    const reports: SweepReport[] = [];
    const reconciler = startRunReconciler(
      { db: api.db, temporal: api.temporal },
      { intervalMs: 100, graceMs: 0, onSweep: (report) => reports.push(report) },
    );
    try {
      await waitFor(() => reports.some((r) => r.finished === 1), 10_000, 'a sweep to finish it');
    } finally {
      await reconciler.stop();
    }
    expect((await findRun(api.db, tenantId, runId))?.status).toBe('failed');
    const sweeps = reports.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(reports).toHaveLength(sweeps);
  });

  it('a waiting runs.execute returns soon after its run is terminated, with the end recorded and its key gone', async () => {
    const { client } = tenants.acme!;
    const requestsBefore = slow.requests.length;
    const started = Date.now();
    const waiting = client.executeWorkflow({
      workflowId: 'hangs',
      wait: true,
      timeoutMs: 60_000,
      credentials: { slow_token: RUNTIME_TOKEN },
    });
    await waitFor(
      () => slow.requests.length > requestsBefore,
      30_000,
      'the step to call the server',
    );
    // Waited on, it is marked running after its first second; before, it is still pending.
    const run = (await client.listRuns({ workflowId: 'hangs' })).find(
      (listed) => listed.status === 'pending' || listed.status === 'running',
    );
    expect(run?.finishedAt).toBeNull();
    expect(await runKeys(String(run?.runId))).toHaveLength(1);
    const temporal = await api.temporal();
    await temporal.workflow.getHandle(String(run?.temporal.workflowId)).terminate('by the test');

    const returned = await waiting;
    // The workflow never ran its bookkeeping: the wait's check with Temporal finds the end and
    // records it, which also destroys the runtime credentials' key.
    expect(returned.runId).toBe(run?.runId);
    expect(returned.status).toBe('failed');
    expect(returned.error).toBe('the run was terminated in Temporal');
    expect(returned.finishedAt).not.toBeNull();
    expect(await runKeys(String(run?.runId))).toEqual([]);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 60_000);
});
