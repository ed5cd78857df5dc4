import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
type AnyDb = Kysely<any>;

/**
 * Browser-bound `oauth.authorizeUrl` flows: the URL handed to the tenant's app is a start URL
 * of the api's, not the provider's. `start_hash` is the SHA-256 of its single-use token (the
 * token itself is never stored); `encrypted_authorize_url` is the provider's URL (it carries
 * the state), sealed with the tenant's key, opened once when a browser follows the start URL
 * and gets the connect cookie whose hash then goes into `browser_hash`.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('oauth_states')
    .addColumn('start_hash', 'text', (c) => c.unique())
    .addColumn('encrypted_authorize_url', 'bytea')
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('oauth_states')
    .dropColumn('start_hash')
    .dropColumn('encrypted_authorize_url')
    .execute();
}
