import { z } from 'zod';

/** The database variable, for a process's env reader (`readProcessEnv` in @latchkey/config). */
export const databaseEnv = {
  DATABASE_URL: z
    .string({ error: 'is not set (expected postgres://user@host:port/database)' })
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL'),
};

const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// or postgresql:// URL'),
});

/** Reads DATABASE_URL, failing with a message that names the variable. */
export function readDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      env.DATABASE_URL
        ? (issue?.message ?? 'DATABASE_URL is invalid')
        : 'DATABASE_URL is not set (expected postgres://user@host:port/database)',
    );
  }
  return parsed.data.DATABASE_URL;
}
