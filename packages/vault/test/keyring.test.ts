import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  generateMasterKey,
  loadMasterKeyring,
  MasterKeyConfigError,
  MasterKeyring,
  parseMasterKeys,
  readVaultEnv,
  VaultConfigError,
} from '../src/index';
import { masterKeyBytes } from '../src/keyring';
import { keyEntry } from './support';

function configError(fn: () => unknown): MasterKeyConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MasterKeyConfigError);
    return error as MasterKeyConfigError;
  }
  throw new Error('expected a MasterKeyConfigError');
}

describe('loadMasterKeyring', () => {
  it('reads several keys and defaults the active one to the first', () => {
    const ring = loadMasterKeyring({
      LATCHKEY_MASTER_KEYS: `${keyEntry('old')}, ${keyEntry('new')}`,
    });
    expect(ring.ids).toEqual(['old', 'new']);
    expect(ring.activeId).toBe('old');
  });

  it('honours LATCHKEY_ACTIVE_MASTER_KEY', () => {
    const ring = loadMasterKeyring({
      LATCHKEY_MASTER_KEYS: `${keyEntry('old')},${keyEntry('new')}`,
      LATCHKEY_ACTIVE_MASTER_KEY: 'new',
    });
    expect(ring.activeId).toBe('new');
  });

  it('accepts standard and url-safe base64, padded or not', () => {
    const key = Buffer.alloc(32, 0xfb); // encodes with '+' / '/' in standard base64
    const standard = key.toString('base64');
    const urlSafe = key.toString('base64url');
    expect(standard).toMatch(/[+/]/);
    for (const encoded of [standard, standard.replace(/=+$/, ''), urlSafe, `${urlSafe}=`]) {
      const ring = parseMasterKeys(`k:${encoded}`);
      expect(Buffer.from(masterKeyBytes(ring, 'k') ?? [])).toEqual(key);
    }
  });

  it('says which variable is missing and what it expects', () => {
    const error = configError(() => loadMasterKeyring({}));
    expect(error.message).toContain('LATCHKEY_MASTER_KEYS');
    expect(error.message).toContain('id:base64');
    expect(error.message).toContain('not set');
    expect(error.code).toBe('MASTER_KEY_CONFIG');
  });

  it('names the entry and its decoded length for a short key, without the key', () => {
    const short = randomBytes(16).toString('base64');
    const error = configError(() =>
      loadMasterKeyring({ LATCHKEY_MASTER_KEYS: `${keyEntry('a')},b:${short}` }),
    );
    expect(error.message).toContain('LATCHKEY_MASTER_KEYS must be a comma-separated list');
    expect(error.message).toContain("entry 2 ('b') decodes to 16 bytes");
    expect(error.message).not.toContain(short);
    expect(error.message).not.toContain(short.slice(0, 8));
  });

  const secret = randomBytes(32).toString('base64');
  it.each([
    ['a bare key with no id', secret, 'entry 1 has no'],
    ['key and id swapped', `${secret}:k1`, 'entry 1 has an invalid id'],
    [
      'invalid base64',
      `k1:${secret.slice(0, 20)}!!${secret.slice(22)}`,
      "entry 1 ('k1') is not valid base64",
    ],
    ['an empty entry', `k1:${secret},`, 'entry 2 is empty'],
    ['a duplicate id', `k1:${secret},k1:${secret}`, "id 'k1' is listed twice"],
    ['an all-zero key', `k1:${Buffer.alloc(32).toString('base64')}`, 'all zero bytes'],
    ['a 33-byte key', `k1:${randomBytes(33).toString('base64')}`, 'decodes to 33 bytes'],
  ])('rejects %s without echoing key material', (_, value, expected) => {
    const error = configError(() => loadMasterKeyring({ LATCHKEY_MASTER_KEYS: value }));
    expect(error.message).toContain('LATCHKEY_MASTER_KEYS');
    expect(error.message).toContain(expected);
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain(secret.slice(0, 12));
  });

  it('rejects an active id that is not configured', () => {
    const error = configError(() =>
      loadMasterKeyring({ LATCHKEY_MASTER_KEYS: keyEntry('k1'), LATCHKEY_ACTIVE_MASTER_KEY: 'k2' }),
    );
    expect(error.message).toContain("LATCHKEY_ACTIVE_MASTER_KEY names 'k2'");
    expect(error.message).toContain('(k1)');
  });

  it('does not echo an active-key value that looks like key material', () => {
    const leaked = randomBytes(32).toString('base64');
    const error = configError(() =>
      loadMasterKeyring({
        LATCHKEY_MASTER_KEYS: keyEntry('k1'),
        LATCHKEY_ACTIVE_MASTER_KEY: leaked,
      }),
    );
    expect(error.message).not.toContain(leaked);
  });

  it('checks LATCHKEY_VAULT_CACHE_SIZE', () => {
    expect(
      readVaultEnv({ LATCHKEY_MASTER_KEYS: 'x', LATCHKEY_VAULT_CACHE_SIZE: '50' }).cacheSize,
    ).toBe(50);
    expect(() =>
      readVaultEnv({ LATCHKEY_MASTER_KEYS: 'x', LATCHKEY_VAULT_CACHE_SIZE: '0' }),
    ).toThrow(VaultConfigError);
  });
});

describe('MasterKeyring', () => {
  it('never shows key bytes through inspect, JSON or spreading', () => {
    const key = randomBytes(32);
    const ring = new MasterKeyring([{ id: 'k1', key }]);
    const shown = [
      inspect(ring, { showHidden: true, depth: 5 }),
      JSON.stringify(ring),
      JSON.stringify({ ...ring }),
    ];
    for (const text of shown) {
      expect(text).not.toContain(key.toString('base64'));
      expect(text).not.toContain(key.toString('hex'));
      expect(text).not.toMatch(/\b\d+, \d+, \d+/); // no byte arrays
    }
    expect(shown[0]).toContain("activeId: 'k1'");
  });

  it('keeps its own copy of the key bytes, and wipe() zeroes them', () => {
    const key = randomBytes(32);
    const ring = new MasterKeyring([{ id: 'k1', key }]);
    key.fill(1);
    const held = masterKeyBytes(ring, 'k1');
    expect(held).toBeDefined();
    expect(Buffer.from(held ?? [])).not.toEqual(key);
    ring.wipe();
    expect(held?.every((b) => b === 0)).toBe(true);
    expect(ring.has('k1')).toBe(false);
  });
});

describe('generateMasterKey', () => {
  it('returns an id:base64 entry that loads as a 32-byte key', () => {
    const entry = generateMasterKey('dev');
    expect(entry).toMatch(/^dev:[A-Za-z0-9+/]{43}=$/);
    const ring = parseMasterKeys(entry);
    expect(ring.activeId).toBe('dev');
    expect(masterKeyBytes(ring, 'dev')).toHaveLength(32);
  });

  it('makes a dated id by default and a different key every time', () => {
    const a = generateMasterKey();
    const b = generateMasterKey();
    expect(a).toMatch(/^mk-\d{8}-[0-9a-f]{4}:/);
    expect(a.split(':')[1]).not.toBe(b.split(':')[1]);
  });

  it('rejects an id the keyring would not accept', () => {
    expect(() => generateMasterKey('bad id')).toThrow(MasterKeyConfigError);
  });
});
