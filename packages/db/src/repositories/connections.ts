import type { DbExecutor as Executor } from '../client';
import type { Connection, ConnectionStatus, CredentialHealth } from '../schema';

export interface ConnectionWrite {
  encrypted_credentials: Buffer | null;
  credential_hints: string;
  status: ConnectionStatus;
  expires_at: Date | null;
  granted_scopes: string[];
  /** Set when a new access token is written. */
  token_obtained_at?: Date | null;
}

export async function findConnection(
  db: Executor,
  tenantId: string,
  integrationId: string,
  userId: string,
): Promise<Connection | undefined> {
  return db
    .selectFrom('connections')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('integration_id', '=', integrationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** What the background refresher plans with: who the connection is and when its token ends. */
export type ConnectionRefreshPlan = Pick<
  Connection,
  'integration_id' | 'user_id' | 'status' | 'expires_at' | 'token_obtained_at' | 'credential_hints'
>;

/** A connection by its id, as the background refresher reads it (no credentials). */
export async function findConnectionRefreshPlan(
  db: Executor,
  tenantId: string,
  id: string,
): Promise<ConnectionRefreshPlan | undefined> {
  return db
    .selectFrom('connections')
    .select([
      'integration_id',
      'user_id',
      'status',
      'expires_at',
      'token_obtained_at',
      'credential_hints',
    ])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listConnections(
  db: Executor,
  tenantId: string,
  filter: {
    integrationId?: string;
    userId?: string;
    /** A page: at most `limit` rows after the connection `after` (in integration, user order). */
    limit?: number;
    after?: { integrationId: string; userId: string };
  } = {},
): Promise<Connection[]> {
  let query = db.selectFrom('connections').selectAll().where('tenant_id', '=', tenantId);
  if (filter.integrationId) query = query.where('integration_id', '=', filter.integrationId);
  if (filter.userId) query = query.where('user_id', '=', filter.userId);
  const { after } = filter;
  if (after) {
    query = query.where((eb) =>
      eb(
        eb.refTuple('integration_id', 'user_id'),
        '>',
        eb.tuple(after.integrationId, after.userId),
      ),
    );
  }
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  return query.orderBy('integration_id').orderBy('user_id').execute();
}

/** The ids of an integration's connections, for work that follows their deletion. */
export async function listConnectionIds(
  db: Executor,
  tenantId: string,
  integrationId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('connections')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('integration_id', '=', integrationId)
    .execute();
  return rows.map((row) => row.id);
}

/** Inserts with a caller-chosen id (it is part of the sealed credentials' context). */
export async function insertConnection(
  db: Executor,
  row: { id: string; tenantId: string; integrationId: string; userId: string } & ConnectionWrite,
): Promise<Connection | undefined> {
  const { id, tenantId, integrationId, userId, ...values } = row;
  return db
    .insertInto('connections')
    .values({ id, tenant_id: tenantId, integration_id: integrationId, user_id: userId, ...values })
    .onConflict((oc) => oc.columns(['tenant_id', 'integration_id', 'user_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** What a token refresh records besides the tokens themselves. */
export interface ConnectionRefreshState {
  last_refresh_at?: Date | null;
  consecutive_failures?: number;
  last_error?: string | null;
}

export async function updateConnection(
  db: Executor,
  tenantId: string,
  id: string,
  expectedVersion: number,
  values: Partial<ConnectionWrite> & ConnectionRefreshState,
): Promise<Connection | undefined> {
  return db
    .updateTable('connections')
    .set({ ...values, version: expectedVersion + 1, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteConnection(
  db: Executor,
  tenantId: string,
  integrationId: string,
  userId: string,
): Promise<Connection | undefined> {
  return db
    .deleteFrom('connections')
    .where('tenant_id', '=', tenantId)
    .where('integration_id', '=', integrationId)
    .where('user_id', '=', userId)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Keeps the last credential test of a connection. The version stays: it orders token
 * refreshes, and a test changes no token.
 */
export async function recordConnectionHealth(
  db: Executor,
  tenantId: string,
  id: string,
  health: CredentialHealth,
): Promise<void> {
  await db
    .updateTable('connections')
    .set({ health: JSON.stringify(health) })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}

/**
 * Deletes an integration's connections (their tokens were bound to an origin it no longer has),
 * but the one of `keepUserId`; returns the deleted ids so their refreshers can be stopped.
 */
export async function deleteIntegrationConnections(
  db: Executor,
  tenantId: string,
  integrationId: string,
  keepUserId?: string,
): Promise<string[]> {
  let query = db
    .deleteFrom('connections')
    .where('tenant_id', '=', tenantId)
    .where('integration_id', '=', integrationId);
  if (keepUserId !== undefined) query = query.where('user_id', '<>', keepUserId);
  const rows = await query.returning('id').execute();
  return rows.map((row) => row.id);
}
