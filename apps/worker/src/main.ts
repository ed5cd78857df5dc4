import { hostname } from 'node:os';
import { createDb } from '@latchkey/db';
import { createLogger } from '@latchkey/logger';
import { createDataConverter } from '@latchkey/temporal';
import { createVaultFromEnv } from '@latchkey/vault';
import { closeTransformSandbox } from '@latchkey/workflow-engine';
import { readWorkerEnv } from './env';
import { createLatchkeyWorker } from './worker';

const env = readWorkerEnv();
const log = createLogger('worker', { level: env.LOG_LEVEL });
const identity = `latchkey-worker@${hostname()}:${process.pid}`;
const db = createDb({ connectionString: env.DATABASE_URL, max: 20 });
const vault = await createVaultFromEnv({ db });

const { worker, connection } = await createLatchkeyWorker({
  address: env.TEMPORAL_ADDRESS,
  namespace: env.TEMPORAL_NAMESPACE,
  identity,
  taskQueue: env.LATCHKEY_TASK_QUEUE,
  db,
  vault,
  log,
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
  { identity, address: env.TEMPORAL_ADDRESS, taskQueue: worker.options.taskQueue },
  'worker polling',
);

// worker.run() resolves after shutdown(), which Temporal triggers on SIGINT/SIGTERM itself.
try {
  await worker.run();
} finally {
  await connection.close();
  await closeTransformSandbox();
  vault.close();
  await db.destroy();
  log.info('worker stopped');
}
