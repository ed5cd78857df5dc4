import { hostname } from 'node:os';
import { createLogger } from '@latchkey/logger';
import { readWorkerEnv } from './env';
import { createLatchkeyWorker } from './worker';

const env = readWorkerEnv();
const log = createLogger('worker', { level: env.LOG_LEVEL });
const identity = `latchkey-worker@${hostname()}:${process.pid}`;

const { worker, connection } = await createLatchkeyWorker({
  address: env.TEMPORAL_ADDRESS,
  namespace: env.TEMPORAL_NAMESPACE,
  identity,
  maxConcurrentActivities: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
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
  log.info('worker stopped');
}
