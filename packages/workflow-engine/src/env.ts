import { readProcessEnv } from '@latchkey/config';
import { z } from 'zod';
import { createPlanner, type Planner, type PlannerOptions } from './planner';
import { DEFAULT_SCHEMA_LIMITS, type SchemaLimits } from './schema';

/** The planner's variables, for a process's env reader (`readProcessEnv` in @latchkey/config). */
export const plannerEnv = {
  /** An OpenAI-compatible base URL, e.g. `https://api.openai.com/v1`; unset: no planner. */
  LATCHKEY_PLANNER_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  LATCHKEY_PLANNER_API_KEY: z.string().min(1).optional(),
  /** Required with LATCHKEY_PLANNER_URL. */
  LATCHKEY_PLANNER_MODEL: z.string().min(1).optional(),
  LATCHKEY_PLANNER_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
};
export type PlannerConfig = { [K in keyof typeof plannerEnv]: z.output<(typeof plannerEnv)[K]> };

/** LATCHKEY_PLANNER_MODEL goes with LATCHKEY_PLANNER_URL (a cross-variable check). */
export function checkPlannerEnv(values: PlannerConfig) {
  return values.LATCHKEY_PLANNER_URL && !values.LATCHKEY_PLANNER_MODEL
    ? { variable: 'LATCHKEY_PLANNER_MODEL', message: 'must be set when LATCHKEY_PLANNER_URL is' }
    : undefined;
}

/**
 * The planner configured by LATCHKEY_PLANNER_URL (an OpenAI-compatible base URL, e.g.
 * `https://api.openai.com/v1`), LATCHKEY_PLANNER_MODEL (required with the URL),
 * LATCHKEY_PLANNER_API_KEY and LATCHKEY_PLANNER_TIMEOUT_MS (optional); undefined when no URL is set.
 * Read by the one env reader (@latchkey/config): a ConfigError names each bad variable, never
 * its value (the API key is one).
 */
export function plannerFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  extra: Pick<PlannerOptions, 'fetch' | 'repairAttempts'> = {},
): Planner | undefined {
  return plannerFromConfig(readProcessEnv('planner', plannerEnv, env, [checkPlannerEnv]), extra);
}

/** The planner from checked variables (a process's env reader has parsed them). */
export function plannerFromConfig(
  values: PlannerConfig,
  extra: Pick<PlannerOptions, 'fetch' | 'repairAttempts'> = {},
): Planner | undefined {
  const { LATCHKEY_PLANNER_URL: baseUrl, LATCHKEY_PLANNER_MODEL: model } = values;
  if (!baseUrl) return undefined;
  if (!model) throw new Error('LATCHKEY_PLANNER_MODEL must be set when LATCHKEY_PLANNER_URL is');
  return createPlanner({
    baseUrl,
    model,
    ...(values.LATCHKEY_PLANNER_API_KEY ? { apiKey: values.LATCHKEY_PLANNER_API_KEY } : {}),
    ...(values.LATCHKEY_PLANNER_TIMEOUT_MS
      ? { timeoutMs: values.LATCHKEY_PLANNER_TIMEOUT_MS }
      : {}),
    ...extra,
  });
}

/** The schema caps' variables, for a process's env reader (api and worker must agree). */
export const schemaLimitsEnv = {
  LATCHKEY_SCHEMA_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(DEFAULT_SCHEMA_LIMITS.maxBytes),
  LATCHKEY_SCHEMA_MAX_DEPTH: z.coerce.number().int().min(2).default(DEFAULT_SCHEMA_LIMITS.maxDepth),
};

/** The schema caps from checked variables (a process's env reader has parsed them). */
export function schemaLimitsOf(values: {
  LATCHKEY_SCHEMA_MAX_BYTES: number;
  LATCHKEY_SCHEMA_MAX_DEPTH: number;
}): SchemaLimits {
  return { maxBytes: values.LATCHKEY_SCHEMA_MAX_BYTES, maxDepth: values.LATCHKEY_SCHEMA_MAX_DEPTH };
}

/**
 * Caps on tenant JSON Schemas (inputSchema, responseSchema): LATCHKEY_SCHEMA_MAX_BYTES (bytes of
 * JSON, default 65536) and LATCHKEY_SCHEMA_MAX_DEPTH (nesting of objects and arrays, default 32).
 * The api and the worker must agree, or a schema the api stored could fail in the worker.
 */
export function schemaLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): SchemaLimits {
  return schemaLimitsOf(readProcessEnv('schema limits', schemaLimitsEnv, env));
}
