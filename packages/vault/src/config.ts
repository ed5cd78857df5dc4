import { z } from 'zod';
import { MASTER_KEYS_FORMAT } from './env';
import { parseMasterKeys } from './keyring';
import type { CreateVaultOptions } from './vault';

/**
 * The vault's variables, for a process's env reader (`readProcessEnv` in @latchkey/config).
 * Values are never echoed in messages: LATCHKEY_MASTER_KEYS is key material.
 */
export const vaultEnv = {
  /** `id:base64` entries, comma-separated, each key 32 bytes; more than one while rotating. */
  LATCHKEY_MASTER_KEYS: z.string({ error: `is not set (${MASTER_KEYS_FORMAT})` }).min(1),
  /** Id of the master key that wraps new and re-wrapped tenant keys; default the first. */
  LATCHKEY_ACTIVE_MASTER_KEY: z.string().min(1).optional(),
  /** How many unwrapped tenant keys each process keeps in memory. */
  LATCHKEY_VAULT_CACHE_SIZE: z.coerce.number().int().min(1).optional(),
};

export interface VaultConfig {
  LATCHKEY_MASTER_KEYS: string;
  LATCHKEY_ACTIVE_MASTER_KEY?: string | undefined;
  LATCHKEY_VAULT_CACHE_SIZE?: number | undefined;
}

/** The master keys parse, and the active id is one of them (a cross-variable check). */
export function checkVaultEnv(values: VaultConfig) {
  try {
    parseMasterKeys(values.LATCHKEY_MASTER_KEYS, values.LATCHKEY_ACTIVE_MASTER_KEY).wipe();
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      variable: /LATCHKEY_ACTIVE_MASTER_KEY/.test(message)
        ? 'LATCHKEY_ACTIVE_MASTER_KEY'
        : 'LATCHKEY_MASTER_KEYS',
      message: message.replace(/^LATCHKEY_(ACTIVE_MASTER_KEY|MASTER_KEYS) /, ''),
    };
  }
}

/** `createVault` options from checked variables (the keyring parsed here, once). */
export function vaultOptionsFromConfig(
  values: VaultConfig,
): Pick<CreateVaultOptions, 'keyring' | 'cacheSize'> {
  return {
    keyring: parseMasterKeys(values.LATCHKEY_MASTER_KEYS, values.LATCHKEY_ACTIVE_MASTER_KEY),
    cacheSize: values.LATCHKEY_VAULT_CACHE_SIZE,
  };
}
