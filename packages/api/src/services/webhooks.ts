import {
  appendAudit,
  type Db,
  deleteTenantWebhook,
  findTenantWebhook,
  insertTenantWebhook,
  rotateTenantWebhookSecret,
  type TenantWebhook,
  updateTenantWebhookUrl,
} from '@latchkey/db';
import { type EgressPolicy, EgressRefusedError } from '@latchkey/egress';
import { generateWebhookSecret } from '@latchkey/resolver';
import { maskSecret, type Vault, webhookSecretContext } from '@latchkey/vault';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors';
import type { Actor } from './actor';

/**
 * A tenant's webhook endpoint and signing secret.
 *
 * Invariants:
 * - The secret is returned once, by the call that made it (`set` for a new endpoint,
 *   `rotateSecret`); every read shows a masked hint only. It is sealed by the tenant's key
 *   (kind `tenant_webhook.secret`) and opened only in the worker's delivery activity.
 * - After a rotation the previous secret signs too (a second `v1=`) until the overlap ends,
 *   so receivers can switch without losing events.
 * - Every query is scoped by the caller's tenant: a tenant never sees or changes another's.
 * - The URL passes the egress policy when it is set (a refusal is BAD_REQUEST naming `url`),
 *   and every delivery goes through the worker's checked fetch, so a name that later resolves
 *   to a private address is refused then too.
 */
export interface WebhookServiceDeps {
  db: Db;
  vault: Pick<Vault, 'seal' | 'openText'>;
  egress: Pick<EgressPolicy, 'checkUrl'>;
}

/** Throws InvalidInputError (BAD_REQUEST) naming `url` when the egress policy refuses it. */
async function checkWebhookEgress(egress: WebhookServiceDeps['egress'], url: string) {
  try {
    await egress.checkUrl(url);
  } catch (error) {
    if (error instanceof EgressRefusedError) throw new InvalidInputError('url', error.message);
    throw error;
  }
}

function webhookView(row: TenantWebhook) {
  const previousActive =
    row.encrypted_previous_secret !== null &&
    row.previous_secret_expires_at !== null &&
    row.previous_secret_expires_at > new Date();
  return {
    url: row.url,
    secretHint: row.secret_hint,
    /** Until when the secret before the last rotation still signs; null when it no longer does. */
    previousSecretExpiresAt: previousActive ? row.previous_secret_expires_at : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export type WebhookView = ReturnType<typeof webhookView>;

export async function getWebhook(db: Db, tenantId: string): Promise<WebhookView | null> {
  const row = await findTenantWebhook(db, tenantId);
  return row ? webhookView(row) : null;
}

/**
 * Registers the tenant's endpoint, or moves it to a new URL. A new endpoint gets its secret,
 * returned this once; moving keeps the secret (`secret` is absent).
 */
export async function setWebhook(
  deps: WebhookServiceDeps,
  actor: Actor,
  input: { url: string },
): Promise<WebhookView & { secret?: string }> {
  const { tenantId } = actor;
  await checkWebhookEgress(deps.egress, input.url);
  const moved = await updateTenantWebhookUrl(deps.db, tenantId, input.url);
  if (moved) {
    await audit(deps.db, actor, 'webhook.update', { url: input.url });
    return webhookView(moved);
  }
  const secret = generateWebhookSecret();
  const inserted = await insertTenantWebhook(deps.db, {
    tenantId,
    url: input.url,
    encryptedSecret: await deps.vault.seal(webhookSecretContext(tenantId, 'current'), secret),
    secretHint: maskSecret(secret),
  });
  if (!inserted) throw new ConflictError('the webhook is being set concurrently; try again');
  await audit(deps.db, actor, 'webhook.create', { url: input.url });
  return { ...webhookView(inserted), secret };
}

/**
 * A new signing secret, returned this once. The current one keeps signing beside it for
 * `overlapSeconds` (0 stops it at once); a secret older than that is dropped.
 */
export async function rotateWebhookSecret(
  deps: WebhookServiceDeps,
  actor: Actor,
  input: { overlapSeconds: number },
): Promise<WebhookView & { secret: string }> {
  const { tenantId } = actor;
  const row = await findTenantWebhook(deps.db, tenantId);
  if (!row) throw new NotFoundError('No webhook: set one first (webhooks.set)');
  const current = await deps.vault.openText(
    webhookSecretContext(tenantId, 'current'),
    row.encrypted_secret,
  );
  const secret = generateWebhookSecret();
  const overlap = input.overlapSeconds > 0;
  const rotated = await rotateTenantWebhookSecret(deps.db, tenantId, row.secret_version, {
    encryptedSecret: await deps.vault.seal(webhookSecretContext(tenantId, 'current'), secret),
    secretHint: maskSecret(secret),
    encryptedPreviousSecret: overlap
      ? await deps.vault.seal(webhookSecretContext(tenantId, 'previous'), current)
      : null,
    previousExpiresAt: overlap ? new Date(Date.now() + input.overlapSeconds * 1000) : null,
  });
  if (!rotated) throw new ConflictError('the secret is being rotated concurrently; try again');
  await audit(deps.db, actor, 'webhook.rotate_secret', { overlapSeconds: input.overlapSeconds });
  return { ...webhookView(rotated), secret };
}

export async function removeWebhook(db: Db, actor: Actor): Promise<void> {
  const row = await deleteTenantWebhook(db, actor.tenantId);
  if (!row) throw new NotFoundError('No webhook to remove');
  await audit(db, actor, 'webhook.delete', { url: row.url });
}

function audit(db: Db, actor: Actor, action: string, details: Record<string, unknown>) {
  return appendAudit(db, {
    tenantId: actor.tenantId,
    actor: actor.actor,
    action,
    targetKind: 'webhook',
    targetId: actor.tenantId,
    details,
  });
}
