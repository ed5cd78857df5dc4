import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { MASTER_KEYS_FORMAT, readVaultEnv } from './env';
import { MasterKeyConfigError } from './errors';

export const MASTER_KEY_BYTES = 32;

/**
 * Ids are short and plain so that an id can always be echoed in an error: a 32-byte key in
 * base64 is 43+ characters and so can never pass for an id by mistake (say, `key:id` swapped).
 */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/_-]+={0,2}$/;

export interface MasterKey {
  id: string;
  key: Uint8Array;
}

// Key bytes live outside the object so that logging, JSON or spreading a keyring cannot show
// them; only this module's `masterKeyBytes` (not exported from the package) reads them.
const keyBytes = new WeakMap<MasterKeyring, Map<string, Uint8Array>>();

/** The configured master keys: several may be held (rotation), one is active. */
export class MasterKeyring {
  readonly activeId: string;
  readonly ids: readonly string[];

  constructor(keys: readonly MasterKey[], activeId?: string) {
    if (keys.length === 0) throw new MasterKeyConfigError(`${MASTER_KEYS_FORMAT}; it is empty`);
    const map = new Map<string, Uint8Array>();
    keys.forEach(({ id, key }, index) => {
      const entry = `entry ${index + 1}`;
      if (!ID_PATTERN.test(id)) {
        throw new MasterKeyConfigError(
          `${MASTER_KEYS_FORMAT}; ${entry} has an invalid id (use 1-32 letters, digits, '.', '_' or '-')`,
        );
      }
      if (map.has(id))
        throw new MasterKeyConfigError(`${MASTER_KEYS_FORMAT}; id '${id}' is listed twice`);
      if (key.length !== MASTER_KEY_BYTES) {
        throw new MasterKeyConfigError(
          `${MASTER_KEYS_FORMAT}; ${entry} ('${id}') decodes to ${key.length} bytes`,
        );
      }
      if (key.every((b) => b === 0)) {
        throw new MasterKeyConfigError(
          `${MASTER_KEYS_FORMAT}; ${entry} ('${id}') is all zero bytes`,
        );
      }
      map.set(id, Uint8Array.from(key));
    });
    const active = activeId ?? keys[0]?.id;
    if (active === undefined || !map.has(active)) {
      const shown = active !== undefined && ID_PATTERN.test(active) ? `'${active}'` : 'an id';
      throw new MasterKeyConfigError(
        `LATCHKEY_ACTIVE_MASTER_KEY names ${shown}, which is not among the ids in ` +
          `LATCHKEY_MASTER_KEYS (${[...map.keys()].join(', ')})`,
      );
    }
    this.activeId = active;
    this.ids = Object.freeze([...map.keys()]);
    keyBytes.set(this, map);
  }

  has(id: string): boolean {
    return keyBytes.get(this)?.has(id) ?? false;
  }

  /** Overwrites the key bytes; the keyring is unusable afterwards. */
  wipe(): void {
    const map = keyBytes.get(this);
    if (!map) return;
    for (const key of map.values()) key.fill(0);
    map.clear();
  }

  toJSON(): { activeId: string; ids: readonly string[] } {
    return { activeId: this.activeId, ids: this.ids };
  }

  [inspect.custom](): string {
    return `MasterKeyring { activeId: '${this.activeId}', ids: [${this.ids.map((id) => `'${id}'`).join(', ')}] }`;
  }
}

/** Internal: the raw bytes of one master key, or undefined when the keyring lacks the id. */
export function masterKeyBytes(keyring: MasterKeyring, id: string): Uint8Array | undefined {
  return keyBytes.get(keyring)?.get(id);
}

/** Parses the LATCHKEY_MASTER_KEYS syntax; messages never contain key material. */
export function parseMasterKeys(value: string, activeId?: string): MasterKeyring {
  const keys: MasterKey[] = [];
  const entries = value.split(',');
  entries.forEach((raw, index) => {
    const entry = `entry ${index + 1}`;
    const text = raw.trim();
    if (!text) throw new MasterKeyConfigError(`${MASTER_KEYS_FORMAT}; ${entry} is empty`);
    const colon = text.indexOf(':');
    if (colon < 0) throw new MasterKeyConfigError(`${MASTER_KEYS_FORMAT}; ${entry} has no ':'`);
    const id = text.slice(0, colon).trim();
    const encoded = text.slice(colon + 1).trim();
    if (!ID_PATTERN.test(id)) {
      throw new MasterKeyConfigError(
        `${MASTER_KEYS_FORMAT}; ${entry} has an invalid id (use 1-32 letters, digits, '.', '_' or '-')`,
      );
    }
    const key = decodeBase64(encoded);
    if (!key) {
      throw new MasterKeyConfigError(
        `${MASTER_KEYS_FORMAT}; ${entry} ('${id}') is not valid base64`,
      );
    }
    keys.push({ id, key });
  });
  try {
    return new MasterKeyring(keys, activeId);
  } finally {
    for (const { key } of keys) key.fill(0);
  }
}

/** Reads LATCHKEY_MASTER_KEYS and LATCHKEY_ACTIVE_MASTER_KEY; call once at start-up. */
export function loadMasterKeyring(env: NodeJS.ProcessEnv = process.env): MasterKeyring {
  const { masterKeys, activeMasterKey } = readVaultEnv(env);
  return parseMasterKeys(masterKeys, activeMasterKey);
}

/** A new random master key as an `id:base64` entry for LATCHKEY_MASTER_KEYS. */
export function generateMasterKey(id?: string): string {
  const keyId = id ?? defaultKeyId();
  if (!ID_PATTERN.test(keyId)) {
    throw new MasterKeyConfigError(
      "master key ids are 1-32 letters, digits, '.', '_' or '-', starting with a letter or digit",
    );
  }
  const key = randomBytes(MASTER_KEY_BYTES);
  const entry = `${keyId}:${key.toString('base64')}`;
  key.fill(0);
  return entry;
}

function defaultKeyId(): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  return `mk-${day}-${randomBytes(2).toString('hex')}`;
}

/** Standard or URL-safe base64, padded or not; undefined when malformed. */
function decodeBase64(text: string): Uint8Array | undefined {
  if (!BASE64_PATTERN.test(text)) return undefined;
  const unpadded = text.replace(/=+$/, '');
  if (unpadded.length % 4 === 1) return undefined;
  if (text.length !== unpadded.length && text.length % 4 !== 0) return undefined;
  const buffer = Buffer.from(unpadded.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
  const bytes = Uint8Array.from(buffer);
  buffer.fill(0);
  return bytes;
}
