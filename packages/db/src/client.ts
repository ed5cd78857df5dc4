import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { preparingPool } from './prepared';
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

/**
 * Opens a pooled connection to PostgreSQL. Call `db.destroy()` to close it. Registered hot
 * reads run as named prepared statements (see prepared.ts).
 */
export function createDb({ connectionString, max = 10 }: CreateDbOptions): Db {
  const pool = new pg.Pool({ connectionString, max });
  // An idle connection the server closes (restart, admin termination, or a database dropped
  // just after `destroy()`, whose connections close asynchronously) is an 'error' event on
  // the pool; unhandled, it would kill the process. pg-pool has already discarded that
  // connection and the next query opens a new one, so there is nothing else to do.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
}
