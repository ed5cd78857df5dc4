import { insertTenant } from '@latchkey/db';
import { createTestDatabase, type TestDatabase } from '@latchkey/devstack/test-db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryTenantKeyStore,
  createTenantKeyRepository,
  type TenantKeyRecord,
  type TenantKeyStore,
} from '../src/index';

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(async () => {
  await testDb?.destroy();
});

const implementations: Array<
  [string, () => Promise<{ store: TenantKeyStore; tenant(): Promise<string> }>]
> = [
  [
    'memory',
    async () => {
      let n = 0;
      return { store: createMemoryTenantKeyStore(), tenant: async () => `tenant-${n++}` };
    },
  ],
  [
    'postgresql',
    async () => ({
      store: createTenantKeyRepository(testDb.db),
      tenant: async () => (await insertTenant(testDb.db, `store-${crypto.randomUUID()}`)).id,
    }),
  ],
];

const bytes = (fill: number) => new Uint8Array(73).fill(fill);
const record = (
  tenantId: string,
  version: number,
  masterKeyId = 'k1',
  fill = version,
): TenantKeyRecord => ({
  tenantId,
  version,
  masterKeyId,
  wrappedKey: bytes(fill),
});

describe.each(implementations)('TenantKeyStore (%s)', (_, make) => {
  it('inserts once per (tenant, version) and returns the latest', async () => {
    const { store, tenant } = await make();
    const t = await tenant();
    expect(await store.latest(t)).toBeUndefined();
    expect(await store.insert(record(t, 1))).toBe(true);
    expect(await store.insert(record(t, 1, 'k1', 9))).toBe(false);
    expect(await store.insert(record(t, 2))).toBe(true);
    const latest = await store.latest(t);
    expect(latest?.version).toBe(2);
    expect(Buffer.from(latest?.wrappedKey ?? [])).toEqual(Buffer.from(bytes(2)));
    expect(Buffer.from((await store.get(t, 1))?.wrappedKey ?? [])).toEqual(Buffer.from(bytes(1)));
    expect(await store.get(t, 3)).toBeUndefined();
  });

  it('pages through rows not wrapped by a master key, and swaps wrappings compare-and-set', async () => {
    const { store, tenant } = await make();
    const tenants = [await tenant(), await tenant(), await tenant()];
    for (const t of tenants) {
      await store.insert(record(t, 1, 'old'));
      await store.insert(record(t, 2, 'new'));
      await store.insert(record(t, 3, 'old'));
    }
    const mine = (rows: TenantKeyRecord[]) => rows.filter((r) => tenants.includes(r.tenantId));
    const total = await store.countNotWrappedBy('new');
    expect(total).toBeGreaterThanOrEqual(6);

    const seen: TenantKeyRecord[] = [];
    let after: TenantKeyRecord | null = null;
    for (;;) {
      const page: TenantKeyRecord[] = await store.listNotWrappedBy('new', after, 4);
      if (page.length === 0) break;
      seen.push(...page);
      after = page.at(-1) ?? null;
    }
    expect(seen).toHaveLength(total);
    expect(
      mine(seen)
        .map((r) => [r.tenantId, r.version])
        .sort(),
    ).toEqual(
      tenants
        .flatMap((t) => [
          [t, 1],
          [t, 3],
        ])
        .sort(),
    );
    expect(seen.every((r) => r.masterKeyId !== 'new')).toBe(true);

    const target = mine(seen)[0];
    if (!target) throw new Error('no row');
    expect(
      await store.replaceWrapping(
        { ...target, wrappedKey: bytes(99) },
        { masterKeyId: 'new', wrappedKey: bytes(7) },
      ),
    ).toBe(false);
    expect(await store.replaceWrapping(target, { masterKeyId: 'new', wrappedKey: bytes(7) })).toBe(
      true,
    );
    expect(await store.replaceWrapping(target, { masterKeyId: 'new', wrappedKey: bytes(8) })).toBe(
      false,
    );
    const updated = await store.get(target.tenantId, target.version);
    expect(updated?.masterKeyId).toBe('new');
    expect(Buffer.from(updated?.wrappedKey ?? [])).toEqual(Buffer.from(bytes(7)));
    expect(await store.countNotWrappedBy('new')).toBe(total - 1);
  });
});
