import { z } from 'zod';
import { createPlanner, type Planner, type PlannerOptions } from './planner';

/** The planner's variables, for a process's env reader (`readProcessEnv` in @latchkey/config). */
export const plannerEnv = {
  /** An OpenAI-compatible base URL, e.g. `https://api.openai.com/v1`; unset: no planner. */
  LATCHKEY_PLANNER_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  LATCHKEY_PLANNER_API_KEY: z.string().min(1).optional(),
  /** Required with LATCHKEY_PLANNER_URL. */
  LATCHKEY_PLANNER_MODEL: z.string().min(1).optional(),
  LATCHKEY_PLANNER_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
};
const plannerEnvSchema = z.object(plannerEnv);
export type PlannerConfig = z.output<typeof plannerEnvSchema>;

/** LATCHKEY_PLANNER_MODEL goes with LATCHKEY_PLANNER_URL (a cross-variable check). */
export function checkPlannerEnv(values: PlannerConfig) {
  return values.LATCHKEY_PLANNER_URL && !values.LATCHKEY_PLANNER_MODEL
    ? { variable: 'LATCHKEY_PLANNER_MODEL', message: 'must be set when LATCHKEY_PLANNER_URL is' }
    : undefined;
}

const blankToUndefined = (env: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v?.trim() ? v.trim() : undefined]));

/**
 * The planner configured by LATCHKEY_PLANNER_URL (an OpenAI-compatible base URL, e.g.
 * `https://api.openai.com/v1`), LATCHKEY_PLANNER_MODEL (required with the URL),
 * LATCHKEY_PLANNER_API_KEY and LATCHKEY_PLANNER_TIMEOUT_MS (optional); undefined when no URL is set.
 */
export function plannerFromEnv(
  env: Record<string, string | undefined> = process.env,
  extra: Pick<PlannerOptions, 'fetch' | 'repairAttempts'> = {},
): Planner | undefined {
  const parsed = plannerEnvSchema.safeParse(blankToUndefined(env));
  if (!parsed.success) {
    // Messages name the variable; zod would echo values, and the API key is one.
    const names = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))];
    throw new Error(`invalid planner configuration: ${names.join(', ')}`);
  }
  return plannerFromConfig(parsed.data, extra);
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
