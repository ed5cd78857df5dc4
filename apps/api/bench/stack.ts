/**
 * The whole platform in one process for benchmarks: PostgreSQL (DATABASE_URL or embedded),
 * Temporal (TEMPORAL_ADDRESS or a dev server), the api on a loopback port, one worker, and a
 * tenant with a typed client.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTenant } from '@latchkey/api';
import { LatchkeyClient } from '@latchkey/client';
import { createDb, createRunFinishedFeed, migrateToLatest } from '@latchkey/db';
import {
  dropDatabase,
  ensureDatabase,
  freePort,
  startPostgres,
  startTemporal,
  withDatabase,
} from '@latchkey/devstack';
import { createEgressPolicy, type EgressPolicy } from '@latchkey/egress';
import { createLogger } from '@latchkey/logger';
import { createClientDataConverter } from '@latchkey/temporal';
import { createVault, generateMasterKey, parseMasterKeys } from '@latchkey/vault';
import { createLatchkeyWorker } from '@latchkey/worker';
import { closeTransformSandbox } from '@latchkey/workflow-engine';
import { createApiServer } from '../src/server';
import { lazyTemporalClient } from '../src/temporal-client';

export async function startBenchStack(options: {
  tenantActivityLimit: number;
  refreshMarginMs?: number;
  /** The worker's and api's egress policy; by default production's, allowing `allowEgress`. */
  egress?: (platform: { db: string; temporal: string; api: number }) => EgressPolicy;
  /** Rules for the default policy (the bench's own loopback servers). */
  allowEgress?: string[];
}) {
  const runId = randomBytes(4).toString('hex');
  const postgres = await startPostgres({
    databaseUrl: process.env.DATABASE_URL,
    dataDir: path.join(os.tmpdir(), `latchkey-bench-pg-${runId}`),
    persistent: false,
  });
  const temporal = await startTemporal({ address: process.env.TEMPORAL_ADDRESS, ui: false });
  const dbName = `latchkey_bench_${runId}`;
  await ensureDatabase(postgres.url, dbName);
  const dbUrl = withDatabase(postgres.url, dbName);
  const db = createDb({ connectionString: dbUrl, max: 20 });
  await migrateToLatest(db);
  const log = createLogger('bench', { level: 'silent' });
  const vault = await createVault({ db, keyring: parseMasterKeys(generateMasterKey('bench')) });
  const taskQueue = `latchkey-bench-${runId}`;
  const temporalClient = lazyTemporalClient(
    temporal.address,
    temporal.namespace,
    createClientDataConverter({ vault }),
  );
  const runFinished = createRunFinishedFeed({ connectionString: dbUrl });
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const pgUrl = new URL(postgres.url);
  const [temporalHost = '127.0.0.1', temporalPort = '7233'] = temporal.address.split(/:(?=\d+$)/);
  const egress =
    options.egress?.({ db: postgres.url, temporal: temporal.address, api: port }) ??
    createEgressPolicy({
      allow: options.allowEgress ?? [],
      platform: [
        { name: 'bench PostgreSQL', host: pgUrl.hostname, port: Number(pgUrl.port || 5432) },
        { name: 'bench Temporal', host: temporalHost, port: Number(temporalPort) },
        { name: 'bench api', host: '127.0.0.1', port },
      ],
    });
  const api = createApiServer({
    egress,
    db,
    vault,
    log,
    temporal: temporalClient.get,
    runFinished,
    taskQueue,
    publicUrl,
  });
  await new Promise<void>((resolve) => api.listen(port, '127.0.0.1', resolve));
  const { worker, connection } = await createLatchkeyWorker({
    address: temporal.address,
    namespace: temporal.namespace,
    identity: 'bench-worker',
    taskQueue,
    db,
    vault,
    log,
    egress,
    tenantActivityLimit: options.tenantActivityLimit,
    refresh: { marginMs: options.refreshMarginMs ?? 60_000 },
  });
  const running = worker.run();
  const { key: apiKey } = (await createTenant(db, vault, { name: 'bench', actor: 'bench' })).apiKey;
  const client = new LatchkeyClient({
    endpoint: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
    apiKey,
  });

  return {
    db,
    vault,
    client,
    publicUrl,
    egress,
    /** Opens one of the bench's own loopback servers (address and port) to steps. */
    allowEgress(url: string) {
      egress.allow(new URL(url).host);
    },
    temporal: { address: temporal.address, namespace: temporal.namespace, pid: temporal.pid },
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
      // The transforms' sandbox threads would keep the process alive after the figures.
      await closeTransformSandbox();
      api.closeAllConnections();
      api.close();
      await temporalClient.close();
      await runFinished.close();
      await egress.close();
      vault.close();
      await db.destroy();
      await dropDatabase(postgres.url, dbName).catch(() => {});
      await temporal.stop();
      await postgres.stop();
    },
  };
}

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
export const round = (n: number) => Math.round(n * 100) / 100;

/** Writes a result next to the others in the repo's bench/results (generated, git-ignored). */
export async function writeResult(name: string, result: unknown): Promise<string> {
  const out = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    `../../../bench/results/${name}`,
  );
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(result)}\n`);
  return out;
}
