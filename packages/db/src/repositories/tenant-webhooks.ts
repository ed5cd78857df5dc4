import type { DbExecutor as Executor } from '../client';
import type { TenantWebhook } from '../schema';

export async function findTenantWebhook(
  db: Executor,
  tenantId: string,
): Promise<TenantWebhook | undefined> {
  return db
    .selectFrom('tenant_webhooks')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
}

/** A new endpoint with its first secret (sealed by the caller). */
export async function insertTenantWebhook(
  db: Executor,
  row: { tenantId: string; url: string; encryptedSecret: Buffer; secretHint: string },
): Promise<TenantWebhook | undefined> {
  return db
    .insertInto('tenant_webhooks')
    .values({
      tenant_id: row.tenantId,
      url: row.url,
      encrypted_secret: row.encryptedSecret,
      secret_hint: row.secretHint,
      secret_version: 1,
    })
    .onConflict((oc) => oc.column('tenant_id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function updateTenantWebhookUrl(
  db: Executor,
  tenantId: string,
  url: string,
): Promise<TenantWebhook | undefined> {
  return db
    .updateTable('tenant_webhooks')
    .set({ url, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Installs a new secret if the stored one is still `expectedVersion`; the old one keeps
 * signing until `previousExpiresAt`.
 */
export async function rotateTenantWebhookSecret(
  db: Executor,
  tenantId: string,
  expectedVersion: number,
  next: {
    encryptedSecret: Buffer;
    secretHint: string;
    encryptedPreviousSecret: Buffer | null;
    previousExpiresAt: Date | null;
  },
): Promise<TenantWebhook | undefined> {
  return db
    .updateTable('tenant_webhooks')
    .set({
      encrypted_secret: next.encryptedSecret,
      secret_hint: next.secretHint,
      encrypted_previous_secret: next.encryptedPreviousSecret,
      previous_secret_expires_at: next.previousExpiresAt,
      secret_version: expectedVersion + 1,
      updated_at: new Date(),
    })
    .where('tenant_id', '=', tenantId)
    .where('secret_version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteTenantWebhook(
  db: Executor,
  tenantId: string,
): Promise<TenantWebhook | undefined> {
  return db
    .deleteFrom('tenant_webhooks')
    .where('tenant_id', '=', tenantId)
    .returningAll()
    .executeTakeFirst();
}
