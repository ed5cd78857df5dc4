import type { DbExecutor as Executor } from '../client';
import { executePrepared } from '../prepared';
import { type CredentialHealth, INTEGRATION_OWN_USER, type Integration } from '../schema';

/** The columns a writer sets; ids and timestamps are handled here. */
export interface IntegrationWrite {
  name: string;
  url_host: string;
  url_path: string;
  auth: string | null;
  template_id: string | null;
  instructions: string | null;
  docs_url: string | null;
  encrypted_credentials: Buffer | null;
  credential_hints: string;
  oauth: string | null;
  encrypted_oauth_client_secret: Buffer | null;
}

export async function findIntegration(
  db: Executor,
  tenantId: string,
  id: string,
): Promise<Integration | undefined> {
  return db
    .selectFrom('integrations')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** A tenant's integrations by id; a page of `limit` after the id `after` when given. */
export async function listIntegrations(
  db: Executor,
  tenantId: string,
  page: { limit?: number; after?: string } = {},
): Promise<Integration[]> {
  let query = db.selectFrom('integrations').selectAll().where('tenant_id', '=', tenantId);
  if (page.after !== undefined) query = query.where('id', '>', page.after);
  if (page.limit !== undefined) query = query.limit(page.limit);
  return query.orderBy('id').execute();
}

/** Inserts; returns undefined when the id is taken (a concurrent creator won). */
export async function insertIntegration(
  db: Executor,
  tenantId: string,
  id: string,
  values: IntegrationWrite,
): Promise<Integration | undefined> {
  return db
    .insertInto('integrations')
    .values({ tenant_id: tenantId, id, ...values })
    .onConflict((oc) => oc.columns(['tenant_id', 'id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Updates only if the row is still at `expectedVersion`; undefined means someone else wrote. */
export async function updateIntegration(
  db: Executor,
  tenantId: string,
  id: string,
  expectedVersion: number,
  values: IntegrationWrite,
): Promise<Integration | undefined> {
  return db
    .updateTable('integrations')
    .set({ ...values, version: expectedVersion + 1, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteIntegration(
  db: Executor,
  tenantId: string,
  id: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('integrations')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export interface IntegrationForRequest {
  integration: Integration;
  connection:
    | {
        id: string;
        user_id: string;
        encrypted_credentials: Buffer | null;
        status: string;
        expires_at: Date | null;
        token_obtained_at: Date | null;
        granted_scopes: string[];
        version: number;
        /** When a run last used it (for the health schedule; touched at most hourly). */
        last_used_at: Date | null;
      }
    | undefined;
}

/**
 * One round trip for what a step's requests need: the integration (auth, OAuth settings, the
 * sealed bag) and, if any, the user's connection with its token state (without a user, the
 * integration's own connection). The token freshness check and the credential mapping share
 * this read, so a step makes it once. Every step reads it: a named prepared statement.
 */
export async function findIntegrationForRequest(
  db: Executor,
  tenantId: string,
  integrationId: string,
  userId: string | null,
): Promise<IntegrationForRequest | undefined> {
  const { rows } = await executePrepared(
    db,
    'latchkey_find_integration_for_request',
    db
      .selectFrom('integrations as i')
      .leftJoin('connections as c', (join) =>
        join
          .onRef('c.tenant_id', '=', 'i.tenant_id')
          .onRef('c.integration_id', '=', 'i.id')
          .on('c.user_id', '=', userId ?? INTEGRATION_OWN_USER),
      )
      .select([
        // Every column, named: a prepared statement cannot read `i.*`.
        'i.tenant_id',
        'i.id',
        'i.name',
        'i.url_host',
        'i.url_path',
        'i.auth',
        'i.template_id',
        'i.instructions',
        'i.docs_url',
        'i.encrypted_credentials',
        'i.credential_hints',
        'i.oauth',
        'i.encrypted_oauth_client_secret',
        'i.health',
        'i.version',
        'i.created_at',
        'i.updated_at',
        'c.id as c_id',
        'c.user_id as c_user_id',
        'c.encrypted_credentials as c_encrypted_credentials',
        'c.status as c_status',
        'c.expires_at as c_expires_at',
        'c.token_obtained_at as c_token_obtained_at',
        'c.granted_scopes as c_granted_scopes',
        'c.version as c_version',
        'c.last_used_at as c_last_used_at',
      ])
      .where('i.tenant_id', '=', tenantId)
      .where('i.id', '=', integrationId),
  );
  const row = rows[0];
  if (!row) return undefined;
  const {
    c_id,
    c_user_id,
    c_encrypted_credentials,
    c_status,
    c_expires_at,
    c_token_obtained_at,
    c_granted_scopes,
    c_version,
    c_last_used_at,
    ...integration
  } = row;
  return {
    integration,
    connection:
      c_id && c_user_id !== null
        ? {
            id: c_id,
            user_id: c_user_id,
            encrypted_credentials: c_encrypted_credentials,
            status: c_status ?? 'active',
            expires_at: c_expires_at,
            token_obtained_at: c_token_obtained_at,
            granted_scopes: c_granted_scopes ?? [],
            version: c_version ?? 1,
            last_used_at: c_last_used_at,
          }
        : undefined,
  };
}

/**
 * Keeps the last credential test of an integration's own credentials. Not a configuration
 * change: the version stays, so a concurrent upsert is not refused because of a test.
 */
export async function recordIntegrationHealth(
  db: Executor,
  tenantId: string,
  id: string,
  health: CredentialHealth,
): Promise<void> {
  await db
    .updateTable('integrations')
    .set({ health: JSON.stringify(health) })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}
