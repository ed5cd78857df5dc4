/** One row of `tenant_keys`: a tenant data key, wrapped by a master key. */
export interface TenantKeyRecord {
  tenantId: string;
  version: number;
  masterKeyId: string;
  wrappedKey: Uint8Array;
}

export interface TenantKeyCursor {
  tenantId: string;
  version: number;
}

/**
 * Where wrapped tenant keys live. The vault never stores an unwrapped key, so a store only
 * ever sees wrapped bytes. Two implementations: PostgreSQL (`tenant_keys`, in
 * key-repository.ts, the vault's only SQL) and in memory, below (tests, benchmarks, tools
 * without a database).
 */
export interface TenantKeyStore {
  /** The tenant's highest version, or undefined when it has none. */
  latest(tenantId: string): Promise<TenantKeyRecord | undefined>;
  get(tenantId: string, version: number): Promise<TenantKeyRecord | undefined>;
  /** Inserts unless (tenantId, version) exists already; true when this call inserted it. */
  insert(record: TenantKeyRecord): Promise<boolean>;
  /** Rows wrapped by any master key but `masterKeyId`, in (tenantId, version) order after `after`. */
  listNotWrappedBy(
    masterKeyId: string,
    after: TenantKeyCursor | null,
    limit: number,
  ): Promise<TenantKeyRecord[]>;
  countNotWrappedBy(masterKeyId: string): Promise<number>;
  /** Replaces the wrapping only if the row still holds `current`'s; true when it did. */
  replaceWrapping(
    current: TenantKeyRecord,
    next: { masterKeyId: string; wrappedKey: Uint8Array },
  ): Promise<boolean>;
}

/** A view of the same bytes as a Buffer, which the schema types bytea columns as. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Keeps wrapped keys in process memory; copies bytes in and out like a database would. */
export function createMemoryTenantKeyStore(): TenantKeyStore {
  const rows = new Map<string, Map<number, TenantKeyRecord>>();
  const copy = (r: TenantKeyRecord): TenantKeyRecord => ({
    ...r,
    wrappedKey: Uint8Array.from(r.wrappedKey),
  });
  const ordered = () =>
    [...rows.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap(([, versions]) => [...versions.values()].sort((a, b) => a.version - b.version));
  const sameBytes = (a: Uint8Array, b: Uint8Array) =>
    a.length === b.length && a.every((byte, i) => byte === b[i]);

  return {
    async latest(tenantId) {
      const versions = rows.get(tenantId);
      if (!versions || versions.size === 0) return undefined;
      const top = Math.max(...versions.keys());
      const row = versions.get(top);
      return row && copy(row);
    },
    async get(tenantId, version) {
      const row = rows.get(tenantId)?.get(version);
      return row && copy(row);
    },
    async insert(record) {
      let versions = rows.get(record.tenantId);
      if (!versions) {
        versions = new Map();
        rows.set(record.tenantId, versions);
      }
      if (versions.has(record.version)) return false;
      versions.set(record.version, copy(record));
      return true;
    },
    async listNotWrappedBy(masterKeyId, after, limit) {
      return ordered()
        .filter((r) => r.masterKeyId !== masterKeyId)
        .filter(
          (r) =>
            !after ||
            r.tenantId > after.tenantId ||
            (r.tenantId === after.tenantId && r.version > after.version),
        )
        .slice(0, limit)
        .map(copy);
    },
    async countNotWrappedBy(masterKeyId) {
      return ordered().filter((r) => r.masterKeyId !== masterKeyId).length;
    },
    async replaceWrapping(current, next) {
      const row = rows.get(current.tenantId)?.get(current.version);
      if (
        !row ||
        row.masterKeyId !== current.masterKeyId ||
        !sameBytes(row.wrappedKey, current.wrappedKey)
      ) {
        return false;
      }
      row.masterKeyId = next.masterKeyId;
      row.wrappedKey = Uint8Array.from(next.wrappedKey);
      return true;
    },
  };
}
