import type { Db } from '../client';
import type { Tenant } from '../schema';

export async function insertTenant(db: Db, name: string): Promise<Tenant> {
  return db.insertInto('tenants').values({ name }).returningAll().executeTakeFirstOrThrow();
}

export async function findTenantByName(db: Db, name: string): Promise<Tenant | undefined> {
  return db.selectFrom('tenants').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function findTenantById(db: Db, id: string): Promise<Tenant | undefined> {
  return db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Replaces the origins return URLs of this tenant may point at. */
export async function setTenantReturnOrigins(
  db: Db,
  tenantId: string,
  origins: string[],
): Promise<Tenant | undefined> {
  return db
    .updateTable('tenants')
    .set({ return_origins: origins })
    .where('id', '=', tenantId)
    .returningAll()
    .executeTakeFirst();
}
