import { CompiledQuery } from 'kysely';
import type { DbExecutor as Executor } from '../client';
import { executePrepared, preparedStatement } from '../prepared';
import {
  type Connection,
  type CredentialHealth,
  INTEGRATION_OWN_USER,
  type Integration,
} from '../schema';

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
 * One round trip for what a request needs: the integration and, if any, the user's connection
 * (without a user, the integration's own connection).
 * Every step on an OAuth integration reads it (to refresh a token in time): prepared.
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

/** What mapping one request needs: where the integration lives, its auth, the sealed bags. */
export interface CredentialsForRequest {
  integration: Pick<
    Integration,
    'id' | 'url_host' | 'url_path' | 'auth' | 'template_id' | 'encrypted_credentials'
  >;
  connection: Pick<Connection, 'id' | 'user_id' | 'encrypted_credentials'> | undefined;
}

interface CredentialsRow extends Pick<Integration, keyof CredentialsForRequest['integration']> {
  c_id: string | null;
  c_user_id: string | null;
  c_encrypted_credentials: Buffer | null;
}

// Runs before every step's request: a named prepared statement (planned once per connection)
// reading only the columns the mapper uses. Scoped by tenant like every other read.
const CREDENTIALS_FOR_REQUEST = preparedStatement(
  'latchkey_credentials_for_request',
  `select i.id, i.url_host, i.url_path, i.auth, i.template_id, i.encrypted_credentials,
  c.id as c_id, c.user_id as c_user_id, c.encrypted_credentials as c_encrypted_credentials
from integrations i
left join connections c
  on c.tenant_id = i.tenant_id and c.integration_id = i.id and c.user_id = $3
where i.tenant_id = $1 and i.id = $2`,
);

/**
 * One round trip for resolving a request: the integration and, with a user, that user's
 * connection. `findIntegrationForRequest` is the wider read (OAuth settings, token state);
 * its result can stand in for this one.
 */
export async function findCredentialsForRequest(
  db: Executor,
  tenantId: string,
  integrationId: string,
  userId: string | null,
): Promise<CredentialsForRequest | undefined> {
  const { rows } = await db.executeQuery<CredentialsRow>(
    CompiledQuery.raw(CREDENTIALS_FOR_REQUEST, [
      tenantId,
      integrationId,
      userId ?? INTEGRATION_OWN_USER,
    ]),
  );
  const row = rows[0];
  if (!row) return undefined;
  const { c_id, c_user_id, c_encrypted_credentials, ...integration } = row;
  return {
    integration,
    connection:
      c_id && c_user_id !== null
        ? { id: c_id, user_id: c_user_id, encrypted_credentials: c_encrypted_credentials }
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
