import { type Db, insertTenant } from '@latchkey/db';
import { createTestDatabase, type TestDatabase } from '@latchkey/devstack/test-db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createVault,
  type MasterKeyring,
  parseMasterKeys,
  type RewrapProgress,
  type SealContext,
  UnknownMasterKeyError,
  type Vault,
} from '../src/index';
import { keyEntry } from './support';

// Master key rotation walks every tenant key in the database, so it gets a database of its own.
let testDb: TestDatabase;
let db: Db;
const vaults: Vault[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
});
afterAll(async () => {
  for (const vault of vaults) vault.close();
  await testDb?.destroy();
});

async function vaultWith(keyring: MasterKeyring): Promise<Vault> {
  const vault = await createVault({ db, keyring });
  vaults.push(vault);
  return vault;
}

const ctxFor = (tenantId: string): SealContext => ({
  tenantId,
  kind: 'connection.credentials',
  recordId: `conn-${tenantId}`,
  userId: 'user-7',
});

const k1 = keyEntry('k1');
const k2 = keyEntry('k2');

describe('master key rotation', () => {
  it('re-wraps every tenant key online; afterwards the old master key is not needed', async () => {
    const before = await vaultWith(parseMasterKeys(k1));
    const tenants = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => (await insertTenant(db, `master-${i}`)).id),
    );
    const sealed = new Map<string, Uint8Array[]>();
    for (const tenantId of tenants) {
      const v1 = await before.seal(ctxFor(tenantId), `v1 of ${tenantId}`);
      await before.rotateTenantKey(tenantId);
      const v2 = await before.seal(ctxFor(tenantId), `v2 of ${tenantId}`);
      sealed.set(tenantId, [v1, v2]);
    }
    // A row copied from another tenant cannot be unwrapped: it is reported, not fatal.
    const intruder = (await insertTenant(db, 'intruder')).id;
    const stolen = await db
      .selectFrom('tenant_keys')
      .selectAll()
      .where('tenant_id', '=', tenants[0] ?? '')
      .where('version', '=', 1)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('tenant_keys')
      .values({ ...stolen, tenant_id: intruder, created_at: undefined })
      .execute();

    const rotating = await vaultWith(parseMasterKeys(`${k2},${k1}`));
    const seen: RewrapProgress[] = [];
    const result = await rotating.rewrapTenantKeys({
      batchSize: 3,
      onProgress: (p) => seen.push(p),
    });
    expect(result).toMatchObject({ scanned: 11, rewrapped: 10, skipped: 0, failed: 1, total: 11 });
    expect(result.failures).toEqual([
      expect.objectContaining({
        tenantId: intruder,
        version: 1,
        masterKeyId: 'k1',
        code: 'TENANT_KEY_UNWRAP_FAILED',
      }),
    ]);
    expect(seen.map((p) => p.scanned)).toEqual([3, 6, 9, 11]);

    const rows = await db
      .selectFrom('tenant_keys')
      .select(['tenant_id', 'master_key_id'])
      .execute();
    expect(rows.filter((r) => r.master_key_id !== 'k2').map((r) => r.tenant_id)).toEqual([
      intruder,
    ]);
    const again = await rotating.rewrapTenantKeys();
    expect(again).toMatchObject({ total: 1, rewrapped: 0, failed: 1 });

    const after = await vaultWith(parseMasterKeys(k2));
    for (const tenantId of tenants) {
      const [v1, v2] = sealed.get(tenantId) ?? [];
      expect(await after.openText(ctxFor(tenantId), v1 ?? new Uint8Array())).toBe(
        `v1 of ${tenantId}`,
      );
      expect(await after.openText(ctxFor(tenantId), v2 ?? new Uint8Array())).toBe(
        `v2 of ${tenantId}`,
      );
      expect((await after.seal(ctxFor(tenantId), 'new')).readUInt32BE(1)).toBe(2);
    }

    // A process still configured with only the old key says which id it lacks.
    const stale = await vaultWith(parseMasterKeys(k1));
    const first = tenants[0] ?? '';
    const [v1] = sealed.get(first) ?? [];
    await expect(stale.open(ctxFor(first), v1 ?? new Uint8Array())).rejects.toBeInstanceOf(
      UnknownMasterKeyError,
    );
  });
});
