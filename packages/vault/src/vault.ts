import { createHmac } from 'node:crypto';
import type { Db } from '@latchkey/db';
import { metrics } from '@latchkey/observability';
import { sealedAd } from './ad';
import { initVault, openSealed, sealWithAd, wipe } from './aead';
import { KeyCache } from './cache';
import { canonicalTenantId } from './context';
import { readVaultEnv } from './env';
import {
  DecryptionError,
  InvalidContextError,
  UnsupportedFormatError,
  VaultClosedError,
  VaultConfigError,
  VaultError,
} from './errors';
import { sealedKeyVersion } from './format';
import { createTenantKeyRepository } from './key-repository';
import type { TenantKeyStore } from './key-store';
import { loadMasterKeyring, type MasterKeyring } from './keyring';
import { type ResealOptions, type ResealResult, resealColumns } from './reseal';
import {
  type RewrapOptions,
  type RewrapResult,
  type TenantKeyInfo,
  TenantKeys,
} from './tenant-keys';
import type { SealContext } from './types';

/** Bound once: the hot paths count without building label sets. */
const COUNT = {
  sealOk: metrics.vaultOperations.labels('seal', 'ok'),
  sealError: metrics.vaultOperations.labels('seal', 'error'),
  openOk: metrics.vaultOperations.labels('open', 'ok'),
  openError: metrics.vaultOperations.labels('open', 'error'),
};

export interface CreateVaultOptions {
  keyring: MasterKeyring;
  /** PostgreSQL: tenant keys live in `tenant_keys`, and `resealAll` can walk sealed columns. */
  db?: Db;
  /** Where wrapped tenant keys live; default `tenant_keys` in `db`. */
  store?: TenantKeyStore;
  /** Unwrapped tenant keys kept in memory (LRU, wiped on eviction). Default 1000. */
  cacheSize?: number;
  /**
   * How long a tenant's active key version is trusted before it is read again. A rotation made
   * by another process is picked up for new seals within this time. Default 30 s.
   */
  activeVersionTtlMs?: number;
}

export interface VaultStats {
  cachedKeys: number;
  cacheCapacity: number;
  hits: number;
  misses: number;
  evictions: number;
}

/**
 * Tenant-scoped envelope encryption. Callers hand in plaintext and a context and get bytes for
 * an `encrypted_*` column back; they never see a data key.
 */
export interface Vault {
  /** Seals with the tenant's active key version (creating version 1 on first use). */
  seal(ctx: SealContext, plaintext: Uint8Array | string): Promise<Buffer>;
  /** Opens a sealed value; the context must be the one it was sealed with. */
  open(ctx: SealContext, sealed: Uint8Array): Promise<Uint8Array>;
  openText(ctx: SealContext, sealed: Uint8Array): Promise<string>;
  sealJson(ctx: SealContext, value: unknown): Promise<Buffer>;
  openJson<T = unknown>(ctx: SealContext, sealed: Uint8Array): Promise<T>;
  /**
   * A keyed hash of `value` for one tenant and purpose (HMAC-SHA256 under a key derived from the
   * tenant's first data key, which rotation never replaces): the same input always gives the
   * same tag, so it can be indexed and searched (end-user ids in Temporal search attributes),
   * and without the master key it reveals nothing and cannot be guessed from a list of ids.
   * Tags of one tenant never match another's.
   */
  keyedHash(tenantId: string, purpose: string, value: string): Promise<string>;
  /** Creates the tenant's first key unless it has one; safe to race. */
  ensureTenantKey(tenantId: string): Promise<TenantKeyInfo>;
  /** Adds a key version that new seals use; older versions stay readable. */
  rotateTenantKey(tenantId: string): Promise<TenantKeyInfo>;
  /** Master key rotation: re-wraps every tenant key not wrapped by the active master key. */
  rewrapTenantKeys(options?: RewrapOptions): Promise<RewrapResult>;
  /** Re-seals every stored value not on its tenant's active key version (needs `db`). */
  resealAll(options?: ResealOptions): Promise<ResealResult>;
  stats(): VaultStats;
  /** Wipes and drops every cached tenant key. */
  clearCache(): void;
  /** Wipes the cache; every later call fails with VaultClosedError. */
  close(): void;
}

export async function createVault(options: CreateVaultOptions): Promise<Vault> {
  await initVault();
  const store = options.store ?? (options.db ? createTenantKeyRepository(options.db) : undefined);
  if (!store) throw new VaultConfigError('createVault needs a db or a tenant key store');
  return new VaultImpl(options, store);
}

/**
 * The vault configured from LATCHKEY_MASTER_KEYS, LATCHKEY_ACTIVE_MASTER_KEY and
 * LATCHKEY_VAULT_CACHE_SIZE; fails at start-up with a message naming the variable.
 */
export async function createVaultFromEnv(
  options: Omit<CreateVaultOptions, 'keyring'> & { env?: NodeJS.ProcessEnv } = {},
): Promise<Vault> {
  const { env = process.env, ...rest } = options;
  const { cacheSize } = readVaultEnv(env);
  return createVault({ cacheSize, ...rest, keyring: loadMasterKeyring(env) });
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

function sealWith(
  key: Uint8Array,
  version: number,
  tenantId: string,
  ctx: SealContext,
  plaintext: Uint8Array | string,
): Buffer {
  if (typeof plaintext !== 'string') {
    return sealWithAd(plaintext, sealedAd(version, tenantId, ctx), key);
  }
  const bytes = textEncoder.encode(plaintext);
  try {
    return sealWithAd(bytes, sealedAd(version, tenantId, ctx), key);
  } finally {
    wipe(bytes);
  }
}

function openWith(
  key: Uint8Array,
  version: number,
  tenantId: string,
  ctx: SealContext,
  sealed: Uint8Array,
): Uint8Array {
  const plaintext = openSealed(sealed, sealedAd(version, tenantId, ctx), key);
  if (plaintext === undefined) throw new DecryptionError(tenantId, ctx.kind, ctx.recordId);
  return plaintext;
}

/** Keyed hashes use the tenant's first key version: it stays, whatever rotates after it. */
const FIRST_KEY_VERSION = 1;

function keyedHashWith(key: Uint8Array, purpose: string, value: string): string {
  const subkey = createHmac('sha256', key).update('latchkey.keyed-hash.v1').digest();
  try {
    const tag = createHmac('sha256', subkey)
      .update(`${purpose.length}:${purpose}:`)
      .update(value, 'utf8')
      .digest('base64url');
    return `h1.${tag.slice(0, 32)}`;
  } finally {
    subkey.fill(0);
  }
}

class VaultImpl implements Vault {
  readonly #keys: TenantKeys;
  readonly #cache: KeyCache;
  readonly #db: Db | undefined;
  #closed = false;

  constructor(options: CreateVaultOptions, store: TenantKeyStore) {
    this.#cache = new KeyCache(options.cacheSize ?? 1000);
    this.#keys = new TenantKeys(
      options.keyring,
      store,
      this.#cache,
      options.activeVersionTtlMs ?? 30_000,
    );
    this.#db = options.db;
  }

  // The hot paths (seal and open with a cached key) touch no promise but their own, and do
  // one cache lookup, one AD encoding and one AEAD call.

  async seal(ctx: SealContext, plaintext: Uint8Array | string): Promise<Buffer> {
    try {
      const sealed = await this.#seal(ctx, plaintext);
      COUNT.sealOk.inc();
      return sealed;
    } catch (error) {
      COUNT.sealError.inc();
      throw error;
    }
  }

  async #seal(ctx: SealContext, plaintext: Uint8Array | string): Promise<Buffer> {
    this.#assertOpen();
    const tenantId = canonicalTenantId(ctx.tenantId);
    const version =
      this.#keys.cachedActiveVersion(tenantId) ?? (await this.#keys.activeVersion(tenantId));
    return this.#sealWithVersion(tenantId, ctx, plaintext, version);
  }

  async open(ctx: SealContext, sealed: Uint8Array): Promise<Uint8Array> {
    try {
      const opened = await this.#open(ctx, sealed);
      COUNT.openOk.inc();
      return opened;
    } catch (error) {
      // A failed open is a wrong key, a tampered or moved ciphertext: worth an alert.
      COUNT.openError.inc();
      throw error;
    }
  }

  async #open(ctx: SealContext, sealed: Uint8Array): Promise<Uint8Array> {
    this.#assertOpen();
    if (!(sealed instanceof Uint8Array)) {
      throw new UnsupportedFormatError('sealed value must be bytes');
    }
    const keyVersion = sealedKeyVersion(sealed);
    const tenantId = canonicalTenantId(ctx.tenantId);
    const key = this.#keys.cached(tenantId, keyVersion);
    if (key !== undefined) return openWith(key, keyVersion, tenantId, ctx, sealed);
    return this.#keys.withLoadedKey(tenantId, keyVersion, (loaded) =>
      openWith(loaded, keyVersion, tenantId, ctx, sealed),
    );
  }

  async openText(ctx: SealContext, sealed: Uint8Array): Promise<string> {
    const bytes = await this.open(ctx, sealed);
    const text = textDecoder.decode(bytes);
    wipe(bytes);
    return text;
  }

  async sealJson(ctx: SealContext, value: unknown): Promise<Buffer> {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch {
      text = undefined;
    }
    if (text === undefined) {
      throw new VaultError(
        'INVALID_JSON',
        `value for ${ctx.kind} ${ctx.recordId} is not JSON-serialisable`,
      );
    }
    return this.seal(ctx, text);
  }

  async openJson<T = unknown>(ctx: SealContext, sealed: Uint8Array): Promise<T> {
    const text = await this.openText(ctx, sealed);
    try {
      return JSON.parse(text) as T;
    } catch {
      // V8's JSON errors quote the input, which is plaintext: report without them.
      throw new VaultError(
        'INVALID_JSON',
        `sealed value for tenant ${ctx.tenantId}, kind ${ctx.kind}, record ${ctx.recordId} is not JSON`,
      );
    }
  }

  #sealWithVersion(
    tenantId: string,
    ctx: SealContext,
    plaintext: Uint8Array | string,
    version: number,
  ): Buffer | Promise<Buffer> {
    if (typeof plaintext !== 'string' && !(plaintext instanceof Uint8Array)) {
      throw new InvalidContextError('plaintext must be a string or bytes');
    }
    const key = this.#keys.cached(tenantId, version);
    if (key !== undefined) return sealWith(key, version, tenantId, ctx, plaintext);
    return this.#keys.withLoadedKey(tenantId, version, (loaded) =>
      sealWith(loaded, version, tenantId, ctx, plaintext),
    );
  }

  async keyedHash(tenantId: string, purpose: string, value: string): Promise<string> {
    this.#assertOpen();
    const id = canonicalTenantId(tenantId);
    if (!/^[a-z][a-z0-9._-]*$/.test(purpose)) {
      throw new InvalidContextError('purpose must be a lower-case name');
    }
    const tag = (key: Uint8Array) => keyedHashWith(key, purpose, value);
    const cached = this.#keys.cached(id, FIRST_KEY_VERSION);
    if (cached !== undefined) return tag(cached);
    await this.#keys.ensure(id);
    return this.#keys.withLoadedKey(id, FIRST_KEY_VERSION, tag);
  }

  async ensureTenantKey(tenantId: string): Promise<TenantKeyInfo> {
    this.#assertOpen();
    return this.#keys.ensure(canonicalTenantId(tenantId));
  }

  async rotateTenantKey(tenantId: string): Promise<TenantKeyInfo> {
    this.#assertOpen();
    return this.#keys.rotate(canonicalTenantId(tenantId));
  }

  async rewrapTenantKeys(options?: RewrapOptions): Promise<RewrapResult> {
    this.#assertOpen();
    return this.#keys.rewrapAll(options);
  }

  async resealAll(options: ResealOptions = {}): Promise<ResealResult> {
    this.#assertOpen();
    const db = this.#db;
    if (!db) throw new VaultConfigError('resealAll needs a vault created with a db');
    return resealColumns(
      db,
      {
        activeVersion: async (tenantId) =>
          (await this.#keys.readLatest(canonicalTenantId(tenantId)))?.version,
        reseal: async (ctx, sealed, version) => {
          const plaintext = await this.open(ctx, sealed);
          try {
            const tenantId = canonicalTenantId(ctx.tenantId);
            return await this.#sealWithVersion(tenantId, ctx, plaintext, version);
          } finally {
            wipe(plaintext);
          }
        },
      },
      { ...options, tenantId: options.tenantId && canonicalTenantId(options.tenantId) },
    );
  }

  stats(): VaultStats {
    const cache = this.#cache;
    return {
      cachedKeys: cache.size,
      cacheCapacity: cache.capacity,
      hits: cache.hits,
      misses: cache.misses,
      evictions: cache.evictions,
    };
  }

  clearCache(): void {
    this.#keys.clear();
  }

  close(): void {
    this.#closed = true;
    this.#keys.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new VaultClosedError();
  }
}
