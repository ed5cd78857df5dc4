import { hostname } from 'node:os';
import { createDb } from '@latchkey/db';
import { createEgressPolicy, platformServicesOf } from '@latchkey/egress';
import { createLogger } from '@latchkey/logger';
import { createDataConverter, startRunReconciler } from '@latchkey/temporal';
import { createVaultFromEnv } from '@latchkey/vault';
import { closeTransformSandbox } from '@latchkey/workflow-engine';
import { Client } from '@temporalio/client';
import { readWorkerEnv } from './env';
import { createLatchkeyWorker } from './worker';

/** A run row this young may still be on its way to Temporal: the api writes it, then starts it. */
const RECONCILE_GRACE_MS = 60_000;

const env = readWorkerEnv();
const log = createLogger('worker', { level: env.LOG_LEVEL });
const identity = `latchkey-worker@${hostname()}:${process.pid}`;
const db = createDb({ connectionString: env.DATABASE_URL, max: 20 });
const vault = await createVaultFromEnv({ db });
// Tenant egress: default deny for private addresses, the operator's allowlist, and the
// platform's own services (this database, Temporal, the listeners) refused whatever it says.
const egress = createEgressPolicy({
  allow: env.LATCHKEY_EGRESS_ALLOW,
  platform: platformServicesOf(env),
});

const { worker, connection } = await createLatchkeyWorker({
  address: env.TEMPORAL_ADDRESS,
  namespace: env.TEMPORAL_NAMESPACE,
  identity,
  taskQueue: env.LATCHKEY_TASK_QUEUE,
  db,
  vault,
  log,
  egress,
  maxConcurrentActivities: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
  tenantActivityLimit: env.LATCHKEY_TENANT_MAX_CONCURRENT_ACTIVITIES,
  requestTimeoutMs: env.LATCHKEY_STEP_REQUEST_TIMEOUT_MS,
  refresh: {
    marginMs: env.LATCHKEY_REFRESH_MARGIN_MS,
    webhook:
      env.LATCHKEY_WEBHOOK_URL && env.LATCHKEY_WEBHOOK_SECRET
        ? { url: env.LATCHKEY_WEBHOOK_URL, secret: env.LATCHKEY_WEBHOOK_SECRET }
        : undefined,
  },
  dataConverter: createDataConverter({ vault }),
});
log.info(
  {
    identity,
    address: env.TEMPORAL_ADDRESS,
    taskQueue: worker.options.taskQueue,
    egressAllow: egress.rules,
  },
  'worker polling',
);

// Runs terminated or timed out in Temporal never run their own bookkeeping; this records them.
const temporalClient = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
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

// worker.run() resolves after shutdown(), which Temporal triggers on SIGINT/SIGTERM itself.
try {
  await worker.run();
} finally {
  await reconciler?.stop();
  await connection.close();
  await closeTransformSandbox();
  await egress.close();
  vault.close();
  await db.destroy();
  log.info('worker stopped');
}
