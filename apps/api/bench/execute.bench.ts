/**
 * A one-step HTTP workflow end to end (client -> api -> Temporal -> worker -> loopback server
 * -> result) against calling the loopback server directly, in one process and run.
 * Writes bench/results/execute.json. Uses DATABASE_URL / TEMPORAL_ADDRESS when set, else an
 * embedded PostgreSQL and a Temporal dev server of its own.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTenant } from '@latchkey/api';
import { LatchkeyClient } from '@latchkey/client';
import { createDb, migrateToLatest } from '@latchkey/db';
import {
  dropDatabase,
  ensureDatabase,
  startPostgres,
  startTemporal,
  withDatabase,
} from '@latchkey/devstack';
import { createLogger } from '@latchkey/logger';
import { createClientDataConverter, createDataConverter } from '@latchkey/temporal';
import { createVault, generateMasterKey, parseMasterKeys } from '@latchkey/vault';
import { createLatchkeyWorker } from '@latchkey/worker';
import { createApiServer } from '../src/server';
import { lazyTemporalClient } from '../src/temporal-client';

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 150);
const IN_FLIGHT = 50;
const THROUGHPUT_RUNS = Number(process.env.BENCH_THROUGHPUT_RUNS ?? 400);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
const round = (n: number) => Math.round(n * 100) / 100;

async function timeEach(count: number, fn: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

const runId = randomBytes(4).toString('hex');
const postgres = await startPostgres({
  databaseUrl: process.env.DATABASE_URL,
  dataDir: path.join(os.tmpdir(), `latchkey-bench-pg-${runId}`),
  persistent: false,
});
const temporal = await startTemporal({ address: process.env.TEMPORAL_ADDRESS, ui: false });
const dbName = `latchkey_bench_${runId}`;
await ensureDatabase(postgres.url, dbName);
const db = createDb({ connectionString: withDatabase(postgres.url, dbName), max: 20 });
const log = createLogger('bench', { level: 'silent' });
const target = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"items":[1,2,3]}');
});
await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;

try {
  await migrateToLatest(db);
  const vault = await createVault({ db, keyring: parseMasterKeys(generateMasterKey('bench')) });
  const taskQueue = `latchkey-bench-${runId}`;
  const temporalClient = lazyTemporalClient(
    temporal.address,
    temporal.namespace,
    createClientDataConverter({ vault }),
  );
  const api = createApiServer({
    db,
    vault,
    log,
    temporal: temporalClient.get,
    taskQueue,
    publicUrl: 'http://127.0.0.1',
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  const { worker, connection } = await createLatchkeyWorker({
    address: temporal.address,
    namespace: temporal.namespace,
    identity: 'bench-worker',
    taskQueue,
    db,
    vault,
    log,
    tenantActivityLimit: IN_FLIGHT,
    dataConverter: createDataConverter({ vault }),
  });
  const running = worker.run();

  const { key: apiKey } = (await createTenant(db, vault, { name: 'bench', actor: 'bench' })).apiKey;
  const client = new LatchkeyClient({ endpoint, apiKey });
  await client.upsertIntegration({
    id: 'target',
    urlHost: targetUrl,
    auth: { type: 'bearer', credential: 'api_key' },
    credentials: { api_key: `key_${randomBytes(16).toString('hex')}` },
  });
  await client.buildWorkflow({
    id: 'one-call',
    instruction: 'one GET',
    integrationIds: ['target'],
    steps: [
      {
        id: 'get',
        integrationId: 'target',
        method: 'GET',
        path: '/items',
        transform: 'result.items',
      },
    ],
  });
  const execute = async () => {
    const run = await client.executeWorkflow({ workflowId: 'one-call' });
    if (run.status !== 'succeeded') throw new Error(`run ${run.runId} ${run.status}: ${run.error}`);
  };
  const direct = async () => {
    const response = await fetch(`${targetUrl}/items`, { headers: { authorization: 'Bearer x' } });
    await response.json();
  };

  // Warm up both paths (JIT, pools, Temporal's caches), then measure them in the same run.
  for (let i = 0; i < 20; i++) await execute();
  for (let i = 0; i < 50; i++) await direct();
  const directTimes = await timeEach(SEQUENTIAL, direct);
  const workflowTimes = await timeEach(SEQUENTIAL, execute);

  let next = 0;
  const throughputStarted = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next++ < THROUGHPUT_RUNS) await execute();
    }),
  );
  const throughputS = (performance.now() - throughputStarted) / 1000;

  const result = {
    direct_p50_ms: round(percentile(directTimes, 0.5)),
    direct_p99_ms: round(percentile(directTimes, 0.99)),
    workflow_p50_ms: round(percentile(workflowTimes, 0.5)),
    workflow_p99_ms: round(percentile(workflowTimes, 0.99)),
    overhead_p50_ms: round(percentile(workflowTimes, 0.5) - percentile(directTimes, 0.5)),
    throughput_runs_s: round(THROUGHPUT_RUNS / throughputS),
  };
  console.log(`direct call:       p50 ${result.direct_p50_ms} ms, p99 ${result.direct_p99_ms} ms`);
  console.log(
    `workflow run:      p50 ${result.workflow_p50_ms} ms, p99 ${result.workflow_p99_ms} ms`,
  );
  console.log(
    `overhead p50:      ${result.overhead_p50_ms} ms (target < 30: ${result.overhead_p50_ms < 30 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `throughput:        ${result.throughput_runs_s} runs/s with ${IN_FLIGHT} in flight (target >= 100: ${result.throughput_runs_s >= 100 ? 'met' : 'NOT met'})`,
  );
  const out = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    '../../../bench/results/execute.json',
  );
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(result)}\n`);
  console.log(`wrote ${out}`);

  worker.shutdown();
  await running;
  await connection.close();
  api.closeAllConnections();
  api.close();
  await temporalClient.close();
  vault.close();
} finally {
  target.close();
  await db.destroy();
  await dropDatabase(postgres.url, dbName).catch(() => {});
  await temporal.stop();
  await postgres.stop();
}
