import { sql } from 'kysely';
import type { Db, DbExecutor } from '../client';
import { executePrepared } from '../prepared';
import type { ApiKey, ApiKeyScope } from '../schema';

export interface InsertApiKey {
  tenantId: string;
  name: string;
  prefix: string;
  keyHash: string;
  scopes: ApiKeyScope[];
}

export async function insertApiKey(db: Db, key: InsertApiKey): Promise<ApiKey> {
  return db
    .insertInto('api_keys')
    .values({
      tenant_id: key.tenantId,
      name: key.name,
      prefix: key.prefix,
      key_hash: key.keyHash,
      scopes: key.scopes,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

const KEY_WITH_TENANT_NAME = [
  'api_keys.id',
  'api_keys.tenant_id',
  'api_keys.name',
  'api_keys.prefix',
  'api_keys.key_hash',
  'api_keys.scopes',
  'api_keys.created_at',
  'api_keys.last_used_at',
  'api_keys.revoked_at',
  'tenants.name as tenant_name',
] as const;

export type ApiKeyWithTenantName = ApiKey & { tenant_name: string };

/**
 * Looks a key up by its hash, with its tenant's name (every request reads it here rather than
 * in a second query, prepared); revoked keys are returned too so callers can say so.
 */
export async function findApiKeyByHash(
  db: DbExecutor,
  keyHash: string,
): Promise<ApiKeyWithTenantName | undefined> {
  const { rows } = await executePrepared(
    db,
    'latchkey_find_api_key',
    db
      .selectFrom('api_keys')
      .innerJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
      .select(KEY_WITH_TENANT_NAME)
      .where('api_keys.key_hash', '=', keyHash),
  );
  return rows[0];
}

/**
 * A key by its id, as `findApiKeyByHash` reads it: for a session that names its key (the codec
 * UI's), read again on every request so revoking the key ends the session.
 */
export async function findApiKeyById(
  db: DbExecutor,
  id: string,
): Promise<ApiKeyWithTenantName | undefined> {
  return db
    .selectFrom('api_keys')
    .innerJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
    .select(KEY_WITH_TENANT_NAME)
    .where('api_keys.id', '=', id)
    .executeTakeFirst();
}

/** A tenant's keys, oldest first; a page of `limit` after the key `after` when given. */
export async function listApiKeys(
  db: Db,
  tenantId: string,
  page: { limit?: number; after?: string } = {},
): Promise<ApiKey[]> {
  let query = db.selectFrom('api_keys').selectAll().where('tenant_id', '=', tenantId);
  const { after } = page;
  if (after !== undefined) {
    query = query.where(
      sql<boolean>`(created_at, id) > (select created_at, id from api_keys where tenant_id = ${tenantId} and id = ${after})`,
    );
  }
  if (page.limit !== undefined) query = query.limit(page.limit);
  return query.orderBy('created_at').orderBy('id').execute();
}

/** Revokes a key of this tenant; returns false when the tenant has no such live key. */
export async function revokeApiKey(db: Db, tenantId: string, id: string): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function touchApiKey(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
}
