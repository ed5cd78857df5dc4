import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
type AnyDb = Kysely<any>;

/** Where the callback sends the browser afterwards, chosen when the flow starts. */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('oauth_states').addColumn('return_url', 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('oauth_states').dropColumn('return_url').execute();
}
