import { z } from 'zod';

const schema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  /** The task queue the fleet polls; api and workers must agree. */
  LATCHKEY_TASK_QUEUE: z.string().min(1).default('latchkey'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Activity slots of this worker process, shared by all tenants. */
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).default(100),
  /** How many activities of one tenant may run at once in this worker. */
  LATCHKEY_TENANT_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).default(10),
  /** Timeout of one request to a third-party API or database. */
  LATCHKEY_STEP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** Refresh OAuth tokens that expire within this margin before using them. */
  LATCHKEY_REFRESH_MARGIN_MS: z.coerce.number().int().min(0).default(60_000),
  /**
   * Deprecated: one operator-wide endpoint for every tenant's `connection.needs_reauth`
   * events. Tenants register their own (`webhooks.set`); this still works meanwhile.
   */
  LATCHKEY_WEBHOOK_URL: z.url().optional(),
  LATCHKEY_WEBHOOK_SECRET: z.string().min(16).optional(),
  /**
   * How often this worker looks for runs that ended in Temporal without recording it
   * (terminated, timed out, never started) and records their end; 0 turns it off.
   */
  LATCHKEY_RUN_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
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
});

export type WorkerEnv = z.infer<typeof schema>;

const refine = (env: WorkerEnv) => {
  if (env.LATCHKEY_WEBHOOK_URL && !env.LATCHKEY_WEBHOOK_SECRET) {
    throw new Error(
      'Invalid worker configuration: LATCHKEY_WEBHOOK_SECRET is required with LATCHKEY_WEBHOOK_URL',
    );
  }
  return env;
};

export function readWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid worker configuration: ${problems.join('; ')}`);
  }
  return refine(parsed.data);
}
