import { egressEnv, logLevelEnv, readProcessEnv, temporalEnv } from '@latchkey/config';
import { databaseEnv } from '@latchkey/db';
import { tracingEnv } from '@latchkey/observability';
import { checkVaultEnv, vaultEnv } from '@latchkey/vault';
import { schemaLimitsEnv } from '@latchkey/workflow-engine';
import { z } from 'zod';

/**
 * Every variable the worker process reads, in one place (README: Configuration). Packages
 * export their own variables' shapes (database, vault); nothing else reads process.env.
 */
export const workerEnv = {
  ...egressEnv,
  ...databaseEnv,
  ...vaultEnv,
  ...temporalEnv,
  ...logLevelEnv,
  ...schemaLimitsEnv,
  ...tracingEnv,
  /** Activity slots of this worker process, shared by all tenants. */
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).default(100),
  /** How many activities of one tenant may run at once in this worker. */
  LATCHKEY_TENANT_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).default(10),
  /** Timeout of one request to a third-party API or database. */
  LATCHKEY_STEP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** Largest SQL step result (its rows as JSON, bytes); a bigger one fails the run. */
  LATCHKEY_SQL_MAX_RESULT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  /** Largest transform output (as JSON, bytes); a bigger one fails the run. */
  LATCHKEY_TRANSFORM_MAX_OUTPUT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  /** Refresh OAuth tokens that expire within this margin before using them. */
  LATCHKEY_REFRESH_MARGIN_MS: z.coerce.number().int().min(0).default(60_000),
  /**
   * Deprecated: one operator-wide endpoint for every tenant's `connection.needs_reauth`
   * events. Tenants register their own (`webhooks.set`); this still works meanwhile.
   */
  LATCHKEY_WEBHOOK_URL: z.url().optional(),
  /** Signs those events (HMAC); required with LATCHKEY_WEBHOOK_URL. */
  LATCHKEY_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * How often this worker looks for runs that ended in Temporal without recording it
   * (terminated, timed out, never started) and records their end; 0 turns it off.
   */
  LATCHKEY_RUN_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
  /** The worker's HTTP listener for /healthz, /readyz and /metrics (0: any free port). */
  LATCHKEY_WORKER_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  LATCHKEY_WORKER_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(9091),
  /** On SIGTERM, how long activities in flight may run on before they are cancelled (retried elsewhere). */
  LATCHKEY_WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(30_000),
  /**
   * Where the Temporal SDK's own Prometheus exporter listens (host:port; port 0 picks a free
   * loopback port); its metrics are also served on this worker's /metrics. `off` turns it off.
   */
  LATCHKEY_TEMPORAL_METRICS_ADDRESS: z.string().min(1).default('127.0.0.1:0'),
  /**
   * How often the deployment's connection-health schedule sweeps (one Temporal Schedule per
   * task queue, created by whichever worker starts first); 0 removes the schedule.
   */
  LATCHKEY_HEALTH_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
  /** A connection neither used nor checked for this long is tested in the background. */
  LATCHKEY_HEALTH_STALE_AFTER_MS: z.coerce.number().int().min(0).default(86_400_000),
  /** At most this many connections of one tenant are tested per sweep. */
  LATCHKEY_HEALTH_CHECKS_PER_TENANT: z.coerce.number().int().min(1).default(10),
  /** Webhook deliveries: first retry wait (doubling), longest wait, and when to give up. */
  LATCHKEY_EVENT_RETRY_INITIAL_MS: z.coerce.number().int().min(100).default(10_000),
  LATCHKEY_EVENT_RETRY_MAX_MS: z.coerce.number().int().min(100).default(3_600_000),
  LATCHKEY_EVENT_MAX_AGE_MS: z.coerce.number().int().min(1_000).default(86_400_000),
};

export type WorkerEnv = ReturnType<typeof readWorkerEnv>;

/** The worker's whole configuration, checked once at start; a ConfigError names each bad one. */
export function readWorkerEnv(env: NodeJS.ProcessEnv = process.env) {
  return readProcessEnv('worker', workerEnv, env, [
    checkVaultEnv,
    (values) =>
      values.LATCHKEY_WEBHOOK_URL && !values.LATCHKEY_WEBHOOK_SECRET
        ? { variable: 'LATCHKEY_WEBHOOK_SECRET', message: 'is required with LATCHKEY_WEBHOOK_URL' }
        : undefined,
  ]);
}
