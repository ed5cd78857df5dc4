import type { Db } from '@latchkey/db';
import { asBuffer, type TenantKeyRecord, type TenantKeyStore } from './key-store';

/**
 * The `tenant_keys` repository: every query the vault makes, as a `TenantKeyStore`. Rows hold
 * wrapped keys only; tenant isolation comes from the key hierarchy, not from these queries
 * (rotation lists every tenant's rows on purpose).
 */
export function createTenantKeyRepository(db: Db): TenantKeyStore {
  const columns = ['tenant_id', 'version', 'master_key_id', 'wrapped_key'] as const;
  const toRecord = (row: {
    tenant_id: string;
    version: number;
    master_key_id: string;
    wrapped_key: Buffer;
  }): TenantKeyRecord => ({
    tenantId: row.tenant_id,
    version: row.version,
    masterKeyId: row.master_key_id,
    wrappedKey: row.wrapped_key,
  });

  return {
    async latest(tenantId) {
      const row = await db
        .selectFrom('tenant_keys')
        .select(columns)
        .where('tenant_id', '=', tenantId)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && toRecord(row);
    },
    async get(tenantId, version) {
      const row = await db
        .selectFrom('tenant_keys')
        .select(columns)
        .where('tenant_id', '=', tenantId)
        .where('version', '=', version)
        .executeTakeFirst();
      return row && toRecord(row);
    },
    async insert(record) {
      const inserted = await db
        .insertInto('tenant_keys')
        .values({
          tenant_id: record.tenantId,
          version: record.version,
          master_key_id: record.masterKeyId,
          wrapped_key: asBuffer(record.wrappedKey),
        })
        .onConflict((oc) => oc.columns(['tenant_id', 'version']).doNothing())
        .returning('version')
        .executeTakeFirst();
      return inserted !== undefined;
    },
    async listNotWrappedBy(masterKeyId, after, limit) {
      let query = db
        .selectFrom('tenant_keys')
        .select(columns)
        .where('master_key_id', '<>', masterKeyId)
        .orderBy('tenant_id')
        .orderBy('version')
        .limit(limit);
      if (after) {
        query = query.where((eb) =>
          eb(eb.refTuple('tenant_id', 'version'), '>', eb.tuple(after.tenantId, after.version)),
        );
      }
      return (await query.execute()).map(toRecord);
    },
    async countNotWrappedBy(masterKeyId) {
      const row = await db
        .selectFrom('tenant_keys')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('master_key_id', '<>', masterKeyId)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },
    async replaceWrapping(current, next) {
      const result = await db
        .updateTable('tenant_keys')
        .set({ master_key_id: next.masterKeyId, wrapped_key: asBuffer(next.wrappedKey) })
        .where('tenant_id', '=', current.tenantId)
        .where('version', '=', current.version)
        .where('master_key_id', '=', current.masterKeyId)
        .where('wrapped_key', '=', asBuffer(current.wrappedKey))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}
