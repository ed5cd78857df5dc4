import {
  type ApiKeyScope,
  appendAudit,
  type Db,
  findTenantByName,
  insertApiKey,
  insertTenant,
  listApiKeys,
  revokeApiKey,
} from '@latchkey/db';
import { generateApiKey } from '../auth/api-key-secret';
import { ConflictError, NotFoundError } from '../errors';

export interface CreatedApiKey {
  id: string;
  name: string;
  /** Shown once: only its hash is kept. */
  key: string;
  prefix: string;
  scopes: ApiKeyScope[];
}

export interface TenantKeyProvisioner {
  ensureTenantKey(tenantId: string): Promise<unknown>;
}

export async function createApiKey(
  db: Db,
  input: { tenantId: string; name: string; scopes: ApiKeyScope[]; actor: string },
): Promise<CreatedApiKey> {
  const generated = generateApiKey();
  const row = await insertApiKey(db, {
    tenantId: input.tenantId,
    name: input.name,
    prefix: generated.prefix,
    keyHash: generated.hash,
    scopes: input.scopes,
  });
  await appendAudit(db, {
    tenantId: input.tenantId,
    actor: input.actor,
    action: 'api_key.create',
    targetKind: 'api_key',
    targetId: row.id,
    details: { name: row.name, prefix: row.prefix, scopes: row.scopes },
  });
  return { id: row.id, name: row.name, key: generated.key, prefix: row.prefix, scopes: row.scopes };
}

/** A new tenant with its data key and a first admin key, as the CLI offers. */
export async function createTenant(
  db: Db,
  vault: TenantKeyProvisioner,
  input: { name: string; actor: string },
): Promise<{ tenantId: string; name: string; apiKey: CreatedApiKey }> {
  if (await findTenantByName(db, input.name)) {
    throw new ConflictError(`A tenant named '${input.name}' already exists`);
  }
  const tenant = await insertTenant(db, input.name).catch((error: unknown) => {
    // Two creators racing for one name: the unique index decides.
    if ((error as { code?: string }).code === '23505') {
      throw new ConflictError(`A tenant named '${input.name}' already exists`);
    }
    throw error;
  });
  await vault.ensureTenantKey(tenant.id);
  await appendAudit(db, {
    tenantId: tenant.id,
    actor: input.actor,
    action: 'tenant.create',
    targetKind: 'tenant',
    targetId: tenant.id,
    details: { name: tenant.name },
  });
  const apiKey = await createApiKey(db, {
    tenantId: tenant.id,
    name: 'first admin key',
    scopes: ['admin'],
    actor: input.actor,
  });
  return { tenantId: tenant.id, name: tenant.name, apiKey };
}

export async function listTenantApiKeys(
  db: Db,
  tenantId: string,
  page: { limit?: number; after?: string } = {},
) {
  const rows = await listApiKeys(db, tenantId, page);
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  }));
}

export async function revokeTenantApiKey(
  db: Db,
  input: { tenantId: string; id: string; actor: string },
) {
  if (!(await revokeApiKey(db, input.tenantId, input.id))) {
    throw new NotFoundError(`No live API key ${input.id}`);
  }
  await appendAudit(db, {
    tenantId: input.tenantId,
    actor: input.actor,
    action: 'api_key.revoke',
    targetKind: 'api_key',
    targetId: input.id,
  });
}
