import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
type AnyDb = Kysely<any>;

/**
 * Browser-bound connects:
 * - `oauth_states.browser_hash`: SHA-256 of the secret in the cookie set on the browser that
 *   started the flow; the callback consumes a state only with that cookie. `connect_link_id`:
 *   the link the flow came from, spent when the connection is made.
 * - `connect_links`: one row per link, so a link can be single-use and revoked (the token
 *   itself stays a sealed grant; the row holds no secret).
 * - `tenants.return_origins`: the origins an admin key registered; return URLs must match one.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('connect_links')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('connect_links_tenant_idx')
    .on('connect_links')
    .columns(['tenant_id', 'created_at'])
    .execute();
  await db.schema
    .alterTable('oauth_states')
    .addColumn('browser_hash', 'text')
    .addColumn('connect_link_id', 'uuid')
    .execute();
  await db.schema
    .alterTable('tenants')
    .addColumn('return_origins', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('tenants').dropColumn('return_origins').execute();
  await db.schema
    .alterTable('oauth_states')
    .dropColumn('browser_hash')
    .dropColumn('connect_link_id')
    .execute();
  await db.schema.dropTable('connect_links').execute();
}
