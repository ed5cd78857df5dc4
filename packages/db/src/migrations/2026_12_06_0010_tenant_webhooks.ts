import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
type AnyDb = Kysely<any>;

/**
 * Per-tenant events and their durable delivery:
 * - `tenant_webhooks`: one endpoint per tenant and its signing secret, sealed by the vault;
 *   after a rotation the previous secret keeps signing until `previous_secret_expires_at`.
 * - `tenant_events`: every event, its payload (names, ids and codes, never a secret).
 * - `event_deliveries`: one row per send of an event (the first, and each redelivery), run by
 *   a Temporal workflow; `event_delivery_attempts`: each HTTP attempt and what came back.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('tenant_webhooks')
    .addColumn('tenant_id', 'uuid', (c) =>
      c.primaryKey().references('tenants.id').onDelete('cascade'),
    )
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('encrypted_secret', 'bytea', (c) => c.notNull())
    .addColumn('secret_hint', 'text', (c) => c.notNull())
    .addColumn('encrypted_previous_secret', 'bytea')
    .addColumn('previous_secret_expires_at', 'timestamptz')
    .addColumn('secret_version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('tenant_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('tenant_events_by_tenant')
    .on('tenant_events')
    .columns(['tenant_id', 'created_at desc', 'id desc'])
    .execute();

  await db.schema
    .createTable('event_deliveries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('event_id', 'uuid', (c) =>
      c.notNull().references('tenant_events.id').onDelete('cascade'),
    )
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'delivered', 'failed', 'no_endpoint')`),
    )
    .addColumn('reason', 'text')
    // Set once its workflow has been started; a pending delivery without it is resumed.
    .addColumn('workflow_started_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('event_deliveries_by_event')
    .on('event_deliveries')
    .columns(['tenant_id', 'event_id'])
    .execute();
  // The sweep that restarts deliveries whose workflow never started finds them here.
  await db.schema
    .createIndex('event_deliveries_pending')
    .on('event_deliveries')
    .column('created_at')
    .where(sql<boolean>`status = 'pending' and workflow_started_at is null`)
    .execute();

  await db.schema
    .createTable('event_delivery_attempts')
    .addColumn('delivery_id', 'uuid', (c) =>
      c.notNull().references('event_deliveries.id').onDelete('cascade'),
    )
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('event_delivery_attempts_pk', ['delivery_id', 'attempt'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('event_delivery_attempts').execute();
  await db.schema.dropTable('event_deliveries').execute();
  await db.schema.dropTable('tenant_events').execute();
  await db.schema.dropTable('tenant_webhooks').execute();
}
