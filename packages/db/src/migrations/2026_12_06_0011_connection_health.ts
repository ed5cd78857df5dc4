import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
type AnyDb = Kysely<any>;

/**
 * Background connection health: a connection whose last check failed is `unhealthy` (runs
 * still try it; the reason is in `health`). `last_used_at` (touched at most hourly by runs)
 * and `last_checked_at` pick the connections nobody has used or checked for a while.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('connections').dropConstraint('connections_status_check').execute();
  await db.schema
    .alterTable('connections')
    .addCheckConstraint(
      'connections_status_check',
      sql`status in ('active', 'needs_reauth', 'insufficient_scope', 'error', 'unhealthy')`,
    )
    .execute();
  await db.schema
    .alterTable('connections')
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('last_checked_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('connections_health_due')
    .on('connections')
    .columns(['tenant_id', 'last_checked_at'])
    .where(sql<boolean>`status in ('active', 'unhealthy')`)
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('connections_health_due').execute();
  await db.schema
    .alterTable('connections')
    .dropColumn('last_checked_at')
    .dropColumn('last_used_at')
    .execute();
  await db.schema.alterTable('connections').dropConstraint('connections_status_check').execute();
  await db.schema
    .alterTable('connections')
    .addCheckConstraint(
      'connections_status_check',
      sql`status in ('active', 'needs_reauth', 'insufficient_scope', 'error')`,
    )
    .execute();
}
