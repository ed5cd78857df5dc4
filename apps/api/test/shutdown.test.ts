import { request } from 'node:http';
import { LatchkeyClient } from '@latchkey/client';
import { buildApps } from '@latchkey/devstack/built-apps';
import { testServices } from '@latchkey/devstack/test-db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { type AppProcess, listeningOrigin, spawnApp, stopApp, waitUntilReady } from './processes';
import { scrape, sumOf } from './prometheus';
import { waitFor } from './wait-for';

/** A gate the target holds a request at until the test opens it. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** Whether a fresh TCP connection to the port is refused (the listener is closed). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    request({ host: '127.0.0.1', port, path: '/healthz', agent: false })
      .on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'))
      .on('response', (res) => {
        res.resume();
        resolve(false);
      })
      .end();
  });
}

describe('SIGTERM drains the api and the worker, as real processes', () => {
  let api: TestApi;
  let target: LoopbackServer;
  let client: LatchkeyClient;
  const processes: AppProcess[] = [];
  const workerGate = gate();
  const apiGate = gate();
  let apiPort: number;

  const common = () => {
    const { temporalAddress, temporalNamespace } = testServices();
    return {
      DATABASE_URL: api.dbUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: temporalNamespace,
      LATCHKEY_TASK_QUEUE: api.taskQueue,
      LATCHKEY_MASTER_KEYS: api.masterKeys,
      // Steps reach the test's target server, and only its port.
      LATCHKEY_EGRESS_ALLOW: `127.0.0.1:${new URL(target.url).port}`,
      LOG_LEVEL: 'info',
    };
  };
  const startWorker = async (name: string) => {
    const worker = spawnApp(
      'worker',
      {
        ...common(),
        // Any free port, reported in the worker's start-up line.
        LATCHKEY_WORKER_HTTP_PORT: '0',
        LATCHKEY_WORKER_SHUTDOWN_GRACE_MS: '30000',
      },
      { name, built: true },
    );
    processes.push(worker);
    const url = await listeningOrigin(worker, 'worker');
    await waitUntilReady(worker, `${url}/readyz`);
    return { worker, url };
  };

  beforeAll(async () => {
    // Built processes, as production runs them (turbo's cache makes this quick under pnpm test).
    await buildApps(['api', 'worker']);
    api = await startTestApi();
    target = await startLoopbackServer(async (req, res) => {
      if (req.path === '/held-by-worker-test') await workerGate.opened;
      if (req.path === '/held-by-api-test') await apiGate.opened;
      json(res, 200, { path: req.path });
    });
    const apiProcess = spawnApp(
      'api',
      {
        ...common(),
        HOST: '127.0.0.1',
        PORT: '0',
        LATCHKEY_SHUTDOWN_GRACE_MS: '30000',
      },
      { built: true },
    );
    processes.push(apiProcess);
    const apiUrl = await listeningOrigin(apiProcess, 'api');
    apiPort = Number(new URL(apiUrl).port);
    const { apiKey } = await api.createTenant('acme');
    client = new LatchkeyClient({ endpoint: apiUrl, apiKey });
    await waitUntilReady(apiProcess, `${apiUrl}/healthz`);
    await client.upsertIntegration({ id: 'svc', urlHost: target.url, auth: { type: 'none' } });
    await client.buildWorkflow({
      id: 'two-steps',
      instruction: 'a held step, then another',
      integrationIds: ['svc'],
      steps: [
        { id: 'held', integrationId: 'svc', method: 'GET', path: '/held-by-worker-test' },
        { id: 'after', integrationId: 'svc', method: 'GET', path: '/after' },
      ],
    });
    await client.buildWorkflow({
      id: 'held-by-api',
      instruction: 'one held step',
      integrationIds: ['svc'],
      steps: [{ id: 'held', integrationId: 'svc', method: 'GET', path: '/held-by-api-test' }],
    });
  }, 600_000);

  afterAll(async () => {
    workerGate.open();
    apiGate.open();
    for (const proc of processes) await stopApp(proc);
    await target?.close();
    await api?.close();
  });

  it('the worker finishes its activity in flight, says draining, and exits 0', async () => {
    const first = await startWorker('worker-1');
    const sdkMetrics = await scrape(`${first.url}/metrics`);
    // The Temporal SDK's own metrics come through the same scrape as ours.
    expect(sdkMetrics.some((s) => s.name.startsWith('temporal_'))).toBe(true);
    expect(
      sumOf(sdkMetrics, 'latchkey_process_cpu_seconds_total', { app: 'worker' }),
    ).toBeGreaterThan(0);

    const run = await client.executeWorkflow({ workflowId: 'two-steps', wait: false });
    const calls = (path: string) => target.requests.filter((r) => r.path === path).length;
    await waitFor(() => calls('/held-by-worker-test') === 1, 60_000, 'the held step to start');

    first.worker.child.kill('SIGTERM');
    // Still alive, no longer ready: a balancer or orchestrator sees it going.
    await waitFor(() => first.worker.output().includes('worker draining'), 10_000, 'draining log');
    let readyz = 0;
    for (let i = 0; i < 50 && readyz !== 503; i++) {
      readyz = await fetch(`${first.url}/readyz`).then((r) => r.status);
      if (readyz !== 503) await new Promise((r) => setTimeout(r, 100));
    }
    expect(readyz).toBe(503);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);

    workerGate.open();
    const exit = await first.worker.exited;
    expect(exit).toEqual({ code: 0, signal: null });

    // The next step needs a worker: another one takes the run over; the held step is not redone.
    const second = await startWorker('worker-2');
    let status = (await client.getRun(run.runId)).status;
    const deadline = Date.now() + 90_000;
    while (status !== 'succeeded' && status !== 'failed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await client.getRun(run.runId)).status;
    }
    expect(status).toBe('succeeded');
    expect(calls('/held-by-worker-test')).toBe(1);
    expect(calls('/after')).toBe(1);
    const after = await scrape(`${second.url}/metrics`);
    expect(sumOf(after, 'latchkey_step_attempts_total', { outcome: 'succeeded' })).toBe(1);
    expect(sumOf(after, 'latchkey_runs_finished_total', { status: 'succeeded' })).toBe(1);
  }, 240_000);

  it('the api takes no new connections but answers the request in flight, then exits 0', async () => {
    const apiProcess = processes[0] as AppProcess;
    const inFlight = client.executeWorkflow({ workflowId: 'held-by-api', timeoutMs: 60_000 });
    await waitFor(
      () => target.requests.some((r) => r.path === '/held-by-api-test'),
      60_000,
      'the held step to start',
    );
    apiProcess.child.kill('SIGTERM');
    await waitFor(() => apiProcess.output().includes('api stopping'), 10_000, 'stopping log');
    expect(await refused(apiPort)).toBe(true);
    expect(apiProcess.running()).toBe(true);

    apiGate.open();
    const result = await inFlight;
    expect(result.status).toBe('succeeded');
    expect(result.output).toEqual({ path: '/held-by-api-test' });
    expect(await apiProcess.exited).toEqual({ code: 0, signal: null });
  }, 120_000);
});
