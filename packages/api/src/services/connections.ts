import { randomUUID } from 'node:crypto';
import {
  appendAudit,
  type Connection,
  type ConnectionStatus,
  type ConnectionWrite,
  type Db,
  deleteConnection as deleteConnectionRow,
  findConnection,
  findIntegration,
  insertConnection,
  listConnections as listConnectionRows,
  updateConnection,
} from '@latchkey/db';
import { changeBag, hintList, openBag, sealBag } from '@latchkey/resolver';
import type { SealContext, Vault } from '@latchkey/vault';
import { ConflictError, NotFoundError } from '../errors';
import type { ConnectionUpsertInput } from '../validation/connection-input';
import type { Actor } from './actor';
import { type RefresherDeps, startRefresher, stopRefresher } from './refresher';

export interface ConnectionServiceDeps extends RefresherDeps {
  db: Db;
  vault: Pick<Vault, 'sealJson' | 'openJson'>;
}

/** The connection id and user are part of the context: tokens cannot move between users. */
export const connectionContext = (tenantId: string, id: string, userId: string): SealContext => ({
  tenantId,
  kind: 'connection.credentials',
  recordId: id,
  userId,
});

export function connectionView(row: Connection) {
  return {
    id: row.id,
    integrationId: row.integration_id,
    userId: row.user_id,
    credentials: hintList(row.credential_hints),
    status: row.status,
    /** False for long-lived tokens: nothing will try to refresh them. */
    refreshes: 'refresh_token' in row.credential_hints && row.expires_at !== null,
    expiresAt: row.expires_at,
    grantedScopes: row.granted_scopes,
    lastRefreshAt: row.last_refresh_at,
    lastError: row.last_error,
    consecutiveFailures: row.consecutive_failures,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export type ConnectionView = ReturnType<typeof connectionView>;

const MAX_ATTEMPTS = 3;

/** Creates or updates one end user's connection under an integration of the same tenant. */
export async function upsertConnection(
  deps: ConnectionServiceDeps,
  actor: Actor,
  input: ConnectionUpsertInput,
  /** For flows that know more than a caller can say: the status and the audit action. */
  options: { status?: ConnectionStatus; action?: string; details?: Record<string, unknown> } = {},
): Promise<ConnectionView> {
  const { tenantId } = actor;
  if (!(await findIntegration(deps.db, tenantId, input.integrationId))) {
    throw new NotFoundError(`No integration '${input.integrationId}'`);
  }
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const existing = await findConnection(deps.db, tenantId, input.integrationId, input.userId);
    const id = existing?.id ?? randomUUID();
    const ctx = connectionContext(tenantId, id, input.userId);
    const stored = await openBag(deps.vault, ctx, existing?.encrypted_credentials ?? null);
    const { bag, diff } = changeBag(stored, {
      set: input.credentials,
      remove: input.removeCredentials,
      replace: input.replaceCredentials,
    });
    const sealed = await sealBag(deps.vault, ctx, bag);
    const values: ConnectionWrite = {
      encrypted_credentials: sealed.sealed,
      credential_hints: JSON.stringify(sealed.hints),
      // New credentials by hand mean the user (re)connected: the connection is usable again.
      status: options.status ?? (diff.set.length > 0 ? 'active' : (existing?.status ?? 'active')),
      expires_at: input.expiresAt === undefined ? (existing?.expires_at ?? null) : input.expiresAt,
      granted_scopes: input.grantedScopes ?? existing?.granted_scopes ?? [],
    };
    const row = await deps.db.transaction().execute(async (trx) => {
      const written = existing
        ? await updateConnection(trx, tenantId, id, existing.version, values)
        : await insertConnection(trx, {
            id,
            tenantId,
            integrationId: input.integrationId,
            userId: input.userId,
            ...values,
          });
      if (!written) return undefined;
      await appendAudit(trx, {
        tenantId,
        actor: actor.actor,
        action: options.action ?? (existing ? 'connection.update' : 'connection.create'),
        targetKind: 'connection',
        targetId: id,
        userId: input.userId,
        details: {
          integrationId: input.integrationId,
          credentialsSet: diff.set,
          credentialsRemoved: diff.removed,
          ...options.details,
        },
      });
      return written;
    });
    if (row) {
      const view = connectionView(row);
      if (view.refreshes && diff.set.includes('refresh_token')) {
        await startRefresher(deps, {
          tenantId,
          connectionId: row.id,
          integrationId: row.integration_id,
          userId: row.user_id,
        });
      }
      return view;
    }
  }
  throw new ConflictError('this connection is being changed concurrently; try again');
}

export async function getConnection(
  db: Db,
  tenantId: string,
  key: { integrationId: string; userId: string },
): Promise<ConnectionView> {
  const row = await findConnection(db, tenantId, key.integrationId, key.userId);
  if (!row)
    throw new NotFoundError(`No connection for user '${key.userId}' on '${key.integrationId}'`);
  return connectionView(row);
}

export async function listConnections(
  db: Db,
  tenantId: string,
  filter: { integrationId?: string; userId?: string },
): Promise<ConnectionView[]> {
  return (await listConnectionRows(db, tenantId, filter)).map(connectionView);
}

export async function deleteConnection(
  deps: { db: Db } & RefresherDeps,
  actor: Actor,
  key: { integrationId: string; userId: string },
): Promise<void> {
  const deleted = await deps.db.transaction().execute(async (trx) => {
    const row = await deleteConnectionRow(trx, actor.tenantId, key.integrationId, key.userId);
    if (!row)
      throw new NotFoundError(`No connection for user '${key.userId}' on '${key.integrationId}'`);
    await appendAudit(trx, {
      tenantId: actor.tenantId,
      actor: actor.actor,
      action: 'connection.delete',
      targetKind: 'connection',
      targetId: row.id,
      userId: row.user_id,
      details: { integrationId: key.integrationId },
    });
    return row;
  });
  await stopRefresher(deps, actor.tenantId, deleted.id);
}
