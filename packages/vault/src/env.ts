import { MasterKeyConfigError, VaultConfigError } from './errors';

/** The vault's configuration variables, read in this one place. */
export interface VaultEnv {
  /** `id:base64` entries, comma-separated; each key 32 bytes. */
  masterKeys: string;
  /** Id of the master key that wraps new and re-wrapped tenant keys; default the first listed. */
  activeMasterKey: string | undefined;
  /** How many unwrapped tenant keys to keep in memory; undefined means the vault default. */
  cacheSize: number | undefined;
}

export const MASTER_KEYS_FORMAT =
  'LATCHKEY_MASTER_KEYS must be a comma-separated list of id:base64 entries, each key 32 bytes ' +
  '(generate one with `openssl rand -base64 32`)';

/** Reads and checks the presence and shape of the vault's variables; keyring.ts parses keys. */
export function readVaultEnv(env: NodeJS.ProcessEnv = process.env): VaultEnv {
  const masterKeys = env.LATCHKEY_MASTER_KEYS?.trim();
  if (!masterKeys) throw new MasterKeyConfigError(`${MASTER_KEYS_FORMAT}; it is not set`);
  const active = env.LATCHKEY_ACTIVE_MASTER_KEY?.trim() || undefined;
  const rawCache = env.LATCHKEY_VAULT_CACHE_SIZE?.trim();
  let cacheSize: number | undefined;
  if (rawCache) {
    cacheSize = Number(rawCache);
    if (!Number.isInteger(cacheSize) || cacheSize < 1) {
      throw new VaultConfigError(
        `LATCHKEY_VAULT_CACHE_SIZE must be a positive integer; got '${rawCache}'`,
      );
    }
  }
  return { masterKeys, activeMasterKey: active, cacheSize };
}
