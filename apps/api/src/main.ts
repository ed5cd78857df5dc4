import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { exitOnConfigError } from '@latchkey/config';
import { createDb, createRunFinishedFeed, migrateAtStart } from '@latchkey/db';
import { egressPolicyFromConfig } from '@latchkey/egress';
import { createLogger } from '@latchkey/logger';
import { initProcessMetrics, startTracing } from '@latchkey/observability';
import { createClientDataConverter } from '@latchkey/temporal';
import { createVault, vaultOptionsFromConfig } from '@latchkey/vault';
import {
  configureSchemaLimits,
  plannerFromConfig,
  schemaLimitsOf,
} from '@latchkey/workflow-engine';
import { type ApiEnv, doorLimitsOf, readApiEnv } from './env';
import { createApiServer } from './server';
import { lazyTemporalClient } from './temporal-client';

let env: ApiEnv;
try {
  env = readApiEnv();
} catch (error) {
  exitOnConfigError(error);
}
configureSchemaLimits(schemaLimitsOf(env));
const log = createLogger('api', { level: env.LOG_LEVEL });
initProcessMetrics('api');
// Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) names a collector.
const tracing = startTracing('api', env);
const db = createDb({ connectionString: env.DATABASE_URL });
// Migrations as the owner role when DATABASE_OWNER_URL is set; the api itself runs as the app role.
await migrateAtStart(db, env.DATABASE_OWNER_URL);
const vault = await createVault({ db, ...vaultOptionsFromConfig(env) });
const temporal = lazyTemporalClient(
  env.TEMPORAL_ADDRESS,
  env.TEMPORAL_NAMESPACE,
  createClientDataConverter({ vault }),
  { tracing: tracing !== undefined },
);
const runFinished = createRunFinishedFeed({
  connectionString: env.DATABASE_URL,
  onError: (error) => log.warn({ err: error.message }, 'run-finished feed reconnecting'),
});
const planner = plannerFromConfig(env);
const builtConsole = fileURLToPath(new URL('../../web/dist', import.meta.url));
const webRoot = env.LATCHKEY_WEB_ROOT ?? (existsSync(builtConsole) ? builtConsole : undefined);

// Bound before the server is built: with PORT=0 the system picks the port, and the default
// public URL and the egress policy (which refuses the api's own port to tenants) need the real
// one. Nothing below awaits, so the handler is attached before a request can arrive.
const listener = createServer();
await new Promise<void>((resolve, reject) => {
  listener.once('error', reject);
  listener.listen(env.PORT, env.HOST, () => resolve());
});
const port = (listener.address() as AddressInfo).port;
const origin = `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${port}`;
// Tenant egress (integration destinations, OAuth endpoints): the same policy as the worker's.
const egress = egressPolicyFromConfig({ ...env, PORT: port });

const server = createApiServer({
  listener,
  db,
  vault,
  log,
  temporal: temporal.get,
  runFinished,
  taskQueue: env.LATCHKEY_TASK_QUEUE,
  publicUrl: env.LATCHKEY_PUBLIC_URL ?? origin,
  consoleOrigins: env.LATCHKEY_CONSOLE_ORIGINS,
  egress,
  oauth: { successUrl: env.LATCHKEY_OAUTH_SUCCESS_URL, errorUrl: env.LATCHKEY_OAUTH_ERROR_URL },
  planner,
  codec: { allowedOrigins: env.LATCHKEY_TEMPORAL_UI_ORIGINS },
  temporalUi: env.LATCHKEY_TEMPORAL_UI_URL
    ? { url: env.LATCHKEY_TEMPORAL_UI_URL, namespace: env.TEMPORAL_NAMESPACE }
    : undefined,
  webRoot,
  limits: doorLimitsOf(env),
  maxBodyBytes: env.LATCHKEY_MAX_BODY_BYTES,
});
// Tests and process managers read the bound port from this line (PORT=0 picks a free one).
log.info(
  {
    url: `${origin}/trpc`,
    planner: planner ? 'configured' : 'none',
    tracing: tracing?.endpoint ?? 'off',
    console: webRoot ? `${origin}/` : 'not built (pnpm --filter @latchkey/web build)',
  },
  'api listening',
);

/**
 * SIGTERM drains: /readyz turns 503, the listener closes (a balancer sends new requests to the
 * other processes), requests in flight finish within LATCHKEY_SHUTDOWN_GRACE_MS, then the
 * connections close and the process exits.
 */
async function shutdown(signal: string) {
  log.info({ signal, inFlight: 'draining' }, 'api stopping');
  const clean = await server.drain(env.LATCHKEY_SHUTDOWN_GRACE_MS);
  if (!clean) log.warn({ graceMs: env.LATCHKEY_SHUTDOWN_GRACE_MS }, 'requests cut at the grace');
  await temporal.close();
  await runFinished.close();
  await egress.close();
  vault.close();
  await db.destroy();
  await tracing?.shutdown();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
