import type { CredentialMap } from '@latchkey/credential-mapper';
import {
  appendAudit,
  type Connection,
  type Db,
  type DbExecutor,
  findIntegrationForRequest,
  INTEGRATION_OWN_USER,
  type Integration,
  type IntegrationForRequest,
  updateConnection,
} from '@latchkey/db';
import type { EgressPolicy } from '@latchkey/egress';
import { OAuthFlowError, refreshTokens, scopesMissing } from '@latchkey/oauth';
import type { SealContext, Vault } from '@latchkey/vault';
import { sql } from 'kysely';
import { sealBag } from './credential-bag';
import { oauthClientFor, requiredScopesOf } from './oauth-client';
import { isRefreshDue } from './refresh-timing';
import { sendWebhook, type WebhookTarget } from './webhook';

export interface RefreshDeps {
  db: Db;
  vault: Pick<Vault, 'openJson' | 'sealJson' | 'openText'>;
  /** Tenant egress: a tenant-defined token URL is checked like any step's destination. */
  egress: Pick<EgressPolicy, 'checkUrl' | 'fetch'>;
  webhook?: WebhookTarget;
  /**
   * Refresh when the token expires within this margin (default 60 s), or within half its
   * lifetime when that is shorter (see refresh-timing.ts).
   */
  marginMs?: number;
  /** After this many failures in a row, wait `cooldownMs` between attempts (default 3). */
  cooldownAfterFailures?: number;
  cooldownMs?: number;
}

/** The user must connect again: refreshing cannot help (revoked grant, bad client, scopes). */
/** Refresh ahead of expiry by this much at most. */
export const DEFAULT_MARGIN_MS = 60_000;

export class ReauthRequiredError extends Error {
  override readonly name = 'ReauthRequiredError';
  constructor(
    readonly integrationId: string,
    readonly userId: string,
    readonly reason: string,
  ) {
    const whose =
      userId === INTEGRATION_OWN_USER
        ? `the integration's own connection to '${integrationId}'`
        : `the connection of user '${userId}' to '${integrationId}'`;
    super(
      `${whose} needs to be reconnected (${reason}): start the OAuth flow again (oauth.authorizeUrl)`,
    );
  }
}

/** A refresh failed for now (provider down, rate limited, cooling down); retrying may help. */
export class RefreshUnavailableError extends Error {
  override readonly name = 'RefreshUnavailableError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const contextOf = (c: Pick<Connection, 'tenant_id' | 'id' | 'user_id'>): SealContext => ({
  tenantId: c.tenant_id,
  kind: 'connection.credentials',
  recordId: c.id,
  userId: c.user_id,
});

export interface FreshnessCheck {
  /** The connection version the caller's request will use; pass it back to force a refresh on 401. */
  version: number | null;
  /** The rows as read when nothing needed refreshing: hand them to resolveRequest to skip a read. */
  found?: IntegrationForRequest;
}

/**
 * Makes sure the end user's OAuth access token is usable before a request: refreshes when it
 * expires within the margin, or when `forceIfVersion` says a request was refused with the
 * token of that version. Exactly one refresh runs per connection at a time, across every
 * worker: callers queue on a PostgreSQL advisory lock for the connection, and whoever gets
 * it second finds the version moved on and uses the new token. With rotating refresh tokens a
 * second concurrent refresh would destroy the grant, so this is not an optimisation.
 */
export async function ensureFreshToken(
  deps: RefreshDeps,
  input: {
    tenantId: string;
    integrationId: string;
    userId: string | null;
    forceIfVersion?: number;
  },
): Promise<FreshnessCheck> {
  const userId = input.userId ?? INTEGRATION_OWN_USER;
  const found = await findIntegrationForRequest(
    deps.db,
    input.tenantId,
    input.integrationId,
    userId,
  );
  const seen = found?.connection;
  if (!found || !seen || !found.integration.oauth) return { version: null, found };
  const { integration } = found;
  if (seen.status === 'needs_reauth') {
    throw new ReauthRequiredError(input.integrationId, userId, 'marked needs_reauth');
  }
  if (seen.status === 'insufficient_scope') {
    const missing = scopesMissing(requiredScopesOf(integration), seen.granted_scopes);
    throw new ReauthRequiredError(
      input.integrationId,
      userId,
      `missing scopes: ${missing.join(', ')}`,
    );
  }
  const margin = deps.marginMs ?? DEFAULT_MARGIN_MS;
  const forced = input.forceIfVersion !== undefined && input.forceIfVersion === seen.version;
  if (!forced && !isRefreshDue(seen, margin)) return { version: seen.version, found };

  return deps.db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtextextended(${seen.id}, 0))`.execute(conn);
    try {
      const current = await conn
        .selectFrom('connections')
        .selectAll()
        .where('tenant_id', '=', input.tenantId)
        .where('id', '=', seen.id)
        .executeTakeFirst();
      if (!current) return { version: null };
      // Someone refreshed (or reconnected) while we queued: their token is the one to use, even
      // if a short-lived one is already near its end again.
      if (current.version !== seen.version) {
        if (current.status === 'needs_reauth') {
          throw new ReauthRequiredError(
            input.integrationId,
            current.user_id,
            current.last_error ?? 'refresh failed',
          );
        }
        return { version: current.version };
      }
      return await refreshLocked(deps, conn, integration, current);
    } finally {
      await sql`select pg_advisory_unlock(hashtextextended(${seen.id}, 0))`.execute(conn);
    }
  });
}

async function refreshLocked(
  deps: RefreshDeps,
  conn: DbExecutor,
  integration: Integration,
  current: Connection,
): Promise<FreshnessCheck> {
  const bag = current.encrypted_credentials
    ? await deps.vault.openJson<CredentialMap>(contextOf(current), current.encrypted_credentials)
    : {};
  const refreshToken = bag.refresh_token;
  const who = { integrationId: current.integration_id, userId: current.user_id };
  if (!refreshToken) {
    // Nothing can be refreshed, only reconnected: the token serves until it has expired.
    if (current.expires_at === null || current.expires_at.getTime() > Date.now()) {
      return { version: current.version };
    }
    return markNeedsReauth(deps, conn, current, 'no_refresh_token');
  }
  const failures = current.consecutive_failures;
  const cooldownMs = deps.cooldownMs ?? 30_000;
  if (
    failures >= (deps.cooldownAfterFailures ?? 3) &&
    Date.now() - current.updated_at.getTime() < cooldownMs
  ) {
    throw new RefreshUnavailableError(
      `refreshing '${who.integrationId}' for '${who.userId}' failed ${failures} times in a row; cooling down`,
      cooldownMs,
    );
  }
  const { config } = await oauthClientFor(deps, integration);
  try {
    const tokens = await refreshTokens(config, refreshToken);
    const next: CredentialMap = {
      ...bag,
      access_token: tokens.accessToken,
      // Many providers rotate only sometimes: no new refresh token means keep the old one.
      refresh_token: tokens.refreshToken ?? refreshToken,
    };
    const { sealed, hints } = await sealBag(deps.vault, contextOf(current), next);
    const written = await updateConnection(conn, current.tenant_id, current.id, current.version, {
      encrypted_credentials: sealed,
      credential_hints: JSON.stringify(hints),
      expires_at: tokens.expiresAt,
      token_obtained_at: tokens.obtainedAt,
      granted_scopes: tokens.scopes ?? current.granted_scopes,
      last_refresh_at: new Date(),
      consecutive_failures: 0,
      last_error: null,
    });
    await auditRefresh(conn, current, 'connection.refresh', {
      rotated: Boolean(tokens.refreshToken),
    });
    return { version: written?.version ?? current.version + 1 };
  } catch (error) {
    if (error instanceof OAuthFlowError && error.kind === 'permanent') {
      return markNeedsReauth(deps, conn, current, error.code);
    }
    const code = error instanceof OAuthFlowError ? error.code : 'unexpected';
    await conn
      .updateTable('connections')
      .set({ consecutive_failures: failures + 1, last_error: code, updated_at: new Date() })
      .where('id', '=', current.id)
      .execute();
    await auditRefresh(conn, current, 'connection.refresh_failed', { code, transient: true });
    throw new RefreshUnavailableError(
      `refreshing '${who.integrationId}' for '${who.userId}' failed (${code}); will retry`,
      error instanceof OAuthFlowError ? error.retryAfterMs : undefined,
    );
  }
}

async function markNeedsReauth(
  deps: RefreshDeps,
  conn: DbExecutor,
  current: Connection,
  reason: string,
): Promise<never> {
  await updateConnection(conn, current.tenant_id, current.id, current.version, {
    status: 'needs_reauth',
    last_error: reason,
    consecutive_failures: current.consecutive_failures + 1,
  });
  await auditRefresh(conn, current, 'connection.needs_reauth', { reason });
  await sendWebhook(deps.webhook, {
    type: 'connection.needs_reauth',
    tenantId: current.tenant_id,
    integrationId: current.integration_id,
    userId: current.user_id,
    connectionId: current.id,
    reason,
    at: new Date().toISOString(),
  });
  throw new ReauthRequiredError(current.integration_id, current.user_id, reason);
}

/** Every refresh, success or failure, lands in the audit log: names and codes, never tokens. */
function auditRefresh(
  conn: DbExecutor,
  current: Connection,
  action: 'connection.refresh' | 'connection.refresh_failed' | 'connection.needs_reauth',
  details: Record<string, unknown>,
) {
  return appendAudit(conn, {
    tenantId: current.tenant_id,
    actor: 'system:refresh',
    action,
    targetKind: 'connection',
    targetId: current.id,
    userId: current.user_id,
    details: { integrationId: current.integration_id, ...details },
  });
}
