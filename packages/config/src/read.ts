import { createEnv } from '@t3-oss/env-core';
import type { z } from 'zod';

/** One bad variable: its name and what is wrong, never its value (it may be a secret). */
export interface ConfigProblem {
  variable: string;
  message: string;
}

/** A process's configuration is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly processName: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `Invalid ${processName} configuration:\n${problems
        .map((p) => `  ${p.variable}: ${p.message}`)
        .join('\n')}`,
    );
  }
}

type Shape = Record<string, z.ZodType>;
type Values<S extends Shape> = { [K in keyof S]: z.output<S[K]> };

/**
 * The one reader of a process's environment (create-t3-turbo's `env.ts`, on
 * `@t3-oss/env-core`): every variable the process reads is in `shape`, checked at start, and
 * all problems are reported at once by name. Empty strings count as unset, so `X=` in a
 * compose file means the default. `checks` look at several variables together (a webhook URL
 * needs its secret) and run only when each variable is valid on its own.
 */
export function readProcessEnv<S extends Shape>(
  processName: string,
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
  checks: Array<(values: Values<S>) => ConfigProblem | undefined> = [],
): Values<S> {
  const values = createEnv({
    server: shape,
    // env-core deletes empty strings from the object it is given: never process.env itself.
    runtimeEnv: { ...env },
    emptyStringAsUndefined: true,
    isServer: true,
    onValidationError(issues): never {
      const problems = issues.map((issue) => ({
        variable: String(pathKey(issue.path?.[0]) ?? '(environment)'),
        message: issue.message,
      }));
      throw new ConfigError(processName, problems);
    },
  }) as Values<S>;
  const problems = checks.flatMap((check) => check(values) ?? []);
  if (problems.length > 0) throw new ConfigError(processName, problems);
  // A plain object: env-core's proxy would throw on keys it does not know (inspect, JSON).
  return { ...values };
}

function pathKey(segment: unknown): PropertyKey | undefined {
  if (typeof segment === 'object' && segment !== null && 'key' in segment) {
    return (segment as { key: PropertyKey }).key;
  }
  return segment as PropertyKey | undefined;
}

/** Exit code for a configuration error (sysexits.h EX_CONFIG), distinct from crashes (1). */
export const CONFIG_EXIT_CODE = 78;

/**
 * For a process's entry point: a configuration error prints its message (the variables and
 * what is wrong) without a stack trace and exits with 78; anything else is rethrown.
 */
export function exitOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(CONFIG_EXIT_CODE);
  }
  throw error;
}
