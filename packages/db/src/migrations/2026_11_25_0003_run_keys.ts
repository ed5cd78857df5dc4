import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
type AnyDb = Kysely<any>;

/**
 * One key per run that carries runtime credentials. The credentials travel through Temporal
 * sealed with this key; deleting the row when the run ends makes every copy in Temporal's
 * history unreadable for good.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('run_keys')
    .addColumn('run_id', 'uuid', (c) => c.primaryKey().references('runs.id').onDelete('cascade'))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('encrypted_key', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('run_keys_tenant_idx').on('run_keys').column('tenant_id').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('run_keys').ifExists().execute();
}
