import { sql } from 'kysely';
import type { DbExecutor as Executor } from '../client';
import type { ConnectionStatus, CredentialHealth } from '../schema';

/** Statuses the health schedule checks: the others already say what is wrong. */
const CHECKED: ConnectionStatus[] = ['active', 'unhealthy'];

/**
 * Tenants with connections neither used nor checked since `staleBefore`, oldest first, so a
 * sweep that reaches only some tenants reaches the others next time.
 */
export async function listTenantsWithDueConnections(
  db: Executor,
  staleBefore: Date,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('connections')
    .select('tenant_id')
    .where('status', 'in', CHECKED)
    .where((eb) =>
      eb.or([eb('last_checked_at', 'is', null), eb('last_checked_at', '<', staleBefore)]),
    )
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', staleBefore)]))
    .where('created_at', '<', staleBefore)
    .groupBy('tenant_id')
    .orderBy(sql`min(coalesce(last_checked_at, created_at))`)
    .limit(limit)
    .execute();
  return rows.map((row) => row.tenant_id);
}

/** One tenant's due connections, the longest unchecked first. */
export async function listDueConnections(
  db: Executor,
  tenantId: string,
  staleBefore: Date,
  limit: number,
) {
  return db
    .selectFrom('connections')
    .select(['id', 'integration_id', 'user_id', 'status'])
    .where('tenant_id', '=', tenantId)
    .where('status', 'in', CHECKED)
    .where((eb) =>
      eb.or([eb('last_checked_at', 'is', null), eb('last_checked_at', '<', staleBefore)]),
    )
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', staleBefore)]))
    .where('created_at', '<', staleBefore)
    .orderBy(sql`coalesce(last_checked_at, created_at)`)
    .limit(limit)
    .execute();
}

/** A connection that cannot be tested is still "checked", so it does not block the queue. */
export async function markConnectionChecked(
  db: Executor,
  tenantId: string,
  id: string,
): Promise<void> {
  await db
    .updateTable('connections')
    .set({ last_checked_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}

/**
 * Keeps a test's outcome and moves the status between `active` and `unhealthy`. Returns the
 * transition when this call made one: only one of several concurrent checks wins it, so each
 * change of health is announced once.
 */
export async function applyConnectionHealth(
  db: Executor,
  tenantId: string,
  id: string,
  health: CredentialHealth,
): Promise<'unhealthy' | 'recovered' | null> {
  const [from, to]: [ConnectionStatus, ConnectionStatus] =
    health.outcome === 'ok' ? ['unhealthy', 'active'] : ['active', 'unhealthy'];
  const now = new Date();
  const changed = await db
    .updateTable('connections')
    .set({ status: to, health: JSON.stringify(health), last_checked_at: now })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '=', from)
    .returning('id')
    .executeTakeFirst();
  if (changed) return to === 'unhealthy' ? 'unhealthy' : 'recovered';
  await db
    .updateTable('connections')
    .set({ health: JSON.stringify(health), last_checked_at: now })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
  return null;
}

/** Runs mark connections used; at most one write an hour per connection. */
export async function touchConnectionUsed(
  db: Executor,
  key: { tenantId: string; integrationId: string; userId: string },
): Promise<void> {
  await db
    .updateTable('connections')
    .set({ last_used_at: new Date() })
    .where('tenant_id', '=', key.tenantId)
    .where('integration_id', '=', key.integrationId)
    .where('user_id', '=', key.userId)
    .where((eb) =>
      eb.or([
        eb('last_used_at', 'is', null),
        eb('last_used_at', '<', sql<Date>`now() - interval '1 hour'`),
      ]),
    )
    .execute();
}
