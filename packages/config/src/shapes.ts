import { z } from 'zod';

/**
 * A comma-separated list of `item`s (blanks around entries and empty entries ignored), each
 * checked by `item`: one reader for every list variable, so they all split alike.
 */
export const commaSeparated = <Item extends z.ZodType<unknown, string>>(
  item: Item,
  fallback = '',
) =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));

/** pino's levels. */
export const logLevelEnv = {
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
};

/** Where Temporal is, for the api's client and the worker alike. */
export const temporalEnv = {
  /** host:port of the Temporal frontend (a cluster, Temporal Cloud, or the dev server). */
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** The task queue the worker fleet polls; api and workers must agree. */
  LATCHKEY_TASK_QUEUE: z.string().min(1).default('latchkey'),
};

/**
 * The egress policy's variables (see @latchkey/egress) and where the platform's own listeners
 * are, so tenants' steps can never reach them whatever the allowlist says.
 */
export const egressEnv = {
  /** Comma-separated IPs or CIDR ranges with an optional port (`10.0.0.0/8`, `127.0.0.1:18998`). */
  LATCHKEY_EGRESS_ALLOW: z.string().default(''),
  /** More host:port pairs of this deployment's own services, never reachable by tenants. */
  LATCHKEY_EGRESS_PLATFORM: z.string().optional(),
  HOST: z.string().optional(),
  PORT: z.string().optional(),
  MCP_PORT: z.string().optional(),
  LATCHKEY_WEB_PORT: z.string().optional(),
  LATCHKEY_PUBLIC_URL: z.string().optional(),
  LATCHKEY_API_URL: z.string().optional(),
  LATCHKEY_TEMPORAL_UI_URL: z.string().optional(),
  LATCHKEY_TEMPORAL_UI_PORT: z.string().optional(),
};

/**
 * Proxies in front of a process whose `X-Forwarded-For` is believed: comma-separated IPs or
 * CIDR ranges (`10.0.0.0/8`, `::1`). The client address is the first one, from the right of
 * the chain, that is not a trusted proxy; a peer not listed here is the client itself, and
 * whatever it puts in `X-Forwarded-For` is ignored.
 */
export const trustedProxiesEnv = {
  LATCHKEY_TRUSTED_PROXIES: commaSeparated(
    z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], {
      error: 'must be a comma-separated list of IP addresses or CIDR ranges',
    }),
  ),
};
