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
  /** Where to POST signed `connection.needs_reauth` events (optional). */
  LATCHKEY_WEBHOOK_URL: z.url().optional(),
  LATCHKEY_WEBHOOK_SECRET: z.string().min(16).optional(),
  /**
   * How often this worker looks for runs that ended in Temporal without recording it
   * (terminated, timed out, never started) and records their end; 0 turns it off.
   */
  LATCHKEY_RUN_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
  /**
   * Addresses tenants' steps may reach beyond the public internet: comma-separated IPs or CIDR
   * ranges with an optional port (`10.0.0.0/8`, `127.0.0.1:18998`, `[::1]:8080`).
   */
  LATCHKEY_EGRESS_ALLOW: z.string().default(''),
  /** More host:port pairs of this deployment's own services, never reachable from steps. */
  LATCHKEY_EGRESS_PLATFORM: z.string().optional(),
  // Where the platform's listeners are, so steps can never reach them (see @latchkey/egress).
  HOST: z.string().optional(),
  PORT: z.string().optional(),
  MCP_PORT: z.string().optional(),
  LATCHKEY_WEB_PORT: z.string().optional(),
  LATCHKEY_PUBLIC_URL: z.string().optional(),
  LATCHKEY_API_URL: z.string().optional(),
  LATCHKEY_TEMPORAL_UI_URL: z.string().optional(),
  LATCHKEY_TEMPORAL_UI_PORT: z.string().optional(),
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
