import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

// bigint (audit ids, counts) as string rather than a lossy number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => value);

export type Db = Kysely<Database>;
/** The database or a transaction: repositories accept either, so callers choose atomicity. */
export type DbExecutor = Kysely<Database> | Transaction<Database>;

export interface CreateDbOptions {
  connectionString: string;
  /** Pool size; defaults to 10. */
  max?: number;
}

/** Opens a pooled connection to PostgreSQL. Call `db.destroy()` to close it. */
export function createDb({ connectionString, max = 10 }: CreateDbOptions): Db {
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString, max }) }),
  });
}
