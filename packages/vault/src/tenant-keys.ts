import { wrappedKeyAd } from './ad';
import { newDataKey, unwrapKey, wipe, wrapKey } from './aead';
import type { KeyCache } from './cache';
import { positiveInteger } from './context';
import {
  TenantKeyUnwrapError,
  UnknownKeyVersionError,
  UnknownMasterKeyError,
  UnsupportedFormatError,
  VaultClosedError,
  VaultError,
  type VaultErrorCode,
} from './errors';
import { MAX_KEY_VERSION } from './format';
import type { TenantKeyRecord, TenantKeyStore } from './key-store';
import { type MasterKeyring, masterKeyBytes } from './keyring';
import { MAX_REPORTED_FAILURES } from './reseal';

export interface TenantKeyInfo {
  tenantId: string;
  version: number;
  masterKeyId: string;
}

export interface RewrapProgress {
  scanned: number;
  rewrapped: number;
  /** Rows another process re-wrapped (or changed) first. */
  skipped: number;
  /** Rows that could not be unwrapped; they keep their old master key (see `failures`). */
  failed: number;
  total: number;
}

/** A tenant key row the rotation could not re-wrap. Identifiers only. */
export interface RewrapFailure {
  tenantId: string;
  version: number;
  masterKeyId: string;
  code: VaultErrorCode;
  message: string;
}

export interface RewrapResult extends RewrapProgress {
  /** The first MAX_REPORTED_FAILURES failures; `failed` counts them all. */
  failures: RewrapFailure[];
}

export interface RewrapOptions {
  batchSize?: number;
  onProgress?(progress: RewrapProgress): void;
}

/**
 * The middle of the key hierarchy: master keys (keyring) -> tenant data keys (wrapped in the
 * store, unwrapped only into the cache) -> sealed values (vault.ts). Tenant ids given here are
 * already canonical (context.ts).
 */
export class TenantKeys {
  readonly #keyring: MasterKeyring;
  readonly #store: TenantKeyStore;
  readonly #cache: KeyCache;
  readonly #activeTtlMs: number;
  readonly #active = new Map<string, { version: number; until: number }>();
  readonly #loadingKeys = new Map<string, Promise<void>>();
  readonly #loadingActive = new Map<string, Promise<number>>();
  #closed = false;

  constructor(keyring: MasterKeyring, store: TenantKeyStore, cache: KeyCache, activeTtlMs: number) {
    this.#keyring = keyring;
    this.#store = store;
    this.#cache = cache;
    this.#activeTtlMs = activeTtlMs;
  }

  /** The cached key, if any. Use it synchronously: a later cache insert may zero it. */
  cached(tenantId: string, version: number): Uint8Array | undefined {
    return this.#cache.get(tenantId, version);
  }

  /** The active version if this process learnt it within the TTL. */
  cachedActiveVersion(tenantId: string): number | undefined {
    const active = this.#active.get(tenantId);
    return active !== undefined && active.until > Date.now() ? active.version : undefined;
  }

  /** The active version, read from the store (creating version 1 if the tenant has none). */
  activeVersion(tenantId: string): Promise<number> {
    let loading = this.#loadingActive.get(tenantId);
    if (!loading) {
      loading = this.ensure(tenantId)
        .then((info) => info.version)
        .finally(() => this.#loadingActive.delete(tenantId));
      this.#loadingActive.set(tenantId, loading);
    }
    return loading;
  }

  /**
   * Loads a key that missed the cache, then runs `use` with it synchronously. A cached key
   * may be evicted and zeroed by any later cache insert, so it is never held across an
   * `await`: it is looked up again after the load.
   */
  async withLoadedKey<T>(
    tenantId: string,
    version: number,
    use: (key: Uint8Array) => T,
  ): Promise<T> {
    // A version has no '#', so the last '#' always separates the two parts.
    const id = `${tenantId}#${version}`;
    let loading = this.#loadingKeys.get(id);
    if (!loading) {
      loading = this.#load(tenantId, version).finally(() => this.#loadingKeys.delete(id));
      this.#loadingKeys.set(id, loading);
    }
    await loading;
    this.#assertOpen();
    const key = this.#cache.get(tenantId, version);
    if (key !== undefined) return use(key);
    // Evicted between the load and now (a tiny cache under churn): use a private copy once.
    const own = this.#unwrap(await this.#fetch(tenantId, version), tenantId, version);
    try {
      return use(own);
    } finally {
      wipe(own);
    }
  }

  /** Creates the tenant's first key unless it has one. */
  async ensure(tenantId: string): Promise<TenantKeyInfo> {
    this.#assertOpen();
    const existing = await this.readLatest(tenantId);
    if (existing) return existing;
    // Racing creators all insert version 1 with `on conflict do nothing`; one wins and all
    // then read the winner's row.
    await this.#create(tenantId, 1);
    const created = await this.readLatest(tenantId);
    if (!created) throw new UnknownKeyVersionError(tenantId, 1);
    return created;
  }

  /** Adds the next version; if another rotation takes that version first, it stands for both. */
  async rotate(tenantId: string): Promise<TenantKeyInfo> {
    this.#assertOpen();
    const next = ((await this.#store.latest(tenantId))?.version ?? 0) + 1;
    await this.#create(tenantId, next);
    const rotated = await this.readLatest(tenantId);
    if (!rotated) throw new UnknownKeyVersionError(tenantId, next);
    return rotated;
  }

  /** Reads the latest version from the store (no TTL), caching its key and marking it active. */
  async readLatest(tenantId: string): Promise<TenantKeyInfo | undefined> {
    const latest = await this.#store.latest(tenantId);
    if (!latest) return undefined;
    if (!this.#cache.has(tenantId, latest.version)) {
      this.#remember(tenantId, latest.version, this.#unwrap(latest, tenantId, latest.version));
    }
    const known = this.cachedActiveVersion(tenantId) ?? 0;
    // Never step back: a slow read must not undo a newer version this process already knows.
    this.#active.set(tenantId, {
      version: Math.max(known, latest.version),
      until: Date.now() + this.#activeTtlMs,
    });
    return { tenantId, version: latest.version, masterKeyId: latest.masterKeyId };
  }

  /**
   * Master key rotation: re-wraps, batch by batch, every row not wrapped by the active master
   * key. Each row is swapped compare-and-set, so concurrent runs and writers are safe.
   */
  async rewrapAll(options: RewrapOptions = {}): Promise<RewrapResult> {
    this.#assertOpen();
    const batchSize = positiveInteger(options.batchSize ?? 100, 'batchSize');
    const activeId = this.#keyring.activeId;
    const result: RewrapResult = {
      scanned: 0,
      rewrapped: 0,
      skipped: 0,
      failed: 0,
      total: await this.#store.countNotWrappedBy(activeId),
      failures: [],
    };
    let after: TenantKeyRecord | null = null;
    for (;;) {
      const rows: TenantKeyRecord[] = await this.#store.listNotWrappedBy(
        activeId,
        after,
        batchSize,
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        result.scanned++;
        let next: TenantKeyRecord;
        try {
          const dataKey = this.#unwrap(row, row.tenantId, row.version);
          try {
            next = this.#wrap(row.tenantId, row.version, dataKey);
          } finally {
            wipe(dataKey);
          }
        } catch (error) {
          // One bad row (a key id missing from the keyring, a copied or altered row) must not
          // hold up every other tenant's rotation; it is reported and keeps its old wrapping.
          if (!(error instanceof VaultError)) throw error;
          result.failed++;
          if (result.failures.length < MAX_REPORTED_FAILURES) {
            const { tenantId, version, masterKeyId } = row;
            result.failures.push({
              tenantId,
              version,
              masterKeyId,
              code: error.code,
              message: error.message,
            });
          }
          continue;
        }
        if (await this.#store.replaceWrapping(row, next)) result.rewrapped++;
        else result.skipped++;
      }
      after = rows.at(-1) ?? null;
      const { failures: _, ...progress } = result;
      options.onProgress?.(progress);
    }
    return result;
  }

  clear(): void {
    this.#cache.clear();
    this.#active.clear();
  }

  close(): void {
    this.#closed = true;
    this.clear();
  }

  #assertOpen(): void {
    if (this.#closed) throw new VaultClosedError();
  }

  async #load(tenantId: string, version: number): Promise<void> {
    const key = this.#unwrap(await this.#fetch(tenantId, version), tenantId, version);
    this.#remember(tenantId, version, key);
  }

  async #fetch(tenantId: string, version: number): Promise<TenantKeyRecord> {
    const record = await this.#store.get(tenantId, version);
    if (!record) throw new UnknownKeyVersionError(tenantId, version);
    return record;
  }

  /** Hands `key` to the cache, or wipes it if the vault closed while it was loading. */
  #remember(tenantId: string, version: number, key: Uint8Array): void {
    if (this.#closed) wipe(key);
    else this.#cache.set(tenantId, version, key);
  }

  /**
   * Unwraps with the AD of the tenant and version asked for (not the row's own columns), so a
   * row copied to another tenant or version fails.
   */
  #unwrap(record: TenantKeyRecord, tenantId: string, version: number): Uint8Array {
    const masterKey = masterKeyBytes(this.#keyring, record.masterKeyId);
    if (!masterKey) throw new UnknownMasterKeyError(tenantId, version, record.masterKeyId);
    const ad = wrappedKeyAd(tenantId, version, record.masterKeyId);
    const key = unwrapKey(record.wrappedKey, ad, masterKey);
    if (key === 'format') {
      throw new UnsupportedFormatError(
        `tenant key v${version} of tenant ${tenantId} has a wrapped_key layout this vault does not read`,
      );
    }
    if (key === undefined) throw new TenantKeyUnwrapError(tenantId, version, record.masterKeyId);
    return key;
  }

  #wrap(tenantId: string, version: number, dataKey: Uint8Array): TenantKeyRecord {
    const masterKeyId = this.#keyring.activeId;
    const masterKey = masterKeyBytes(this.#keyring, masterKeyId);
    if (!masterKey) throw new UnknownMasterKeyError(tenantId, version, masterKeyId);
    const wrappedKey = wrapKey(dataKey, wrappedKeyAd(tenantId, version, masterKeyId), masterKey);
    return { tenantId, version, masterKeyId, wrappedKey };
  }

  /** Creates `version` unless it exists; the new key goes straight into the cache. */
  async #create(tenantId: string, version: number): Promise<void> {
    if (version > MAX_KEY_VERSION)
      throw new RangeError(`tenant ${tenantId} has used every key version`);
    const dataKey = newDataKey();
    const inserted = await this.#store.insert(this.#wrap(tenantId, version, dataKey));
    if (inserted) this.#remember(tenantId, version, dataKey);
    else wipe(dataKey);
  }
}
