import { logLevelEnv, readProcessEnv, temporalEnv } from '@latchkey/config';
import { databaseEnv } from '@latchkey/db';
import { checkVaultEnv, vaultEnv } from '@latchkey/vault';
import { checkPlannerEnv, plannerEnv } from '@latchkey/workflow-engine';
import { z } from 'zod';

/**
 * Every variable the api process reads, in one place (README: Configuration). Packages export
 * their own variables' shapes (database, vault, planner); nothing else reads process.env.
 */
export const apiEnv = {
  ...databaseEnv,
  ...vaultEnv,
  ...temporalEnv,
  ...plannerEnv,
  ...logLevelEnv,
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
  LATCHKEY_TEMPORAL_UI_ORIGINS: z
    .string()
    .default('http://127.0.0.1:8233,http://localhost:8233')
    .transform((value) =>
      value
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(z.url({ error: 'must be a comma-separated list of origins (http(s)://host:port)' })),
    ),
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
