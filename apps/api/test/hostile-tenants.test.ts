import { LatchkeyClient } from '@latchkey/client';
import { insertWorkflowVersion } from '@latchkey/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { startTestWorker } from './worker-harness';

const QUOTA = 2;
const CATASTROPHIC = '^(a+)+$';

describe('a hostile tenant cannot stall the platform', () => {
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let target: LoopbackServer;
  let acme: LatchkeyClient;
  let globex: LatchkeyClient;
  let acmeTenantId: string;
  let acmeKey: string;
  let releaseSlow: () => void = () => {};
  let slowGate = Promise.resolve();

  beforeAll(async () => {
    api = await startTestApi({ limits: { maxUnfinishedRunsPerTenant: QUOTA } });
    worker = await startTestWorker(api);
    target = await startLoopbackServer(async (request, res) => {
      if (request.path === '/slow') await slowGate;
      if (request.path === '/aaa') {
        json(res, 200, `${'a'.repeat(Number(request.query.get('n') ?? 31))}!`);
        return;
      }
      json(res, 200, { ok: true });
    });
    api.allowEgress(target.url);
    const acmeTenant = await api.createTenant('acme');
    acmeTenantId = acmeTenant.tenantId;
    acmeKey = acmeTenant.apiKey;
    acme = new LatchkeyClient({ endpoint: api.publicUrl, apiKey: acmeTenant.apiKey });
    globex = new LatchkeyClient({
      endpoint: api.publicUrl,
      apiKey: (await api.createTenant('globex')).apiKey,
    });
    for (const client of [acme, globex]) {
      await client.upsertIntegration({ id: 'target', urlHost: target.url, auth: { type: 'none' } });
      await client.buildWorkflow({
        id: 'slow',
        instruction: 'one slow GET',
        integrationIds: ['target'],
        steps: [{ id: 'get', integrationId: 'target', method: 'GET', path: '/slow' }],
      });
    }
  }, 120_000);

  afterAll(async () => {
    releaseSlow();
    await worker?.stop();
    await target?.close();
    await api?.close();
  });

  const step = { id: 'get', integrationId: 'target', method: 'GET', path: '/aaa' } as const;

  it('a catastrophic inputSchema pattern: health answers within 1 s, the payload is refused by name', async () => {
    for (const payload of [`${'a'.repeat(31)}!`, `${'a'.repeat(200_000)}!`]) {
      // The expectation is attached at once: the refusal may arrive before health answers,
      // and a rejection nobody listens to yet is an unhandled error for vitest.
      const refused = expect(
        acme.executeWorkflow({
          workflow: {
            instruction: 'inline',
            integrationIds: ['target'],
            steps: [step],
            inputSchema: { type: 'string', pattern: CATASTROPHIC },
          },
          payload,
        }),
      ).rejects.toThrow(/payload: \/: must match pattern "\^\(a\+\)\+\$"/);
      const asked = performance.now();
      const health = await fetch(`${api.url}/health.check`);
      expect(health.status).toBe(200);
      expect(performance.now() - asked).toBeLessThan(1_000);
      await refused;
    }
    // A payload that matches is accepted, in linear time too.
    const run = await acme.executeWorkflow({
      workflow: {
        instruction: 'inline',
        integrationIds: ['target'],
        steps: [step],
        inputSchema: { type: 'string', pattern: CATASTROPHIC },
      },
      payload: 'a'.repeat(50_000),
    });
    expect(run.status).toBe('succeeded');
  }, 60_000);

  it('patterns RE2 cannot run, and oversized schemas, are refused naming where', async () => {
    const build = (inputSchema: Record<string, unknown>) =>
      acme.buildWorkflow({
        id: 'refused',
        instruction: 'never stored',
        integrationIds: ['target'],
        steps: [step],
        inputSchema,
      });
    await expect(
      build({ type: 'object', properties: { code: { type: 'string', pattern: '^(\\w)\\1$' } } }),
    ).rejects.toThrow(
      /inputSchema\.properties\.code\.pattern: .*not supported: only patterns that match in linear time/,
    );
    await expect(build({ type: 'string', description: 'x'.repeat(70_000) })).rejects.toThrow(
      /inputSchema: .*bytes of JSON.*LATCHKEY_SCHEMA_MAX_BYTES/,
    );
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 40; i++) deep = { items: deep };
    await expect(build(deep)).rejects.toThrow(
      /inputSchema\.items\.items.*LATCHKEY_SCHEMA_MAX_DEPTH/,
    );
  });

  it("the worker checks a run's output against a catastrophic pattern in linear time", async () => {
    await acme.buildWorkflow({
      id: 'aaa',
      instruction: 'a string the pattern almost matches',
      integrationIds: ['target'],
      steps: [{ ...step, query: { n: '100000' } }],
      responseSchema: { type: 'string', pattern: CATASTROPHIC },
    });
    const started = performance.now();
    const run = await acme.executeWorkflow({ workflowId: 'aaa', timeoutMs: 60_000 });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/output does not match responseSchema: \/: must match pattern/);
    expect(performance.now() - started).toBeLessThan(30_000);

    // A schema stored before patterns were checked (written straight to its table): the worker
    // refuses to run its pattern rather than falling back to a backtracking engine.
    await insertWorkflowVersion(api.db, acmeTenantId, 'legacy', {
      instruction: 'stored long ago',
      integrationIds: ['target'],
      steps: [step],
      inputSchema: null,
      responseSchema: { type: 'string', pattern: '^(a+)\\1$' },
    });
    const legacy = await acme.executeWorkflow({ workflowId: 'legacy', timeoutMs: 60_000 });
    expect(legacy.status).toBe('failed');
    expect(legacy.error).toMatch(/responseSchema: schema: pattern: pattern .* is not supported/);
  }, 90_000);

  it(`caps unfinished runs per tenant at ${QUOTA} (429 naming the limit); other tenants run on`, async () => {
    slowGate = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    const first = await Promise.all(
      Array.from({ length: QUOTA }, () =>
        acme.executeWorkflow({ workflowId: 'slow', wait: false }),
      ),
    );
    // Concurrent starts cannot all slip under the quota.
    const burst = await Promise.allSettled(
      Array.from({ length: 5 }, () => acme.executeWorkflow({ workflowId: 'slow', wait: false })),
    );
    expect(burst.every((r) => r.status === 'rejected')).toBe(true);
    const reason = String((burst[0] as PromiseRejectedResult).reason);
    expect(reason).toMatch(/Too many runs: this tenant has 2 unfinished runs/);
    expect(reason).toMatch(/LATCHKEY_MAX_UNFINISHED_RUNS_PER_TENANT/);
    const raw = await fetch(`${api.url}/runs.execute`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${acmeKey}`,
      },
      body: JSON.stringify({ workflowId: 'slow', wait: false }),
    });
    expect(raw.status).toBe(429);
    // A refused start leaves no run behind (its insert is rolled back with the quota check).
    const written = await acme.listRuns({ workflowId: 'slow' });
    expect(written.map((run) => run.runId).sort()).toEqual(first.map((run) => run.runId).sort());

    // Another tenant is not held back by acme's runs.
    const other = await globex.executeWorkflow({ workflowId: 'slow', wait: false });
    expect(other.status).not.toBe('failed');

    releaseSlow();
    const finished = async (client: LatchkeyClient, runId: string) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const { status } = await client.getRun(runId);
        if (status !== 'pending' && status !== 'running') return status;
        if (Date.now() > deadline) throw new Error(`run ${runId} did not finish`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    for (const run of first) expect(await finished(acme, run.runId)).toBe('succeeded');
    expect(await finished(globex, other.runId)).toBe('succeeded');
    const again = await acme.executeWorkflow({ workflowId: 'slow' });
    expect(again.status).toBe('succeeded');
  }, 120_000);
});
