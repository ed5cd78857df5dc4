import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findApiKeyByHash,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
} from '../src/repositories/api-keys';
import { createTestDatabase, type TestDatabase, twoTenants } from './fixtures';

describe('api keys repository', () => {
  let t: TestDatabase;
  let tenants: { a: string; b: string };

  beforeAll(async () => {
    t = await createTestDatabase();
    tenants = await twoTenants(t.db);
  });
  afterAll(() => t?.destroy());

  const newKey = (tenantId: string, name: string) =>
    insertApiKey(t.db, {
      tenantId,
      name,
      prefix: randomBytes(4).toString('hex'),
      keyHash: randomBytes(32).toString('hex'),
      scopes: ['runs'],
    });

  it("finds a key by its hash with its tenant's name", async () => {
    const key = await newKey(tenants.a, 'ci');
    const found = await findApiKeyByHash(t.db, key.key_hash);
    expect(found).toMatchObject({ id: key.id, tenant_id: tenants.a, scopes: ['runs'] });
    expect(found?.tenant_name).toMatch(/^tenant-a-/);
    expect(await findApiKeyByHash(t.db, 'f'.repeat(64))).toBeUndefined();
  });

  it("lists only the tenant's own keys", async () => {
    const a = await newKey(tenants.a, 'listed-a');
    const b = await newKey(tenants.b, 'listed-b');
    const ofA = (await listApiKeys(t.db, tenants.a)).map((k) => k.id);
    const ofB = (await listApiKeys(t.db, tenants.b)).map((k) => k.id);
    expect(ofA).toContain(a.id);
    expect(ofA).not.toContain(b.id);
    expect(ofB).toEqual([b.id]);
  });

  it("a tenant cannot revoke another tenant's key", async () => {
    const key = await newKey(tenants.a, 'target');
    expect(await revokeApiKey(t.db, tenants.b, key.id)).toBe(false);
    expect((await findApiKeyByHash(t.db, key.key_hash))?.revoked_at).toBeNull();
    expect(await revokeApiKey(t.db, tenants.a, key.id)).toBe(true);
    // Revoked keys are still found, so the caller can say the key was revoked.
    expect((await findApiKeyByHash(t.db, key.key_hash))?.revoked_at).toBeInstanceOf(Date);
  });
});
