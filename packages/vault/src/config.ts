import { parseMasterKeys } from './keyring';
import type { CreateVaultOptions } from './vault';

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
