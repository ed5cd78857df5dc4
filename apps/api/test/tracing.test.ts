/**
 * OpenTelemetry tracing of the built processes: on when OTEL_EXPORTER_OTLP_ENDPOINT names a
 * collector (here an OTLP/HTTP receiver on loopback, in this test), off by default. On, one run
 * is one trace from the api's request through the workflow start, the workflow (from the
 * worker's prebuilt bundle) and its activities; no secret, key or end-user id is in any span.
 * Off, nothing is sent.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTenant } from '@latchkey/api';
import { LatchkeyClient } from '@latchkey/client';
import { createDb, type Db } from '@latchkey/db';
import { buildApps } from '@latchkey/devstack/built-apps';
import { createTestDatabase, type TestDatabase, testServices } from '@latchkey/devstack/test-db';
import { createVault, generateMasterKey, parseMasterKeys, type Vault } from '@latchkey/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { type AppProcess, listeningOrigin, spawnApp, stopApp, waitUntilReady } from './processes';

const TOKEN = `tok-secret-${randomBytes(8).toString('hex')}`;
const USER_ID = `end-user-${randomBytes(4).toString('hex')}@example.com`;
const PAYLOAD_SECRET = `payload-secret-${randomBytes(6).toString('hex')}`;

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Array<{ key: string }>;
}

/** An OTLP/HTTP (JSON) trace receiver: what a collector's `otlp` receiver on :4318 takes. */
async function startOtlpReceiver() {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const spans = (): ReceivedSpan[] =>
    bodies.flatMap((body) => {
      const request = JSON.parse(body) as {
        resourceSpans: Array<{
          resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
          scopeSpans: Array<{ spans: Array<Omit<ReceivedSpan, 'service'>> }>;
        }>;
      };
      return request.resourceSpans.flatMap((rs) => {
        const service =
          rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        return rs.scopeSpans.flatMap((ss) =>
          ss.spans.map((s) => ({
            service,
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId || undefined,
            name: s.name,
            attributes: s.attributes ?? [],
          })),
        );
      });
    });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => bodies.length,
    raw: () => bodies.join('\n'),
    spans,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('OpenTelemetry tracing of the built api and worker', () => {
  let testDb: TestDatabase;
  let db: Db;
  let vault: Vault;
  let masterKeys: string;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let target: LoopbackServer;
  const processes: AppProcess[] = [];

  beforeAll(async () => {
    await buildApps(['api', 'worker']);
    testDb = await createTestDatabase();
    db = createDb({ connectionString: testDb.url, max: 2 });
    masterKeys = generateMasterKey('tracing');
    vault = await createVault({ db, keyring: parseMasterKeys(masterKeys) });
    receiver = await startOtlpReceiver();
    target = await startLoopbackServer((req, res) => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(res, 401, {});
      json(res, 200, { path: req.path, n: req.query.get('n') });
    });
  }, 900_000);
  afterAll(async () => {
    await Promise.all(processes.map((p) => stopApp(p)));
    await receiver?.close();
    await target?.close();
    vault?.close();
    await db?.destroy();
    await testDb?.destroy();
  });

  /** An api and a worker on their own task queue; `tracing` adds the collector's variables. */
  async function startPair(name: string, tracing: Record<string, string>) {
    const { temporalAddress, temporalNamespace } = testServices();
    const env = {
      DATABASE_URL: testDb.url,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: temporalNamespace,
      LATCHKEY_TASK_QUEUE: `latchkey-tracing-${name}-${randomBytes(3).toString('hex')}`,
      LATCHKEY_MASTER_KEYS: masterKeys,
      // Everything on loopback: the target is reachable, the platform's own services are not.
      LATCHKEY_EGRESS_ALLOW: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...tracing,
    };
    const worker = spawnApp(
      'worker',
      { ...env, LATCHKEY_WORKER_HTTP_PORT: '0', LATCHKEY_RUN_RECONCILE_INTERVAL_MS: '0' },
      { name: `worker-${name}`, built: true },
    );
    const api = spawnApp(
      'api',
      { ...env, HOST: '127.0.0.1', PORT: '0' },
      {
        name: `api-${name}`,
        built: true,
      },
    );
    processes.push(worker, api);
    const [apiUrl, workerUrl] = await Promise.all([
      listeningOrigin(api, 'api'),
      listeningOrigin(worker, 'worker'),
    ]);
    await Promise.all([
      waitUntilReady(api, `${apiUrl}/readyz`),
      waitUntilReady(worker, `${workerUrl}/readyz`),
    ]);
    const tenant = await createTenant(db, vault, { name: `tracing-${name}`, actor: 'test' });
    const client = new LatchkeyClient({ endpoint: apiUrl, apiKey: tenant.apiKey.key });
    await client.upsertIntegration({
      id: 'target',
      urlHost: target.url,
      auth: { type: 'bearer', credential: 'token' },
      credentials: { token: TOKEN },
    });
    await client.buildWorkflow({
      id: 'two-steps',
      instruction: 'two calls',
      integrationIds: ['target'],
      steps: [
        {
          id: 'a',
          integrationId: 'target',
          method: 'GET',
          path: '/a',
          query: { n: '<<input.n>>' },
        },
        {
          id: 'b',
          integrationId: 'target',
          method: 'GET',
          path: '/b',
          query: { n: '<<steps.a.n>>' },
        },
      ],
    });
    return { api, worker, client, apiKey: tenant.apiKey.key, tenantId: tenant.tenantId };
  }

  it('on: one run is one trace, api request -> workflow start -> workflow -> activities', async () => {
    const pair = await startPair('on', {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'latchkey-traced',
    });
    const run = await pair.client.executeWorkflow({
      workflowId: 'two-steps',
      payload: { n: PAYLOAD_SECRET },
      userId: USER_ID,
      wait: true,
    });
    expect(run.status).toBe('succeeded');

    // The worker's and the api's batches arrive within a second or two of the spans' end.
    const trpcSpan = () => receiver.spans().find((s) => s.name === 'trpc runs.execute');
    const deadline = Date.now() + 30_000;
    const inTrace = () => receiver.spans().filter((s) => s.traceId === trpcSpan()?.traceId);
    const complete = () =>
      inTrace().filter((s) => s.name.startsWith('RunActivity:')).length >= 2 &&
      inTrace().some((s) => s.name.startsWith('RunWorkflow:'));
    while (!complete() && Date.now() < deadline) await sleep(250);
    const spans = inTrace();
    const named = (name: string) => spans.find((s) => s.name === name);
    const parentOf = (span: ReceivedSpan | undefined) =>
      span?.parentSpanId ? spans.find((s) => s.spanId === span.parentSpanId) : undefined;

    const root = named('trpc runs.execute');
    expect(
      root,
      receiver
        .spans()
        .map((s) => s.name)
        .join(', '),
    ).toBeDefined();
    expect(root?.parentSpanId).toBeUndefined();
    const start = named('StartWorkflow:runWorkflow');
    const workflow = named('RunWorkflow:runWorkflow');
    const activities = spans.filter((s) => s.name.startsWith('RunActivity:'));
    // The api's request span is the parent of the workflow start, which the workflow joins
    // across Temporal (the trace context in its headers), and each activity is under it.
    expect(parentOf(start)?.spanId).toBe(root?.spanId);
    expect(parentOf(workflow)?.spanId).toBe(start?.spanId);
    expect(activities.length).toBeGreaterThanOrEqual(2);
    for (const activity of activities) {
      const scheduled = parentOf(activity);
      expect(scheduled?.name).toMatch(/^StartActivity:/);
      expect(parentOf(scheduled)?.spanId).toBe(workflow?.spanId);
    }
    // Only these attributes: bounded names and ids (OpenTelemetry's Temporal sink would add all
    // of WorkflowInfo, memo and search attributes included; the worker keeps its ids only).
    const keys = new Set(spans.flatMap((s) => s.attributes.map((a) => a.key)));
    const allowed = new Set([
      ...['http.request.method', 'http.route', 'http.response.status_code'],
      ...['temporalWorkflowId', 'run_id', 'temporalActivityId'],
      ...['workflowId', 'runId', 'workflowType', 'taskQueue', 'namespace', 'attempt'],
    ]);
    expect([...keys].filter((k) => !allowed.has(k))).toEqual([]);
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['latchkey-traced']));
    expect(root?.service).toBe('latchkey-traced');

    // Nothing a tenant or its users would call secret, in any span (names, attributes, events).
    const exported = receiver.raw();
    for (const secret of [TOKEN, pair.apiKey, USER_ID, PAYLOAD_SECRET, masterKeys]) {
      expect(exported).not.toContain(secret);
    }
    // The workflow's ids are there, naming the tenant at most.
    expect(exported).toContain(pair.tenantId);

    // The collector is the platform's, not the tenants': an integration aimed at it is refused
    // though the allowlist opens all of loopback.
    const refused = await pair.client
      .upsertIntegration({ id: 'collector', urlHost: receiver.url, auth: { type: 'none' } })
      .then(
        () => undefined,
        (error: Error) => error,
      );
    expect(refused?.message).toContain(
      'refused: the trace collector (OTEL_EXPORTER_OTLP_ENDPOINT)',
    );

    // SIGTERM flushes what is left.
    for (const proc of [pair.api, pair.worker]) await stopApp(proc);
    expect(pair.api.output()).toContain('"tracing":"http://127.0.0.1:');
  }, 300_000);

  it('off: a run exports nothing, and the bundled interceptors stay inert', async () => {
    const before = receiver.requests();
    // The collector named but the SDK disabled: off as when nothing is set (the default), and
    // a test that would see any span the processes sent.
    const pair = await startPair('off', {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SDK_DISABLED: 'true',
    });
    const run = await pair.client.executeWorkflow({
      workflowId: 'two-steps',
      payload: { n: 'plain' },
      wait: true,
    });
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual({ path: '/b', n: 'plain' });
    // Longer than the batch delay (1 s) of a tracing process, then stopped (which would flush).
    await sleep(3_000);
    for (const proc of [pair.api, pair.worker]) await stopApp(proc);
    expect(receiver.requests()).toBe(before);
    expect(pair.api.output()).toContain('"tracing":"off"');
  }, 300_000);
});
