import { DEFAULT_DOOR_LIMITS, type DoorLimits } from '@latchkey/api';
import {
  commaSeparated,
  egressEnv,
  logLevelEnv,
  readProcessEnv,
  temporalEnv,
  trustedProxiesEnv,
} from '@latchkey/config';
import { databaseEnv } from '@latchkey/db';
import { tracingEnv } from '@latchkey/observability';
import { checkVaultEnv, vaultEnv } from '@latchkey/vault';
import { checkPlannerEnv, plannerEnv, schemaLimitsEnv } from '@latchkey/workflow-engine';
import { z } from 'zod';
import { DEFAULT_MAX_BODY_BYTES } from './body-limit';

const count = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

/** A comma-separated list of origins (`http(s)://host:port`, no path), as browsers send them. */
const originList = (fallback: string) =>
  commaSeparated(
    z
      .url({ error: 'must be a comma-separated list of origins (http(s)://host:port)' })
      .refine((o) => URL.canParse(o) && new URL(o).origin === o.replace(/\/$/, ''), {
        error: 'must be origins only (http(s)://host:port), without a path',
      })
      .transform((o) => new URL(o).origin),
    fallback,
  );

/**
 * Every variable the api process reads, in one place (README: Configuration). Packages export
 * their own variables' shapes (database, vault, planner); nothing else reads process.env.
 */
export const apiEnv = {
  ...egressEnv,
  ...databaseEnv,
  ...vaultEnv,
  ...temporalEnv,
  ...plannerEnv,
  ...logLevelEnv,
  ...schemaLimitsEnv,
  ...tracingEnv,
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** The api's public base URL; OAuth callbacks are built from it (set it behind a proxy). */
  LATCHKEY_PUBLIC_URL: z.url().optional(),
  /** Where the browser goes after a finished OAuth connect (default: a page of the api's). */
  LATCHKEY_OAUTH_SUCCESS_URL: z.url().optional(),
  /** Where the browser goes after a failed OAuth connect (default: a page of the api's). */
  LATCHKEY_OAUTH_ERROR_URL: z.url().optional(),
  /** The Temporal UI's base URL; the web console links each run there. */
  LATCHKEY_TEMPORAL_UI_URL: z.url().optional(),
  /** A built web console to serve at `/`; defaults to apps/web/dist when it has been built. */
  LATCHKEY_WEB_ROOT: z.string().min(1).optional(),
  /** On SIGTERM, how long requests in flight may take to finish before they are cut. */
  LATCHKEY_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(25_000),
  /** Origins of the Temporal UI allowed to call the codec endpoint (comma-separated). */
  LATCHKEY_TEMPORAL_UI_ORIGINS: originList('http://127.0.0.1:8233,http://localhost:8233'),
  /**
   * Other origins the console is served from (comma-separated; `pnpm dev` sets its dev
   * server's): return URLs there, like the api's own, need no registration by the tenant.
   */
  LATCHKEY_CONSOLE_ORIGINS: originList(''),
  /** Limits at the door (README "Limits"); defaults in @latchkey/api's DEFAULT_DOOR_LIMITS. */
  LATCHKEY_MAX_BODY_BYTES: count(DEFAULT_MAX_BODY_BYTES),
  LATCHKEY_RATE_AUTH_FAILURES_PER_ADDRESS: count(DEFAULT_DOOR_LIMITS.authFailuresPerAddress),
  LATCHKEY_RATE_AUTH_FAILURES_PER_KEY_PREFIX: count(DEFAULT_DOOR_LIMITS.authFailuresPerKeyPrefix),
  LATCHKEY_RATE_AUTH_FAILURE_WINDOW_SECONDS: count(DEFAULT_DOOR_LIMITS.authFailureWindowSeconds),
  LATCHKEY_RATE_KEY_CALLS_PER_SECOND: count(DEFAULT_DOOR_LIMITS.keyCallsPerSecond),
  LATCHKEY_RATE_KEY_CALLS_BURST: count(DEFAULT_DOOR_LIMITS.keyCallsBurst),
  LATCHKEY_MAX_UNFINISHED_RUNS_PER_TENANT: count(DEFAULT_DOOR_LIMITS.maxUnfinishedRunsPerTenant),
  /** Proxies whose X-Forwarded-For gives the client address (load balancers, the MCP server). */
  ...trustedProxiesEnv,
};

export type ApiEnv = ReturnType<typeof readApiEnv>;

/** The api's whole configuration, checked once at start; a ConfigError names each bad variable. */
export function readApiEnv(env: NodeJS.ProcessEnv = process.env) {
  return readProcessEnv('api', apiEnv, env, [checkVaultEnv, checkPlannerEnv]);
}

/** What the operator CLI reads: the database and the vault's master keys. */
export const cliEnv = { ...databaseEnv, ...vaultEnv };

export function readCliEnv(env: NodeJS.ProcessEnv = process.env) {
  return readProcessEnv('latchkey CLI', cliEnv, env, [checkVaultEnv]);
}

/** The limits at the door, from the api's configuration. */
export function doorLimitsOf(env: ApiEnv): DoorLimits {
  return {
    authFailuresPerAddress: env.LATCHKEY_RATE_AUTH_FAILURES_PER_ADDRESS,
    authFailuresPerKeyPrefix: env.LATCHKEY_RATE_AUTH_FAILURES_PER_KEY_PREFIX,
    authFailureWindowSeconds: env.LATCHKEY_RATE_AUTH_FAILURE_WINDOW_SECONDS,
    keyCallsPerSecond: env.LATCHKEY_RATE_KEY_CALLS_PER_SECOND,
    keyCallsBurst: env.LATCHKEY_RATE_KEY_CALLS_BURST,
    maxUnfinishedRunsPerTenant: env.LATCHKEY_MAX_UNFINISHED_RUNS_PER_TENANT,
    trustedProxies: env.LATCHKEY_TRUSTED_PROXIES,
  };
}
