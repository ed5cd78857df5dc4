import { wipe } from './aead';

interface Slot {
  key: Uint8Array;
  /** Clock value of the last use; the smallest is the least recently used. */
  used: number;
}

/**
 * A bounded, least-recently-used cache of unwrapped tenant data keys. Keys leave it only by
 * being wiped: on eviction, on replacement, on `delete` and on `clear`.
 *
 * A hit only bumps a counter (the hot path of every seal and open); the eviction scan for the
 * least recently used slot is O(size), but it runs only on a miss, which costs a database
 * read and an unwrap anyway.
 *
 * Callers must use a key they got from `get` synchronously (no `await` in between): any later
 * `set` may evict and zero it.
 */
export class KeyCache {
  readonly #tenants = new Map<string, Map<number, Slot>>();
  #size = 0;
  #clock = 0;
  hits = 0;
  misses = 0;
  evictions = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError('the key cache needs a capacity of at least 1');
    }
  }

  get size(): number {
    return this.#size;
  }

  get(tenantId: string, version: number): Uint8Array | undefined {
    const slot = this.#tenants.get(tenantId)?.get(version);
    if (slot === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    slot.used = ++this.#clock;
    return slot.key;
  }

  has(tenantId: string, version: number): boolean {
    return this.#tenants.get(tenantId)?.has(version) ?? false;
  }

  /** Takes ownership of `key`: the cache wipes it when it leaves. */
  set(tenantId: string, version: number, key: Uint8Array): void {
    let versions = this.#tenants.get(tenantId);
    if (!versions) {
      versions = new Map();
      this.#tenants.set(tenantId, versions);
    }
    const previous = versions.get(version);
    if (previous) {
      if (previous.key !== key) wipe(previous.key);
      previous.key = key;
      previous.used = ++this.#clock;
      return;
    }
    versions.set(version, { key, used: ++this.#clock });
    this.#size++;
    while (this.#size > this.capacity) this.#evictOldest();
  }

  delete(tenantId: string, version: number): void {
    const versions = this.#tenants.get(tenantId);
    const slot = versions?.get(version);
    if (!versions || !slot) return;
    wipe(slot.key);
    versions.delete(version);
    if (versions.size === 0) this.#tenants.delete(tenantId);
    this.#size--;
  }

  /** Wipes and drops every key. */
  clear(): void {
    for (const versions of this.#tenants.values()) {
      for (const slot of versions.values()) wipe(slot.key);
    }
    this.#tenants.clear();
    this.#size = 0;
  }

  #evictOldest(): void {
    let oldest: { tenantId: string; version: number; used: number } | undefined;
    for (const [tenantId, versions] of this.#tenants) {
      for (const [version, slot] of versions) {
        if (!oldest || slot.used < oldest.used) oldest = { tenantId, version, used: slot.used };
      }
    }
    if (!oldest) return;
    this.delete(oldest.tenantId, oldest.version);
    this.evictions++;
  }
}
