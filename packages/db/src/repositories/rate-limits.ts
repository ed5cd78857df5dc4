import { CompiledQuery } from 'kysely';
import type { Db } from '../client';
import { preparedStatement } from '../prepared';

/** The table rate-limiter-flexible keeps its counters in (migration 0012). */
export const RATE_LIMITS_TABLE = 'rate_limits';

/** The part of a pg Pool that rate-limiter-flexible's RateLimiterPostgres uses. */
export interface RateLimitStoreClient {
  query(query: { text: string; values?: unknown[]; name?: string }): Promise<{
    rows: unknown[];
    rowCount: number;
  }>;
}

/**
 * rate-limiter-flexible's PostgreSQL store (`storeType: 'pool'`), over the api's own pool:
 * counters live in `rate_limits`, so every api process shares them, without a second pool.
 * The library's statements are fixed SQL with parameters; named ones run prepared.
 */
export function rateLimitStore(db: Db): RateLimitStoreClient {
  return {
    async query({ text, values = [], name }) {
      const sqlText = name ? preparedStatement(`rate_limit_${name.split(':').pop()}`, text) : text;
      const result = await db.executeQuery(CompiledQuery.raw(sqlText, values));
      return {
        rows: result.rows as unknown[],
        rowCount: Number(result.numAffectedRows ?? result.rows.length),
      };
    },
  };
}
