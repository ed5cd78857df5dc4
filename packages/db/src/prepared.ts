import { createHash } from 'node:crypto';
import type {
  Compilable,
  PostgresCursor,
  PostgresPool,
  PostgresPoolClient,
  PostgresQueryResult,
  QueryResult,
} from 'kysely';
import type pg from 'pg';
import type { DbExecutor } from './client';

/**
 * Named prepared statements for the few statements that run on every request or run. PostgreSQL
 * parses and plans an unnamed statement on every call; a named one is parsed once per
 * connection and its plan is reused, which for a join is most of the server's time.
 *
 * Kysely hands the driver only SQL text and parameters, so statements are registered by their
 * text (`preparedStatement` for fixed SQL, `executePrepared` for a query built with Kysely): the
 * pool given to Kysely (`preparingPool`) runs a registered text under its name and everything
 * else exactly as before. Registered texts are fixed SQL naming their columns, so
 * a migration that adds columns cannot change their result type under a cached plan (changing
 * the type of a column they read needs the processes restarted). A pooler in front of
 * PostgreSQL must keep named statements per client (PgBouncer 1.21+ in transaction mode with
 * `max_prepared_statements` set, or session mode).
 */
const namesByText = new Map<string, string>();

/** Registers `text` to run as the named statement `name`; returns the text, for CompiledQuery. */
export function preparedStatement(name: string, text: string): string {
  for (const [registered, existing] of namesByText) {
    if (existing === name && registered !== text) {
      throw new Error(`prepared statement '${name}' is already registered with other SQL`);
    }
  }
  namesByText.set(text, name);
  return text;
}

/**
 * Runs a query built with Kysely as a named prepared statement: for the statements every run
 * or request makes. Each SQL text the builder produces (a filter that is sometimes there makes
 * two) is its own statement, named `name` and a hash of the text. The query must name its
 * columns: a cached plan of `select *` fails once a migration adds a column.
 */
export function executePrepared<R>(
  db: DbExecutor,
  name: string,
  query: Compilable<R>,
): Promise<QueryResult<R>> {
  const compiled = query.compile();
  if (!namesByText.has(compiled.sql)) {
    if (SELECTS_EVERY_COLUMN.test(compiled.sql)) {
      throw new Error(`prepared statement '${name}' reads every column (*): name its columns`);
    }
    const hash = createHash('sha256').update(compiled.sql).digest('hex').slice(0, 12);
    preparedStatement(`${name}_${hash}`, compiled.sql);
  }
  return db.executeQuery(compiled);
}

const SELECTS_EVERY_COLUMN = /(?:\bselect|\breturning|,|\.)\s*\*/i;

/** The pool Kysely uses: connections of `pool`, running registered texts as named statements. */
export function preparingPool(pool: pg.Pool): PostgresPool {
  // One wrapper per physical connection: Kysely keys its connection objects on what we return.
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = wrapClient(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

function wrapClient(client: pg.PoolClient): PostgresPoolClient {
  function query<R>(
    sql: string,
    parameters: ReadonlyArray<unknown>,
  ): Promise<PostgresQueryResult<R>>;
  function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  function query<R>(
    sqlOrCursor: string | PostgresCursor<R>,
    parameters: ReadonlyArray<unknown> = [],
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    // Kysely's cursors are pg-cursor instances (pg Submittables), run as they are.
    if (typeof sqlOrCursor !== 'string') return client.query(sqlOrCursor as never);
    const name = namesByText.get(sqlOrCursor);
    const values = [...parameters];
    const result = name
      ? client.query({ name, text: sqlOrCursor, values })
      : client.query(sqlOrCursor, values);
    // The same result either way; pg types rows loosely and `command` as any string.
    return result as Promise<unknown> as Promise<PostgresQueryResult<R>>;
  }
  // pg-pool installs a new `release` on every checkout, so it is looked up on each call.
  return { query, release: (destroy?: boolean) => client.release(destroy) };
}
