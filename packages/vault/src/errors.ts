/**
 * Every vault failure is a `VaultError` with a stable `code`. Messages name tenants, kinds,
 * record ids, versions and key ids (identifiers, not secrets); they never contain key material,
 * plaintext or ciphertext bytes, and libsodium's own errors are not chained as `cause`.
 */
export type VaultErrorCode =
  | 'VAULT_CONFIG'
  | 'MASTER_KEY_CONFIG'
  | 'UNKNOWN_MASTER_KEY'
  | 'TENANT_KEY_UNWRAP_FAILED'
  | 'UNKNOWN_KEY_VERSION'
  | 'UNSUPPORTED_FORMAT'
  | 'DECRYPTION_FAILED'
  | 'INVALID_CONTEXT'
  | 'INVALID_JSON'
  | 'VAULT_CLOSED';

export class VaultError extends Error {
  override readonly name: string = 'VaultError';
  constructor(
    readonly code: VaultErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A vault setting (option or variable) is invalid. */
export class VaultConfigError extends VaultError {
  override readonly name: string = 'VaultConfigError';
  constructor(message: string, code: 'VAULT_CONFIG' | 'MASTER_KEY_CONFIG' = 'VAULT_CONFIG') {
    super(code, message);
  }
}

/** LATCHKEY_MASTER_KEYS / LATCHKEY_ACTIVE_MASTER_KEY missing or malformed. */
export class MasterKeyConfigError extends VaultConfigError {
  override readonly name = 'MasterKeyConfigError';
  constructor(message: string) {
    super(message, 'MASTER_KEY_CONFIG');
  }
}

/** A tenant key row names a master key id the keyring does not hold. */
export class UnknownMasterKeyError extends VaultError {
  override readonly name = 'UnknownMasterKeyError';
  constructor(
    readonly tenantId: string,
    readonly version: number,
    readonly masterKeyId: string,
  ) {
    super(
      'UNKNOWN_MASTER_KEY',
      `tenant key v${version} of tenant ${tenantId} is wrapped by master key '${masterKeyId}' ` +
        'which is not in LATCHKEY_MASTER_KEYS',
    );
  }
}

/**
 * A wrapped tenant key does not open with the master key its row names: the configured key
 * under that id has the wrong bytes, or the row was altered or copied from another tenant.
 */
export class TenantKeyUnwrapError extends VaultError {
  override readonly name = 'TenantKeyUnwrapError';
  constructor(
    readonly tenantId: string,
    readonly version: number,
    readonly masterKeyId: string,
  ) {
    super(
      'TENANT_KEY_UNWRAP_FAILED',
      `tenant key v${version} of tenant ${tenantId} does not open with master key ` +
        `'${masterKeyId}': that master key has the wrong value, or the row was altered or ` +
        'copied from another tenant',
    );
  }
}

export class UnknownKeyVersionError extends VaultError {
  override readonly name = 'UnknownKeyVersionError';
  constructor(
    readonly tenantId: string,
    readonly version: number,
  ) {
    super('UNKNOWN_KEY_VERSION', `tenant key version ${version} not found for tenant ${tenantId}`);
  }
}

/** The bytes are not a vault ciphertext of a format this code can read. */
export class UnsupportedFormatError extends VaultError {
  override readonly name = 'UnsupportedFormatError';
  constructor(message: string) {
    super('UNSUPPORTED_FORMAT', message);
  }
}

/** Authentication failed: wrong tenant, kind, record or user, or altered bytes. */
export class DecryptionError extends VaultError {
  override readonly name = 'DecryptionError';
  constructor(
    readonly tenantId: string,
    readonly kind: string,
    readonly recordId: string,
  ) {
    super(
      'DECRYPTION_FAILED',
      `ciphertext does not open for tenant ${tenantId}, kind ${kind}, record ${recordId}: ` +
        'it was sealed for another tenant, record, kind or user, or altered',
    );
  }
}

export class InvalidContextError extends VaultError {
  override readonly name = 'InvalidContextError';
  constructor(message: string) {
    super('INVALID_CONTEXT', message);
  }
}

export class VaultClosedError extends VaultError {
  override readonly name = 'VaultClosedError';
  constructor() {
    super('VAULT_CLOSED', 'the vault is closed');
  }
}
