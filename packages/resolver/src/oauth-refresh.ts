import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
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
  readRefreshLease,
  recordLeasedRefreshFailure,
  releaseRefreshLease,
  takeRefreshLease,
  writeLeasedRefresh,
} from '@latchkey/db';
import type { EgressPolicy } from '@latchkey/egress';
import { OAuthFlowError, refreshTokens, scopesMissing } from '@latchkey/oauth';
import { metrics } from '@latchkey/observability';
import { connectionCredentialsContext, sealBag, type Vault } from '@latchkey/vault';
import { oauthClientFor, requiredScopesOf } from './oauth-client';
import { isRefreshDue } from './refresh-timing';
import { type PublishEvent, sendWebhook, type WebhookTarget } from './webhook';

export interface RefreshDeps {
  db: Db;
  vault: Pick<Vault, 'openJson' | 'sealJson' | 'openText'>;
  /** Tenant egress: a tenant-defined token URL is checked like any step's destination. */
  egress: Pick<EgressPolicy, 'checkUrl' | 'fetch'>;
  /** The operator-wide endpoint (deprecated: tenants register their own). */
  webhook?: WebhookTarget;
  /** Records `connection.needs_reauth` for the tenant's own endpoint. */
  publishEvent?: PublishEvent;
  /**
   * Refresh when the token expires within this margin (default 60 s), or within half its
   * lifetime when that is shorter (see refresh-timing.ts).
   */
  marginMs?: number;
  /** After this many failures in a row, wait `cooldownMs` between attempts (default 3). */
  cooldownAfterFailures?: number;
  cooldownMs?: number;
  /**
   * How long a refresh holds its lease (default 60 s); a crashed holder's lease lapses after
   * this. The token request gets at most half of it, so a live holder never overruns it.
   */
  leaseMs?: number;
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

const contextOf = (c: Pick<Connection, 'tenant_id' | 'id' | 'user_id'>) =>
  connectionCredentialsContext(c.tenant_id, c.id, c.user_id);

export interface FreshnessCheck {
  /** The connection version the caller's request will use; pass it back to force a refresh on 401. */
  version: number | null;
  /** The rows as read when nothing needed refreshing: hand them to loadRequestCredentials. */
  found?: IntegrationForRequest;
}

/**
 * Makes sure the end user's OAuth access token is usable before a request: refreshes when it
 * expires within the margin, or when `forceIfVersion` says a request was refused with the
 * token of that version. Exactly one refresh runs per connection at a time, across every
 * worker: the first caller takes a lease on the connection row, the others wait (holding no
 * database connection) until the version moves on and use the new token. With rotating
 * refresh tokens a second concurrent refresh would destroy the grant, so this is not an
 * optimisation. No pooled connection or lock is held while the tenant's token URL answers:
 * a slow token endpoint of one tenant must not starve the pool every tenant shares.
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

  return refreshSingleFlight(deps, integration, {
    tenantId: input.tenantId,
    integrationId: input.integrationId,
    connectionId: seen.id,
    seenVersion: seen.version,
  });
}

/** How long a refresh may hold its lease; its token request gets at most half of it. */
export const DEFAULT_REFRESH_LEASE_MS = 60_000;
const TOKEN_TIMEOUT_MS = 30_000;
const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 200;

/**
 * Single flight without holding anything across the network call: take the lease (one short
 * statement), or wait for whoever holds it by reading the row now and then, with no pooled
 * connection kept between reads. A holder that dies loses its lease when it lapses, and the
 * next waiter takes over. See packages/db/src/repositories/refresh-leases.ts for the invariants.
 */
async function refreshSingleFlight(
  deps: RefreshDeps,
  integration: Integration,
  key: { tenantId: string; integrationId: string; connectionId: string; seenVersion: number },
): Promise<FreshnessCheck> {
  const leaseMs = deps.leaseMs ?? DEFAULT_REFRESH_LEASE_MS;
  const owner = randomUUID();
  let pause = FIRST_POLL_MS;
  for (;;) {
    const leased = await takeRefreshLease(
      deps.db,
      key.tenantId,
      key.connectionId,
      key.seenVersion,
      owner,
      leaseMs,
    );
    if (leased) {
      return countRefresh(leased, () => refreshLeased(deps, integration, leased, owner, leaseMs));
    }
    // Someone else holds the lease, or already refreshed: one read per pause until it is over.
    for (;;) {
      const now = await readRefreshLease(deps.db, key.tenantId, key.connectionId);
      if (!now) return { version: null };
      // Someone refreshed (or reconnected) meanwhile: their token is the one to use, even if
      // a short-lived one is already near its end again.
      if (now.version !== key.seenVersion) {
        if (now.status === 'needs_reauth') {
          throw new ReauthRequiredError(
            key.integrationId,
            now.user_id,
            now.last_error ?? 'refresh failed',
          );
        }
        return { version: now.version };
      }
      // No live lease (its holder gave up, or crashed and it lapsed): try to take it.
      if (!now.lease_live) break;
      await delay(pause + Math.floor(Math.random() * pause));
      pause = Math.min(pause * 2, MAX_POLL_MS);
    }
  }
}

/** `latchkey_oauth_refresh_total{outcome}`: what each refresh under the lock came to. */
async function countRefresh(
  current: Connection,
  refresh: () => Promise<FreshnessCheck>,
): Promise<FreshnessCheck> {
  try {
    const result = await refresh();
    const moved = result.version !== null && result.version !== current.version;
    metrics.oauthRefreshes.inc({ outcome: moved ? 'refreshed' : 'not_refreshable' });
    return result;
  } catch (error) {
    metrics.oauthRefreshes.inc({
      outcome: error instanceof ReauthRequiredError ? 'needs_reauth' : 'failed',
    });
    throw error;
  }
}

async function refreshLeased(
  deps: RefreshDeps,
  integration: Integration,
  current: Connection,
  owner: string,
  leaseMs: number,
): Promise<FreshnessCheck> {
  let settled = false;
  const write = { db: deps.db, owner, settle: () => (settled = true) };
  try {
    return await refreshWithLease(deps, write, integration, current, leaseMs);
  } finally {
    if (!settled) {
      // A failed release must not hide the refresh's own outcome: the lease lapses anyway.
      await releaseRefreshLease(deps.db, current.tenant_id, current.id, owner).catch(() => {});
    }
  }
}

interface LeaseWriter {
  db: Db;
  owner: string;
  /** Marks the lease as ended by an outcome write. */
  settle: () => void;
}

async function refreshWithLease(
  deps: RefreshDeps,
  lease: LeaseWriter,
  integration: Integration,
  current: Connection,
  leaseMs: number,
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
    return markNeedsReauth(deps, lease, current, 'no_refresh_token');
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
  // The token request ends well before the lease does, so no one else can take over mid-call.
  const timeoutMs = Math.min(config.timeoutMs ?? TOKEN_TIMEOUT_MS, Math.floor(leaseMs / 2));
  try {
    const tokens = await refreshTokens({ ...config, timeoutMs }, refreshToken);
    const next: CredentialMap = {
      ...bag,
      access_token: tokens.accessToken,
      // Many providers rotate only sometimes: no new refresh token means keep the old one.
      refresh_token: tokens.refreshToken ?? refreshToken,
    };
    const { sealed, hints } = await sealBag(deps.vault, contextOf(current), next);
    // The write and its audit row share one short transaction (one pool checkout, nothing
    // remote inside): the new token is visible to waiters as soon as possible.
    const written = await lease.db.transaction().execute(async (trx) => {
      const row = await writeLeasedRefresh(
        trx,
        current.tenant_id,
        current.id,
        current.version,
        lease.owner,
        {
          encrypted_credentials: sealed,
          credential_hints: JSON.stringify(hints),
          expires_at: tokens.expiresAt,
          token_obtained_at: tokens.obtainedAt,
          granted_scopes: tokens.scopes ?? current.granted_scopes,
          last_refresh_at: new Date(),
          consecutive_failures: 0,
          last_error: null,
        },
      );
      if (row) {
        await auditRefresh(trx, current, 'connection.refresh', {
          rotated: Boolean(tokens.refreshToken),
        });
      }
      return row;
    });
    if (!written) return lostLease(lease, current);
    lease.settle();
    return { version: written.version };
  } catch (error) {
    if (error instanceof OAuthFlowError && error.kind === 'permanent') {
      return markNeedsReauth(deps, lease, current, error.code);
    }
    const code = error instanceof OAuthFlowError ? error.code : 'unexpected';
    const recorded = await lease.db.transaction().execute(async (trx) => {
      const ours = await recordLeasedRefreshFailure(
        trx,
        current.tenant_id,
        current.id,
        lease.owner,
        { consecutive_failures: failures + 1, last_error: code },
      );
      await auditRefresh(trx, current, 'connection.refresh_failed', { code, transient: true });
      return ours;
    });
    if (recorded) lease.settle();
    throw new RefreshUnavailableError(
      `refreshing '${who.integrationId}' for '${who.userId}' failed (${code}); will retry`,
      error instanceof OAuthFlowError ? error.retryAfterMs : undefined,
    );
  }
}

/** The lease was lost (a reconnect replaced the tokens, or it lapsed): the stored row wins. */
async function lostLease(lease: LeaseWriter, current: Connection): Promise<FreshnessCheck> {
  const now = await readRefreshLease(lease.db, current.tenant_id, current.id);
  return { version: now?.version ?? null };
}

async function markNeedsReauth(
  deps: RefreshDeps,
  lease: LeaseWriter,
  current: Connection,
  reason: string,
): Promise<FreshnessCheck> {
  const written = await lease.db.transaction().execute(async (trx) => {
    const row = await writeLeasedRefresh(
      trx,
      current.tenant_id,
      current.id,
      current.version,
      lease.owner,
      {
        status: 'needs_reauth',
        last_error: reason,
        consecutive_failures: current.consecutive_failures + 1,
      },
    );
    if (row) await auditRefresh(trx, current, 'connection.needs_reauth', { reason });
    return row;
  });
  if (!written) return lostLease(lease, current);
  lease.settle();
  await deps.publishEvent?.({
    tenantId: current.tenant_id,
    type: 'connection.needs_reauth',
    data: {
      connectionId: current.id,
      integrationId: current.integration_id,
      userId: current.user_id,
      reason,
    },
  });
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
