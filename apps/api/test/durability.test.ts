import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LatchkeyClient } from '@latchkey/client';
import { testServices } from '@latchkey/devstack/test-db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { waitFor } from './wait-for';

const WORKER_MAIN = fileURLToPath(new URL('../../worker/src/main.ts', import.meta.url));

/** The real worker binary in its own process, so the test can kill it like a crash would. */
function spawnWorker(api: TestApi): ChildProcess {
  const { temporalAddress, temporalNamespace } = testServices();
  return spawn(process.execPath, ['--import', 'tsx', WORKER_MAIN], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: api.dbUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: temporalNamespace,
      LATCHKEY_TASK_QUEUE: api.taskQueue,
      LATCHKEY_MASTER_KEYS: api.masterKeys,
      // The operator's allowlist, as a deployment sets it: the test's server, port by port.
      LATCHKEY_EGRESS_ALLOW: api.egress.rules.join(','),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

describe('durability: a worker dies in the middle of a run', () => {
  let api: TestApi;
  let server: LoopbackServer;
  let client: LatchkeyClient;
  const workers: ChildProcess[] = [];
  let releaseSlowStep: () => void = () => {};
  const slowStepReleased = new Promise<void>((resolve) => {
    releaseSlowStep = resolve;
  });

  beforeAll(async () => {
    api = await startTestApi();
    server = await startLoopbackServer(async (req, res) => {
      if (req.path === '/one') return json(res, 200, { value: 1 });
      if (req.path === '/two') {
        await slowStepReleased;
        return json(res, 200, { value: 2 });
      }
      if (req.path === '/three') return json(res, 200, { value: 3, seen: req.query.get('sum') });
      json(res, 404, {});
    });
    api.allowEgress(server.url);
    const { apiKey } = await api.createTenant('acme');
    client = new LatchkeyClient({ endpoint: api.url.replace(/\/trpc$/, ''), apiKey });
    await client.upsertIntegration({ id: 'svc', urlHost: server.url, auth: { type: 'none' } });
  });
  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await server?.close();
    await api?.close();
  });

  it('finishes on a new worker with the right result, repeating no finished step', async () => {
    await client.buildWorkflow({
      id: 'three-steps',
      instruction: 'three calls in a row',
      integrationIds: ['svc'],
      steps: [
        { id: 'one', integrationId: 'svc', method: 'GET', path: '/one' },
        { id: 'two', integrationId: 'svc', method: 'GET', path: '/two' },
        {
          id: 'three',
          integrationId: 'svc',
          method: 'GET',
          path: '/three',
          query: { sum: '<<steps.one.value>>' },
          transform:
            '{ "first": $.steps.one.value, "second": $.steps.two.value, "third": result.value, "echo": result.seen }',
        },
      ],
    });
    const first = spawnWorker(api);
    workers.push(first);
    const started = await client.executeWorkflow({ workflowId: 'three-steps', wait: false });
    await waitFor(
      () => server.requests.some((r) => r.path === '/two'),
      60_000,
      'step two to start',
    );

    // A crash, not a shutdown: the in-flight step is lost with the process.
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const second = spawnWorker(api);
    workers.push(second);
    releaseSlowStep();

    let run = await client.getRun(started.runId);
    const deadline = Date.now() + 90_000;
    while (run.status !== 'succeeded' && run.status !== 'failed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      run = await client.getRun(started.runId);
    }
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual({ first: 1, second: 2, third: 3, echo: '1' });
    const calls = (path: string) => server.requests.filter((r) => r.path === path).length;
    expect(calls('/one')).toBe(1);
    expect(calls('/three')).toBe(1);
    // Step two was cut off mid-flight, so it ran again on the new worker.
    expect(calls('/two')).toBe(2);
    second.kill('SIGTERM');
  }, 180_000);
});
