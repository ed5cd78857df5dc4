import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
type AnyDb = Kysely<any>;

/**
 * Limits at the door, shared by every api process:
 * - `rate_limits` holds rate-limiter-flexible's counters (RateLimiterPostgres, with
 *   `tableCreated: true`, so the library never creates tables itself). Its shape is the
 *   library's: key (limiter prefix + subject), points consumed, expiry in epoch milliseconds.
 *   Rows past their expiry are deleted by the library every few minutes.
 * - `runs_unfinished_tenant_idx` lets the run quota count one tenant's unfinished runs
 *   without reading its finished ones.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'varchar(255)', (col) => col.primaryKey())
    .addColumn('points', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('expire', 'bigint')
    .execute();
  await db.schema
    .createIndex('runs_unfinished_tenant_idx')
    .on('runs')
    .column('tenant_id')
    .where(sql.ref('finished_at'), 'is', null)
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('runs_unfinished_tenant_idx').ifExists().execute();
  await db.schema.dropTable('rate_limits').ifExists().execute();
}
