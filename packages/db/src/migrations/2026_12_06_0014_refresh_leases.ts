import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
type AnyDb = Kysely<any>;

/**
 * A token refresh takes a lease on its connection (who, until when) in a short statement,
 * calls the token endpoint with no database connection or lock held, then writes the result
 * only if it still holds the lease and the version has not moved. The lease replaces an
 * advisory lock held for the whole network call; a holder that crashes loses it when it expires.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('connections')
    .addColumn('refresh_lease_owner', 'text')
    .addColumn('refresh_lease_until', 'timestamptz')
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('connections')
    .dropColumn('refresh_lease_owner')
    .dropColumn('refresh_lease_until')
    .execute();
}
