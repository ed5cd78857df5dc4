import { z } from 'zod';

const schema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  /** The task queue the worker fleet polls; api and workers must agree. */
  LATCHKEY_TASK_QUEUE: z.string().min(1).default('latchkey'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  NODE_ENV: z.string().default('development'),
  /** The api's public base URL; OAuth callbacks are built from it (set it behind a proxy). */
  LATCHKEY_PUBLIC_URL: z.url().optional(),
  LATCHKEY_OAUTH_SUCCESS_URL: z.url().optional(),
  LATCHKEY_OAUTH_ERROR_URL: z.url().optional(),
  /** The Temporal UI's base URL; the web console links each run there. */
  LATCHKEY_TEMPORAL_UI_URL: z.url().optional(),
  /** A built web console to serve at `/`; defaults to apps/web/dist when it has been built. */
  LATCHKEY_WEB_ROOT: z.string().min(1).optional(),
  /** Origins of the Temporal UI allowed to call the codec endpoint (comma-separated). */
  /**
   * Addresses tenants' integrations may point at beyond the public internet: comma-separated
   * IPs or CIDR ranges with an optional port (`10.0.0.0/8`, `127.0.0.1:18998`, `[::1]:8080`).
   */
  LATCHKEY_EGRESS_ALLOW: z.string().default(''),
  /** More host:port pairs of this deployment's own services, never reachable by tenants. */
  LATCHKEY_EGRESS_PLATFORM: z.string().optional(),
  MCP_PORT: z.string().optional(),
  LATCHKEY_WEB_PORT: z.string().optional(),
  LATCHKEY_TEMPORAL_UI_PORT: z.string().optional(),
  LATCHKEY_TEMPORAL_UI_ORIGINS: z
    .string()
    .default('http://127.0.0.1:8233,http://localhost:8233')
    .transform((value) =>
      value
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    ),
});

export type ApiEnv = z.infer<typeof schema>;

/** The api's whole configuration, validated once; errors name the variable. */
export function readApiEnv(env: NodeJS.ProcessEnv = process.env): ApiEnv {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid api configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
