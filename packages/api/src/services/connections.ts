import { randomUUID } from 'node:crypto';
import {
  appendAudit,
  type Connection,
  type ConnectionStatus,
  type ConnectionWrite,
  type Db,
  type DbExecutor,
  deleteConnection as deleteConnectionRow,
  findConnection,
  findIntegration,
  INTEGRATION_OWN_USER,
  insertConnection,
  listConnections as listConnectionRows,
  updateConnection,
} from '@latchkey/db';
import {
  connectionCredentialsContext,
  hintList,
  openBag,
  sealBag,
  type Vault,
} from '@latchkey/vault';
import { ConflictError, NotFoundError } from '../errors';
import type { Actor } from './actor';
import { publishEvent } from './events';
import { changeBoundBag } from './integration-destination';
import { type RefresherDeps, startRefresher, stopRefresher } from './refresher';

export interface ConnectionServiceDeps extends RefresherDeps {
  db: Db;
  vault: Pick<Vault, 'sealJson' | 'openJson' | 'keyedHash'>;
}

export function connectionView(row: Connection) {
  return {
    id: row.id,
    integrationId: row.integration_id,
    /** null for the integration's own connection (tokens given with the integration). */
    userId: row.user_id === INTEGRATION_OWN_USER ? null : row.user_id,
    credentials: hintList(row.credential_hints),
    status: row.status,
    /** Whether the connection has a refresh token: without one it ends with its access token. */
    refreshes: 'refresh_token' in row.credential_hints,
    /** What will stop this connection working, for a human (a token that cannot be renewed). */
    warnings: connectionWarnings(row),
    expiresAt: row.expires_at,
    grantedScopes: row.granted_scopes,
    lastRefreshAt: row.last_refresh_at,
    lastError: row.last_error,
    consecutiveFailures: row.consecutive_failures,
    /** The last credential test of this connection (`integrations.test` with its user). */
    health: row.health,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export type ConnectionView = ReturnType<typeof connectionView>;

function connectionWarnings(row: Connection): string[] {
  if ('refresh_token' in row.credential_hints || !row.expires_at) return [];
  return [
    `no refresh token: the access token cannot be renewed and this connection stops working at ${row.expires_at.toISOString()}; ` +
      'ask for offline access (the offline_access scope, or the provider’s own switch) and connect again',
  ];
}

export interface ConnectionChange {
  integrationId: string;
  userId: string;
  credentials?: Record<string, string>;
  removeCredentials?: string[];
  replaceCredentials?: boolean;
  expiresAt?: Date | null;
  grantedScopes?: string[];
  /** When the access token given was obtained; default now, when one is given. */
  tokenObtainedAt?: Date;
}

/** For flows that know more than a caller can say: the status and the audit action. */
export interface ConnectionWriteOptions {
  status?: ConnectionStatus;
  action?: string;
  details?: Record<string, unknown>;
  /**
   * The integration's urlHost, when the caller may change where tokens go (`connections.upsert`):
   * a connection credential that moves its origin (`instance_url`, `host`) keeps only the
   * credentials given in the same call (integration-destination.ts).
   */
  boundTo?: string;
}

/** A connection change sealed and ready to write; built outside any transaction. */
export interface SealedConnectionChange {
  existing: Connection | undefined;
  id: string;
  change: ConnectionChange;
  values: ConnectionWrite;
  diff: { set: string[]; removed: string[] };
  options: ConnectionWriteOptions;
  /** The change moved the connection's origin: stored credentials not restated were removed. */
  moved: boolean;
}

/** Reads the stored connection and seals the change against it (no transaction held). */
export async function sealConnectionChange(
  deps: Pick<ConnectionServiceDeps, 'db' | 'vault'>,
  tenantId: string,
  change: ConnectionChange,
  options: ConnectionWriteOptions = {},
): Promise<SealedConnectionChange> {
  const existing = await findConnection(deps.db, tenantId, change.integrationId, change.userId);
  const id = existing?.id ?? randomUUID();
  // The connection id and user are bound: tokens cannot move between users.
  const ctx = connectionCredentialsContext(tenantId, id, change.userId);
  const stored = await openBag(deps.vault, ctx, existing?.encrypted_credentials ?? null);
  const { bag, diff, moved } = changeBoundBag({
    integrationId: change.integrationId,
    before: existing && options.boundTo !== undefined ? { urlHost: options.boundTo } : undefined,
    urlHost: options.boundTo ?? '',
    defaults: undefined,
    stored,
    change: {
      set: change.credentials,
      remove: change.removeCredentials,
      replace: change.replaceCredentials,
    },
  });
  const sealed = await sealBag(deps.vault, ctx, bag);
  const values: ConnectionWrite = {
    encrypted_credentials: sealed.sealed,
    credential_hints: JSON.stringify(sealed.hints),
    // New credentials by hand mean the user (re)connected: the connection is usable again.
    status: options.status ?? (diff.set.length > 0 ? 'active' : (existing?.status ?? 'active')),
    expires_at: change.expiresAt === undefined ? (existing?.expires_at ?? null) : change.expiresAt,
    granted_scopes: change.grantedScopes ?? existing?.granted_scopes ?? [],
    token_obtained_at:
      change.tokenObtainedAt ??
      (change.credentials?.access_token ? new Date() : (existing?.token_obtained_at ?? null)),
  };
  return { existing, id, change, values, diff, options, moved };
}

/**
 * Writes a sealed change and its audit event in the caller's transaction; undefined when a
 * concurrent writer got there first (seal again and retry).
 */
export async function writeConnectionChange(
  trx: DbExecutor,
  actor: Actor,
  sealed: SealedConnectionChange,
): Promise<Connection | undefined> {
  const { existing, id, change, values, diff, options } = sealed;
  const written = existing
    ? await updateConnection(trx, actor.tenantId, id, existing.version, values)
    : await insertConnection(trx, {
        id,
        tenantId: actor.tenantId,
        integrationId: change.integrationId,
        userId: change.userId,
        ...values,
      });
  if (!written) return undefined;
  await appendAudit(trx, {
    tenantId: actor.tenantId,
    actor: actor.actor,
    action: options.action ?? (existing ? 'connection.update' : 'connection.create'),
    targetKind: 'connection',
    targetId: id,
    userId: change.userId,
    details: {
      integrationId: change.integrationId,
      credentialsSet: diff.set,
      credentialsRemoved: diff.removed,
      ...(sealed.moved ? { destinationChanged: true } : {}),
      ...options.details,
    },
  });
  return written;
}

/**
 * After commit: a new connection is announced to the tenant (`connection.created`), and a
 * connection with a new refresh token gets its proactive refresher.
 */
export async function afterConnectionWrite(
  deps: RefresherDeps & { db: Db },
  sealed: SealedConnectionChange,
  row: Connection,
): Promise<ConnectionView> {
  const view = connectionView(row);
  if (!sealed.existing) {
    await publishEvent(deps, {
      tenantId: row.tenant_id,
      type: 'connection.created',
      data: {
        connectionId: row.id,
        integrationId: row.integration_id,
        userId: row.user_id,
        status: row.status,
      },
    });
  }
  // Tokens without an expiry are refreshed on a 401 only: no refresher for them.
  if (view.refreshes && row.expires_at && sealed.diff.set.includes('refresh_token')) {
    await startRefresher(deps, {
      tenantId: row.tenant_id,
      connectionId: row.id,
      integrationId: row.integration_id,
      userId: row.user_id,
    });
  }
  return view;
}

const MAX_ATTEMPTS = 3;

/** Creates or updates one end user's connection under an integration of the same tenant. */
export async function upsertConnection(
  deps: ConnectionServiceDeps,
  actor: Actor,
  input: ConnectionChange,
  options: ConnectionWriteOptions = {},
): Promise<ConnectionView> {
  const { tenantId } = actor;
  const integration = await findIntegration(deps.db, tenantId, input.integrationId);
  if (!integration) {
    throw new NotFoundError(`No integration '${input.integrationId}'`);
  }
  const bound = { ...options, boundTo: integration.url_host };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const sealed = await sealConnectionChange(deps, tenantId, input, bound);
    const row = await deps.db
      .transaction()
      .execute((trx) => writeConnectionChange(trx, actor, sealed));
    if (!row) continue;
    const view = await afterConnectionWrite(deps, sealed, row);
    if (!sealed.moved) return view;
    const removed = sealed.diff.removed;
    return {
      ...view,
      warnings: [
        ...view.warnings,
        `the destination changed, so credentials stored for the old one were removed${removed.length ? `: ${removed.join(', ')}` : ''}`,
      ],
    };
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
  filter: {
    integrationId?: string;
    userId?: string;
    limit?: number;
    after?: { integrationId: string; userId: string | null };
  },
): Promise<ConnectionView[]> {
  const { after } = filter;
  const rows = await listConnectionRows(db, tenantId, {
    ...filter,
    after: after && { ...after, userId: after.userId ?? INTEGRATION_OWN_USER },
  });
  return rows.map(connectionView);
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
