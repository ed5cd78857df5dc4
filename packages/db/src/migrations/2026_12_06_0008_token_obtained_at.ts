import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
type AnyDb = Kysely<any>;

/**
 * When the connection's current access token was obtained: with `expires_at` it gives the
 * token's lifetime, and a token is refreshed when less than half of that (at most the margin)
 * remains, so short-lived tokens are not refreshed again by every run that sees them.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('connections').addColumn('token_obtained_at', 'timestamptz').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('connections').dropColumn('token_obtained_at').execute();
}
