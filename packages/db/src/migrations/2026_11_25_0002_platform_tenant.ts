import { type Kysely, sql } from 'kysely';
import { PLATFORM_TENANT_ID } from '../schema';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
type AnyDb = Kysely<any>;

/** Inserts the reserved platform tenant (see `PLATFORM_TENANT_ID` in the schema). */

export async function up(db: AnyDb): Promise<void> {
  await sql`
    insert into tenants (id, name) values (${PLATFORM_TENANT_ID}, '__latchkey_platform__')
    on conflict do nothing`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  await sql`delete from tenants where id = ${PLATFORM_TENANT_ID}`.execute(db);
}
