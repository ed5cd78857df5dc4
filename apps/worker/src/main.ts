import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { exitOnConfigError } from '@latchkey/config';
import { createDb } from '@latchkey/db';
import { egressPolicyFromConfig } from '@latchkey/egress';
import { createLogger } from '@latchkey/logger';
import { initProcessMetrics, startTracing } from '@latchkey/observability';
import {
  createClientDataConverter,
  createDataConverter,
  deleteHealthSchedule,
  ensureHealthSchedule,
  startRunReconciler,
} from '@latchkey/temporal';
import { configureTemporalRuntime } from '@latchkey/temporal/connection';
import { createVault, vaultOptionsFromConfig } from '@latchkey/vault';
import {
  closeTransformSandbox,
  configureSchemaLimits,
  schemaLimitsOf,
} from '@latchkey/workflow-engine';
import { Client } from '@temporalio/client';
import { readWorkerEnv, type WorkerEnv } from './env';
import { concreteAddress, startWorkerOpsServer } from './ops-server';
import { createLatchkeyWorker } from './worker';

/** A run row this young may still be on its way to Temporal: the api writes it, then starts it. */
const RECONCILE_GRACE_MS = 60_000;

/**
 * Run from dist/ (`pnpm build`), the worker uses what the build made next to it: the bundled
 * workflow code and a plain-JS payload converter. Run from src/ by tsx, it bundles at start.
 */
const builtFile = (name: string) => {
  const file = fileURLToPath(new URL(`./${name}`, import.meta.url));
  return existsSync(file) ? file : undefined;
};
const builtBundle = builtFile('workflow-bundle.js');
const builtConverter = builtFile('payload-converter.cjs');

let env: WorkerEnv;
try {
  env = readWorkerEnv();
} catch (error) {
  exitOnConfigError(error);
}
// The same caps as the api's, so a schema the api accepted is one the worker checks.
configureSchemaLimits(schemaLimitsOf(env));
const log = createLogger('worker', { level: env.LOG_LEVEL });
const identity = `latchkey-worker@${hostname()}:${process.pid}`;
initProcessMetrics('worker');
// Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) names a collector.
const tracing = startTracing('worker', env);
// Before the first connection: the SDK's runtime (and its metrics exporter) is set up once.
const temporalMetricsAddress =
  env.LATCHKEY_TEMPORAL_METRICS_ADDRESS === 'off'
    ? undefined
    : await concreteAddress(env.LATCHKEY_TEMPORAL_METRICS_ADDRESS);
configureTemporalRuntime({ prometheusBindAddress: temporalMetricsAddress });
const db = createDb({ connectionString: env.DATABASE_URL, max: 20 });
const vault = await createVault({ db, ...vaultOptionsFromConfig(env) });
// Tenant egress: default deny for private addresses, the operator's allowlist, and the
// platform's own services (this database, Temporal, the listeners) refused whatever it says.
const egress = egressPolicyFromConfig(env);

const { worker, connection } = await createLatchkeyWorker({
  address: env.TEMPORAL_ADDRESS,
  namespace: env.TEMPORAL_NAMESPACE,
  identity,
  taskQueue: env.LATCHKEY_TASK_QUEUE,
  db,
  vault,
  log,
  egress,
  // Tenant webhook deliveries pass the same policy as steps; a refusal is final.
  webhookFetch: egress.fetch,
  maxConcurrentActivities: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
  tenantActivityLimit: env.LATCHKEY_TENANT_MAX_CONCURRENT_ACTIVITIES,
  requestTimeoutMs: env.LATCHKEY_STEP_REQUEST_TIMEOUT_MS,
  limits: {
    sqlMaxResultBytes: env.LATCHKEY_SQL_MAX_RESULT_BYTES,
    transformMaxOutputBytes: env.LATCHKEY_TRANSFORM_MAX_OUTPUT_BYTES,
  },
  refresh: {
    marginMs: env.LATCHKEY_REFRESH_MARGIN_MS,
    webhook:
      env.LATCHKEY_WEBHOOK_URL && env.LATCHKEY_WEBHOOK_SECRET
        ? { url: env.LATCHKEY_WEBHOOK_URL, secret: env.LATCHKEY_WEBHOOK_SECRET }
        : undefined,
  },
  events: {
    initialRetryMs: env.LATCHKEY_EVENT_RETRY_INITIAL_MS,
    maxRetryMs: env.LATCHKEY_EVENT_RETRY_MAX_MS,
    maxAgeMs: env.LATCHKEY_EVENT_MAX_AGE_MS,
  },
  health: {
    staleAfterMs: env.LATCHKEY_HEALTH_STALE_AFTER_MS,
    perTenant: env.LATCHKEY_HEALTH_CHECKS_PER_TENANT,
  },
  dataConverter: createDataConverter({ vault, converterPath: builtConverter }),
  workflowBundle: builtBundle ? { codePath: builtBundle } : undefined,
  shutdownGraceMs: env.LATCHKEY_WORKER_SHUTDOWN_GRACE_MS,
  tracing,
});
const ops = await startWorkerOpsServer({
  host: env.LATCHKEY_WORKER_HTTP_HOST,
  port: env.LATCHKEY_WORKER_HTTP_PORT,
  db,
  connection,
  worker,
  log,
  temporalMetricsAddress,
});
log.info(
  {
    identity,
    address: env.TEMPORAL_ADDRESS,
    taskQueue: worker.options.taskQueue,
    http: `http://${env.LATCHKEY_WORKER_HTTP_HOST}:${ops.port}`,
    egressAllow: egress.rules,
    tracing: tracing?.endpoint ?? 'off',
  },
  'worker polling',
);

// Runs terminated or timed out in Temporal never run their own bookkeeping; this records them.
const temporalClient = new Client({
  connection,
  namespace: env.TEMPORAL_NAMESPACE,
  dataConverter: createClientDataConverter({ vault }),
});

// One connection-health schedule per deployment (task queue), whichever worker starts first.
const taskQueue = worker.options.taskQueue;
// A failure here (Temporal still starting) leaves runs unaffected: the next worker to start, or
// this one's restart, creates it; meanwhile events are still delivered.
try {
  if (env.LATCHKEY_HEALTH_INTERVAL_MS > 0) {
    await ensureHealthSchedule(temporalClient, {
      taskQueue,
      intervalMs: env.LATCHKEY_HEALTH_INTERVAL_MS,
    });
  } else {
    await deleteHealthSchedule(temporalClient, taskQueue);
  }
} catch (error) {
  log.warn({ err: (error as Error).message }, 'could not set up the connection-health schedule');
}
const reconciler =
  env.LATCHKEY_RUN_RECONCILE_INTERVAL_MS > 0
    ? startRunReconciler(
        { db, temporal: async () => temporalClient },
        {
          intervalMs: env.LATCHKEY_RUN_RECONCILE_INTERVAL_MS,
          graceMs: RECONCILE_GRACE_MS,
          onSweep: (report) => {
            if (report.finished || report.failed) log.info(report, 'run reconciler sweep');
          },
          onError: (error) => log.warn({ err: error }, 'run reconciler sweep failed'),
        },
      )
    : undefined;

// worker.run() resolves after shutdown(), which Temporal triggers on SIGINT/SIGTERM itself:
// polling stops, activities in flight get LATCHKEY_WORKER_SHUTDOWN_GRACE_MS to finish, and
// /readyz answers 503 meanwhile.
process.once('SIGTERM', () => log.info({ signal: 'SIGTERM' }, 'worker draining'));
try {
  await worker.run();
} finally {
  await ops.close();
  await reconciler?.stop();
  await connection.close();
  await closeTransformSandbox();
  await egress.close();
  vault.close();
  await db.destroy();
  await tracing?.shutdown();
  log.info('worker stopped');
}
