import { type Db, insertTenant } from '@latchkey/db';
import { createTestDatabase, type TestDatabase } from '@latchkey/devstack/test-db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenantKeyRepository,
  createVault,
  type MasterKeyring,
  parseMasterKeys,
  type SealContext,
  sealedKeyVersion,
  TenantKeyUnwrapError,
  UnknownMasterKeyError,
  type Vault,
} from '../src/index';
import { keyEntry, rejection } from './support';

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

async function tenant(): Promise<string> {
  return (await insertTenant(db, `tenant-${crypto.randomUUID()}`)).id;
}

const ctxFor = (tenantId: string, recordId = 'stripe'): SealContext => ({
  tenantId,
  kind: 'integration.credentials',
  recordId,
  userId: null,
});

const k1 = keyEntry('k1');
const k2 = keyEntry('k2');

describe('tenant keys in PostgreSQL', () => {
  it('creates version 1 once, however many callers race', async () => {
    const vault = await vaultWith(parseMasterKeys(k1));
    const tenantId = await tenant();
    const infos = await Promise.all(
      Array.from({ length: 8 }, () => vault.ensureTenantKey(tenantId)),
    );
    expect(new Set(infos.map((i) => i.version))).toEqual(new Set([1]));
    const rows = await db
      .selectFrom('tenant_keys')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.master_key_id).toBe('k1');
    expect(rows[0]?.wrapped_key).toHaveLength(73);
    // Another vault instance (another process) racing too still ends with one row.
    const other = await vaultWith(parseMasterKeys(k1));
    expect((await other.ensureTenantKey(tenantId)).version).toBe(1);
  });

  it('rotates: new seals use the new version, old ones still open', async () => {
    const vault = await vaultWith(parseMasterKeys(k1));
    const tenantId = await tenant();
    const old = await vault.seal(ctxFor(tenantId), 'v1 secret');
    expect(sealedKeyVersion(old)).toBe(1);
    expect((await vault.rotateTenantKey(tenantId)).version).toBe(2);
    const fresh = await vault.seal(ctxFor(tenantId), 'v2 secret');
    expect(sealedKeyVersion(fresh)).toBe(2);
    // A process that never saw the rotation opens both too.
    const other = await vaultWith(parseMasterKeys(k1));
    expect(await other.openText(ctxFor(tenantId), old)).toBe('v1 secret');
    expect(await other.openText(ctxFor(tenantId), fresh)).toBe('v2 secret');
  });

  it("picks up another process's rotation for new seals once the TTL passes", async () => {
    const tenantId = await tenant();
    const writer = await createVault({ db, keyring: parseMasterKeys(k1), activeVersionTtlMs: 0 });
    vaults.push(writer);
    const rotator = await vaultWith(parseMasterKeys(k1));
    expect(sealedKeyVersion(await writer.seal(ctxFor(tenantId), 'a'))).toBe(1);
    await rotator.rotateTenantKey(tenantId);
    expect(sealedKeyVersion(await writer.seal(ctxFor(tenantId), 'b'))).toBe(2);
  });

  it('rejects a master key with the right id but the wrong bytes', async () => {
    const vault = await vaultWith(parseMasterKeys(k1));
    const tenantId = await tenant();
    const sealed = await vault.seal(ctxFor(tenantId), 'secret');
    const impostor = keyEntry('k1');
    const wrong = await vaultWith(parseMasterKeys(impostor));
    const error = await rejection(wrong.open(ctxFor(tenantId), sealed));
    expect(error).toBeInstanceOf(TenantKeyUnwrapError);
    expect(error.message).toContain(
      `tenant key v1 of tenant ${tenantId} does not open with master key 'k1'`,
    );
    expect(error.message).not.toContain(impostor.slice(3));
    await expect(wrong.seal(ctxFor(tenantId), 'x')).rejects.toBeInstanceOf(TenantKeyUnwrapError);
  });

  it('names a master key id missing from the keyring', async () => {
    const vault = await vaultWith(parseMasterKeys(k1));
    const tenantId = await tenant();
    const sealed = await vault.seal(ctxFor(tenantId), 'secret');
    const without = await vaultWith(parseMasterKeys(k2));
    const error = await rejection(without.open(ctxFor(tenantId), sealed));
    expect(error).toBeInstanceOf(UnknownMasterKeyError);
    expect(error.message).toBe(
      `tenant key v1 of tenant ${tenantId} is wrapped by master key 'k1' which is not in LATCHKEY_MASTER_KEYS`,
    );
  });

  it('refuses a wrapped key row copied to another tenant', async () => {
    const vault = await vaultWith(parseMasterKeys(k1));
    const victim = await tenant();
    const attacker = await tenant();
    await vault.ensureTenantKey(victim);
    const row = await db
      .selectFrom('tenant_keys')
      .selectAll()
      .where('tenant_id', '=', victim)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('tenant_keys')
      .values({
        tenant_id: attacker,
        version: 1,
        master_key_id: row.master_key_id,
        wrapped_key: row.wrapped_key,
      })
      .execute();
    await expect(vault.ensureTenantKey(attacker)).rejects.toBeInstanceOf(TenantKeyUnwrapError);
    // Nor does a victim's ciphertext open for the attacker's tenant id.
    const sealed = await vault.seal(ctxFor(victim), 'secret');
    await expect(vault.open(ctxFor(attacker), sealed)).rejects.toBeInstanceOf(TenantKeyUnwrapError);
  });

  it('skips a row another process re-wrapped first', async () => {
    const store = createTenantKeyRepository(db);
    const tenantId = await tenant();
    await (await vaultWith(parseMasterKeys(k1))).ensureTenantKey(tenantId);
    const row = await store.get(tenantId, 1);
    if (!row) throw new Error('no row');
    expect(
      await store.replaceWrapping(
        { ...row, wrappedKey: new Uint8Array(73) },
        { masterKeyId: 'x', wrappedKey: new Uint8Array(73) },
      ),
    ).toBe(false);
    expect(
      await store.replaceWrapping(
        { ...row, masterKeyId: 'k0' },
        { masterKeyId: 'x', wrappedKey: new Uint8Array(73) },
      ),
    ).toBe(false);
    expect((await store.get(tenantId, 1))?.masterKeyId).toBe('k1');
  });
});
