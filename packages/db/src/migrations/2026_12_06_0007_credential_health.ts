import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
type AnyDb = Kysely<any>;

/**
 * The last credential test of an integration's stored credentials and of each connection:
 * `{ outcome, status?, message, checkedAt }`, never a secret.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('integrations').addColumn('health', 'jsonb').execute();
  await db.schema.alterTable('connections').addColumn('health', 'jsonb').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('connections').dropColumn('health').execute();
  await db.schema.alterTable('integrations').dropColumn('health').execute();
}
