import { sql } from 'kysely';
import type { DbExecutor as Executor } from '../client';
import type { Connection } from '../schema';
import type { ConnectionRefreshState, ConnectionWrite } from './connections';

/**
 * Invariants of the refresh lease (see resolver/oauth-refresh.ts):
 * - every statement here is one short autocommit write or read: no caller holds a pooled
 *   connection, a transaction or a lock while it talks to a token endpoint;
 * - a lease is taken only on the version the caller saw and only when none is live, so at most
 *   one caller per connection calls the token endpoint at a time, across every process;
 * - the outcome is written only by the lease's owner and only on the version it leased
 *   (compare-and-set): a reconnect in the meantime wins, and so does a takeover after expiry;
 * - leases use the database's clock, never the caller's.
 */

/** What a caller waiting for someone else's refresh needs to see. */
export type RefreshLeaseView = Pick<
  Connection,
  'id' | 'user_id' | 'status' | 'last_error' | 'version' | 'refresh_lease_until'
> & { lease_live: boolean };

/**
 * Takes the refresh lease of a connection for `leaseMs`, if its version is still
 * `expectedVersion` and no live lease exists. Returns the row (as leased) or undefined.
 * `updated_at` is left alone: the refresh cooldown reads it.
 */
export async function takeRefreshLease(
  db: Executor,
  tenantId: string,
  id: string,
  expectedVersion: number,
  owner: string,
  leaseMs: number,
): Promise<Connection | undefined> {
  return db
    .updateTable('connections')
    .set({
      refresh_lease_owner: owner,
      refresh_lease_until: sql<Date>`now() + make_interval(secs => ${leaseMs / 1000})`,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .where((eb) =>
      eb.or([
        eb('refresh_lease_until', 'is', null),
        eb('refresh_lease_until', '<=', sql<Date>`now()`),
      ]),
    )
    .returningAll()
    .executeTakeFirst();
}

/** The connection's version, status and lease, for callers queued behind a refresh. */
export async function readRefreshLease(
  db: Executor,
  tenantId: string,
  id: string,
): Promise<RefreshLeaseView | undefined> {
  return db
    .selectFrom('connections')
    .select([
      'id',
      'user_id',
      'status',
      'last_error',
      'version',
      'refresh_lease_until',
      sql<boolean>`coalesce(refresh_lease_until > now(), false)`.as('lease_live'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * Writes a refresh's outcome and ends the lease in one statement, only while `owner` still
 * holds the lease on `expectedVersion`; bumps the version. Undefined when the lease was lost.
 */
export async function writeLeasedRefresh(
  db: Executor,
  tenantId: string,
  id: string,
  expectedVersion: number,
  owner: string,
  values: Partial<ConnectionWrite> & ConnectionRefreshState,
): Promise<Connection | undefined> {
  return db
    .updateTable('connections')
    .set({
      ...values,
      version: expectedVersion + 1,
      updated_at: new Date(),
      refresh_lease_owner: null,
      refresh_lease_until: null,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .where('refresh_lease_owner', '=', owner)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Records a failed attempt (no new token: the version stays) and ends the lease, if `owner`
 * still holds it. Returns whether it did.
 */
export async function recordLeasedRefreshFailure(
  db: Executor,
  tenantId: string,
  id: string,
  owner: string,
  values: { consecutive_failures: number; last_error: string },
): Promise<boolean> {
  const result = await db
    .updateTable('connections')
    .set({
      ...values,
      updated_at: new Date(),
      refresh_lease_owner: null,
      refresh_lease_until: null,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('refresh_lease_owner', '=', owner)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Gives the lease back unchanged (nothing was refreshed); a no-op once it is not ours. */
export async function releaseRefreshLease(
  db: Executor,
  tenantId: string,
  id: string,
  owner: string,
): Promise<void> {
  await db
    .updateTable('connections')
    .set({ refresh_lease_owner: null, refresh_lease_until: null })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('refresh_lease_owner', '=', owner)
    .execute();
}
