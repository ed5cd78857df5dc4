import type { AppRouter } from '@latchkey/api';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { startTestWorker } from './worker-harness';

const STORED_TOKEN = 'inspect-stored-token-1212aaaa';
const RUNTIME_TOKEN = 'inspect-runtime-token-3434bbbb';
/** What the shop echoes under a secret-looking key: the run's page must not show it. */
const ECHOED = 'inspect-echoed-secret-5656cccc';
const INPUT_PASSWORD = 'inspect-input-password-7878dddd';
const SECRETS = [STORED_TOKEN, RUNTIME_TOKEN, ECHOED, INPUT_PASSWORD];

describe('runs.inspect: a run with its input and step results, decoded for its tenant', () => {
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let shop: LoopbackServer;
  let acme: ReturnType<TestApi['client']>;
  let globex: ReturnType<TestApi['client']>;

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startTestWorker(api);
    shop = await startLoopbackServer((req, res) => {
      const token = String(req.headers.authorization).replace('Bearer ', '');
      if (![STORED_TOKEN, RUNTIME_TOKEN].includes(token)) return json(res, 401, {});
      if (req.path === '/broken') return json(res, 404, { error: 'no such thing' });
      json(res, 200, { path: req.path, session: { secret: ECHOED }, items: [req.path] });
    });
    api.allowEgress(shop.url);
    acme = api.client((await api.createTenant('acme')).apiKey);
    globex = api.client((await api.createTenant('globex')).apiKey);
    await acme.integrations.upsert.mutate({
      id: 'shop',
      urlHost: shop.url,
      auth: { type: 'bearer', credential: 'token' },
      credentials: { token: STORED_TOKEN },
    });
    const step = (id: string, path: string) => ({ id, integrationId: 'shop', method: 'GET', path });
    for (const [id, steps] of [
      ['two', [step('list', '/orders'), step('detail', '/orders/1')]],
      ['one', [step('only', '/single')]],
      ['breaks', [step('first', '/first'), step('broken', '/broken'), step('never', '/never')]],
    ] as const) {
      await acme.workflows.build.mutate({
        id,
        instruction: id,
        integrationIds: ['shop'],
        steps: [...steps],
      });
    }
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await shop?.close();
    await api?.close();
  });

  /** The run once its workflow has closed (a waiting caller returns when the row is written). */
  async function finishedRun(workflowId: string, extra: Record<string, unknown> = {}) {
    const run = await acme.runs.execute.mutate({
      workflowId,
      payload: { customer: 'ada', password: INPUT_PASSWORD },
      ...extra,
    });
    const handle = (await api.temporal()).workflow.getHandle(run.temporal.workflowId);
    await handle.result().catch(() => undefined);
    return run;
  }

  function expectNoSecret(value: unknown) {
    const text = JSON.stringify(value);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).not.toContain('sealedRuntimeCredentials');
  }

  it('shows each step of a multi-step run with its result, and the input, redacted', async () => {
    const run = await finishedRun('two', { credentials: { shop_token: RUNTIME_TOKEN } });
    const inspected = await acme.runs.inspect.query({ runId: run.runId });
    expect(inspected.history).toBe('kept');
    expect(inspected.run).toMatchObject({ runId: run.runId, status: 'succeeded' });
    expect(inspected.input).toEqual({ customer: 'ada', password: '[redacted]' });
    expect(inspected.steps).toEqual([
      {
        stepId: 'list',
        integrationId: 'shop',
        request: { type: 'http', method: 'GET', path: '/orders' },
        status: 'succeeded',
        attempts: 1,
        durationMs: expect.any(Number),
        result: { path: '/orders', session: { secret: '[redacted]' }, items: ['/orders'] },
      },
      expect.objectContaining({
        stepId: 'detail',
        status: 'succeeded',
        result: expect.objectContaining({ path: '/orders/1' }),
      }),
    ]);
    expect(inspected.run.output).toEqual({
      path: '/orders/1',
      session: { secret: '[redacted]' },
      items: ['/orders/1'],
    });
    expectNoSecret(inspected);
  });

  it("reads a one-step run's result from its local activity", async () => {
    const run = await finishedRun('one');
    const inspected = await acme.runs.inspect.query({ runId: run.runId });
    expect(inspected.steps).toEqual([
      expect.objectContaining({
        stepId: 'only',
        status: 'succeeded',
        result: expect.objectContaining({ path: '/single' }),
      }),
    ]);
    expectNoSecret(inspected);
  });

  it('shows where a failed run stopped, and the steps it never ran', async () => {
    const run = await finishedRun('breaks');
    const inspected = await acme.runs.inspect.query({ runId: run.runId });
    expect(inspected.run.status).toBe('failed');
    expect(inspected.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['first', 'succeeded'],
      ['broken', 'failed'],
      ['never', 'not run'],
    ]);
    expect(inspected.steps[1]?.result).toBeNull();
    expectNoSecret(inspected);
  });

  it("answers NOT_FOUND for another tenant's run", async () => {
    const run = await finishedRun('one');
    const error = await globex.runs.inspect.query({ runId: run.runId }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data?.code).toBe('NOT_FOUND');
  });

  it('opens no payload sealed for another tenant, even from a row that points at its run', async () => {
    await globex.integrations.upsert.mutate({
      id: 'shop',
      urlHost: shop.url,
      auth: { type: 'bearer', credential: 'token' },
      credentials: { token: STORED_TOKEN },
    });
    await globex.workflows.build.mutate({
      id: 'theirs',
      instruction: 'theirs',
      integrationIds: ['shop'],
      steps: [{ id: 'list', integrationId: 'shop', method: 'GET', path: '/globex-orders' }],
    });
    const theirs = await globex.runs.execute.mutate({
      workflowId: 'theirs',
      payload: { note: 'globex-only-input' },
    });
    await (await api.temporal()).workflow.getHandle(theirs.temporal.workflowId).result();
    const ours = await finishedRun('two');
    // Workflow ids are unique among rows: globex's row steps aside for the forged one.
    await api.db
      .updateTable('runs')
      .set({ temporal_workflow_id: `${theirs.temporal.workflowId}:moved` })
      .where('id', '=', theirs.runId)
      .execute();
    await api.db
      .updateTable('runs')
      .set({ temporal_workflow_id: theirs.temporal.workflowId, temporal_run_id: null })
      .where('id', '=', ours.runId)
      .execute();
    const inspected = await acme.runs.inspect.query({ runId: ours.runId });
    expect(inspected.history).toBe('unavailable');
    expect(inspected.input).toBeNull();
    expect(inspected.steps.every((step) => step.result === null)).toBe(true);
    for (const theirData of ['globex-only-input', '/globex-orders']) {
      expect(JSON.stringify(inspected)).not.toContain(theirData);
    }
  });

  it('falls back to the run row once Temporal no longer keeps the history', async () => {
    const run = await finishedRun('two');
    // Past retention Temporal answers NOT_FOUND, as it does for an id it never had. (Deleting
    // the execution is queued behind the server's own workflows, too slowly for a test.)
    await api.db
      .updateTable('runs')
      .set({ temporal_workflow_id: `${run.temporal.workflowId}:expired` })
      .where('id', '=', run.runId)
      .execute();
    const inspected = await acme.runs.inspect.query({ runId: run.runId });
    expect(inspected.history).toBe('unavailable');
    expect(inspected.input).toBeNull();
    expect(inspected.steps.map((s) => [s.stepId, s.status, s.result])).toEqual([
      ['list', 'succeeded', null],
      ['detail', 'succeeded', null],
    ]);
    expect(inspected.run.output).toMatchObject({ session: { secret: '[redacted]' } });
    expectNoSecret(inspected);
  });
});
