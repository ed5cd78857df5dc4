import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findTenantById,
  findTenantByName,
  insertTenant,
  setTenantReturnOrigins,
} from '../src/repositories/tenants';
import { createTestDatabase, type TestDatabase } from './fixtures';

describe('tenants repository', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t?.destroy());

  it('inserts a tenant and finds it by id and by name', async () => {
    const tenant = await insertTenant(t.db, 'acme');
    expect(tenant).toMatchObject({ name: 'acme' });
    expect(await findTenantById(t.db, tenant.id)).toEqual(tenant);
    expect(await findTenantByName(t.db, 'acme')).toEqual(tenant);
    expect(await findTenantByName(t.db, 'nobody')).toBeUndefined();
  });

  it('refuses a second tenant with the same name', async () => {
    await insertTenant(t.db, 'globex');
    await expect(insertTenant(t.db, 'globex')).rejects.toThrow(/duplicate key|unique/i);
  });

  it("sets one tenant's return origins and leaves the others' alone", async () => {
    const a = await insertTenant(t.db, 'initech');
    const b = await insertTenant(t.db, 'umbrella');
    const updated = await setTenantReturnOrigins(t.db, a.id, ['https://app.initech.test']);
    expect(updated?.return_origins).toEqual(['https://app.initech.test']);
    expect((await findTenantById(t.db, b.id))?.return_origins).toEqual(b.return_origins);
  });
});
