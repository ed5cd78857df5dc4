import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createDb, createRunFinishedFeed, migrateToLatest } from '@latchkey/db';
import { createEgressPolicy, platformServicesOf } from '@latchkey/egress';
import { createLogger } from '@latchkey/logger';
import { createClientDataConverter } from '@latchkey/temporal';
import { createVaultFromEnv } from '@latchkey/vault';
import { plannerFromEnv } from '@latchkey/workflow-engine';
import { readApiEnv } from './env';
import { createApiServer } from './server';
import { lazyTemporalClient } from './temporal-client';

const env = readApiEnv();
const log = createLogger('api', { level: env.LOG_LEVEL });
const db = createDb({ connectionString: env.DATABASE_URL });
await migrateToLatest(db);
const vault = await createVaultFromEnv({ db });
const temporal = lazyTemporalClient(
  env.TEMPORAL_ADDRESS,
  env.TEMPORAL_NAMESPACE,
  createClientDataConverter({ vault }),
);
const runFinished = createRunFinishedFeed({
  connectionString: env.DATABASE_URL,
  onError: (error) => log.warn({ err: error.message }, 'run-finished feed reconnecting'),
});
const planner = plannerFromEnv(process.env);
// Tenant egress (integration destinations, OAuth endpoints): the same policy as the worker's.
const egress = createEgressPolicy({
  allow: env.LATCHKEY_EGRESS_ALLOW,
  platform: platformServicesOf(env),
});
const builtConsole = fileURLToPath(new URL('../../web/dist', import.meta.url));
const webRoot = env.LATCHKEY_WEB_ROOT ?? (existsSync(builtConsole) ? builtConsole : undefined);

const server = createApiServer({
  db,
  vault,
  log,
  temporal: temporal.get,
  runFinished,
  taskQueue: env.LATCHKEY_TASK_QUEUE,
  publicUrl: env.LATCHKEY_PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`,
  egress,
  oauth: { successUrl: env.LATCHKEY_OAUTH_SUCCESS_URL, errorUrl: env.LATCHKEY_OAUTH_ERROR_URL },
  planner,
  codec: { allowedOrigins: env.LATCHKEY_TEMPORAL_UI_ORIGINS },
  temporalUi: env.LATCHKEY_TEMPORAL_UI_URL
    ? { url: env.LATCHKEY_TEMPORAL_UI_URL, namespace: env.TEMPORAL_NAMESPACE }
    : undefined,
  webRoot,
});
server.listen(env.PORT, env.HOST, () => {
  log.info(
    {
      url: `http://${env.HOST}:${env.PORT}/trpc`,
      planner: planner ? 'configured' : 'none',
      console: webRoot
        ? `http://${env.HOST}:${env.PORT}/`
        : 'not built (pnpm --filter @latchkey/web build)',
    },
    'api listening',
  );
});

async function shutdown(signal: string) {
  log.info({ signal }, 'api stopping');
  server.close();
  server.closeAllConnections();
  await temporal.close();
  await runFinished.close();
  await egress.close();
  vault.close();
  await db.destroy();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
