import type { DbExecutor as Executor } from '../client';
import type { ConnectLink } from '../schema';

export interface NewConnectLink {
  id: string;
  tenantId: string;
  integrationId: string;
  userId: string;
  expiresAt: Date;
}

export async function insertConnectLink(db: Executor, link: NewConnectLink): Promise<void> {
  await db
    .insertInto('connect_links')
    .values({
      id: link.id,
      tenant_id: link.tenantId,
      integration_id: link.integrationId,
      user_id: link.userId,
      expires_at: link.expiresAt,
    })
    .execute();
}

export async function findConnectLink(
  db: Executor,
  tenantId: string,
  id: string,
): Promise<ConnectLink | undefined> {
  return db
    .selectFrom('connect_links')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Revokes a link of this tenant; false when the tenant has no such link. */
export async function revokeConnectLink(
  db: Executor,
  tenantId: string,
  id: string,
): Promise<ConnectLink | undefined> {
  return db
    .updateTable('connect_links')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(new Date())) }))
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Spends a link when its connection is made, in one statement: of two flows racing through one
 * link, exactly one gets it. A revoked, spent or expired link returns undefined.
 */
export async function spendConnectLink(
  db: Executor,
  tenantId: string,
  id: string,
): Promise<ConnectLink | undefined> {
  return db
    .updateTable('connect_links')
    .set({ used_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returningAll()
    .executeTakeFirst();
}
