import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
type AnyDb = Kysely<any>;

/**
 * A reserved tenant that owns the platform's own encryption scope (Temporal payloads that
 * belong to no tenant, such as encoded failure attributes). It has no API keys and no
 * integrations; the api refuses to create keys for it.
 */
export const PLATFORM_TENANT_ID = '00000000-0000-0000-0000-000000000000';

export async function up(db: AnyDb): Promise<void> {
  await sql`
    insert into tenants (id, name) values (${PLATFORM_TENANT_ID}, '__latchkey_platform__')
    on conflict do nothing`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  await sql`delete from tenants where id = ${PLATFORM_TENANT_ID}`.execute(db);
}
