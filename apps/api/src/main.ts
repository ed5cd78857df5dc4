import { createDb, migrateToLatest } from '@latchkey/db';
import { createLogger } from '@latchkey/logger';
import { readApiEnv } from './env';
import { createApiServer } from './server';
import { lazyTemporalClient } from './temporal-client';

const env = readApiEnv();
const log = createLogger('api', { level: env.LOG_LEVEL });
const db = createDb({ connectionString: env.DATABASE_URL });
await migrateToLatest(db);
const temporal = lazyTemporalClient(env.TEMPORAL_ADDRESS, env.TEMPORAL_NAMESPACE);

const server = createApiServer({
  db,
  log,
  temporal: temporal.get,
});
server.listen(env.PORT, env.HOST, () => {
  log.info({ url: `http://${env.HOST}:${env.PORT}/trpc` }, 'api listening');
});

async function shutdown(signal: string) {
  log.info({ signal }, 'api stopping');
  server.close();
  server.closeAllConnections();
  await temporal.close();
  await db.destroy();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
