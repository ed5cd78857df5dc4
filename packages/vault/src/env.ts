import { ConfigError, readProcessEnv } from '@latchkey/config';
import { z } from 'zod';
import { MasterKeyConfigError, VaultConfigError } from './errors';

export const MASTER_KEYS_FORMAT =
  'LATCHKEY_MASTER_KEYS must be a comma-separated list of id:base64 entries, each key 32 bytes ' +
  '(generate one with `openssl rand -base64 32`)';

/**
 * The vault's variables, for a process's env reader (`readProcessEnv` in @latchkey/config) and
 * for `readVaultEnv`. Values are never echoed in messages: LATCHKEY_MASTER_KEYS is key material.
 */
export const vaultEnv = {
  /** `id:base64` entries, comma-separated, each key 32 bytes; more than one while rotating. */
  LATCHKEY_MASTER_KEYS: z.string({ error: `is not set (${MASTER_KEYS_FORMAT})` }).min(1),
  /** Id of the master key that wraps new and re-wrapped tenant keys; default the first. */
  LATCHKEY_ACTIVE_MASTER_KEY: z.string().min(1).optional(),
  /** How many unwrapped tenant keys each process keeps in memory. */
  LATCHKEY_VAULT_CACHE_SIZE: z.coerce.number().int().min(1).optional(),
};

/** The vault's configuration variables, checked. */
export interface VaultEnv {
  /** `id:base64` entries, comma-separated; each key 32 bytes. */
  masterKeys: string;
  /** Id of the master key that wraps new and re-wrapped tenant keys; default the first listed. */
  activeMasterKey: string | undefined;
  /** How many unwrapped tenant keys to keep in memory; undefined means the vault default. */
  cacheSize: number | undefined;
}

/**
 * Reads the vault's variables with the shape every process reads them with (`vaultEnv`), for
 * callers without a process env reader of their own (`createVaultFromEnv`, tools). A problem is
 * a `MasterKeyConfigError` for the master keys, else a `VaultConfigError`; keyring.ts parses keys.
 */
export function readVaultEnv(env: NodeJS.ProcessEnv = process.env): VaultEnv {
  try {
    const values = readProcessEnv('vault', vaultEnv, env);
    return {
      masterKeys: values.LATCHKEY_MASTER_KEYS,
      activeMasterKey: values.LATCHKEY_ACTIVE_MASTER_KEY,
      cacheSize: values.LATCHKEY_VAULT_CACHE_SIZE,
    };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const masterKeys = error.problems.find((p) => p.variable === 'LATCHKEY_MASTER_KEYS');
    if (masterKeys) {
      throw new MasterKeyConfigError(`LATCHKEY_MASTER_KEYS ${masterKeys.message}`);
    }
    throw new VaultConfigError(error.message);
  }
}
