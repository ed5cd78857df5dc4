import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyCache } from '../src/cache';
import { initVault } from '../src/index';
import { context, memoryVault } from './support';

await initVault();

const key = () => Uint8Array.from(randomBytes(32));
const zeroed = (bytes: Uint8Array) => bytes.every((b) => b === 0);

describe('KeyCache', () => {
  it('evicts the least recently used key and wipes it', () => {
    const cache = new KeyCache(2);
    const a = key();
    const b = key();
    const c = key();
    cache.set('t1', 1, a);
    cache.set('t2', 1, b);
    expect(cache.get('t1', 1)).toBe(a); // t1 is now more recent than t2
    cache.set('t3', 1, c);
    expect(cache.size).toBe(2);
    expect(cache.evictions).toBe(1);
    expect(cache.get('t2', 1)).toBeUndefined();
    expect(zeroed(b)).toBe(true);
    expect(zeroed(a)).toBe(false);
    expect(zeroed(c)).toBe(false);
  });

  it('wipes a replaced key, and every key on clear()', () => {
    const cache = new KeyCache(10);
    const first = key();
    const second = key();
    const other = key();
    cache.set('t', 1, first);
    cache.set('t', 1, second);
    cache.set('t', 2, other);
    expect(zeroed(first)).toBe(true);
    expect(cache.size).toBe(2);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(zeroed(second) && zeroed(other)).toBe(true);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new KeyCache(0)).toThrow(RangeError);
  });
});

describe('vault key cache', () => {
  it('stays within its size, evicts, and still opens everything', async () => {
    const { vault } = await memoryVault({ cacheSize: 2 });
    const items = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const ctx = context();
        return { ctx, secret: `secret-${i}`, sealed: await vault.seal(ctx, `secret-${i}`) };
      }),
    );
    for (const { ctx, secret, sealed } of items)
      expect(await vault.openText(ctx, sealed)).toBe(secret);
    const stats = vault.stats();
    expect(stats.cachedKeys).toBeLessThanOrEqual(2);
    expect(stats.evictions).toBeGreaterThanOrEqual(4);
    vault.close();
  });

  it('serves a seal as a cache hit once the key is loaded', async () => {
    const { vault } = await memoryVault();
    const ctx = context();
    await vault.seal(ctx, 'warm');
    const before = vault.stats();
    for (let i = 0; i < 10; i++) await vault.seal(ctx, 'x');
    const after = vault.stats();
    expect(after.hits - before.hits).toBe(10);
    expect(after.misses).toBe(before.misses);
    vault.clearCache();
    expect(vault.stats().cachedKeys).toBe(0);
    vault.close();
  });

  it('loads a key once for many concurrent opens', async () => {
    const { vault, store } = await memoryVault();
    const ctx = context();
    const sealed = await vault.seal(ctx, 'x');
    vault.clearCache();
    let reads = 0;
    const get = store.get.bind(store);
    store.get = async (tenantId, version) => {
      reads++;
      return get(tenantId, version);
    };
    const opened = await Promise.all(Array.from({ length: 20 }, () => vault.openText(ctx, sealed)));
    expect(opened.every((text) => text === 'x')).toBe(true);
    expect(reads).toBe(1);
    vault.close();
  });
});
