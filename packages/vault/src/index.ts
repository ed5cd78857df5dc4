export { initVault, wipe } from './aead';
export {
  checkVaultEnv,
  type VaultConfig,
  vaultOptionsFromConfig,
} from './config';
export {
  type BagChange,
  type BagDiff,
  type CredentialBag,
  type CredentialHint,
  changeBag,
  hintList,
  openBag,
  sealBag,
} from './credential-bag';
export { readVaultEnv, type VaultEnv, vaultEnv } from './env';
export {
  EPHEMERAL_FORMAT_V1,
  EphemeralDecryptionError,
  newEphemeralKey,
  openEphemeral,
  openEphemeralBytes,
  sealEphemeral,
} from './ephemeral';
export {
  DecryptionError,
  InvalidContextError,
  MasterKeyConfigError,
  TenantKeyUnwrapError,
  UnknownKeyVersionError,
  UnknownMasterKeyError,
  UnsupportedFormatError,
  VaultClosedError,
  VaultConfigError,
  VaultError,
  type VaultErrorCode,
} from './errors';
export { SEALED_FORMAT_V1, SEALED_OVERHEAD, sealedKeyVersion } from './format';
export { createTenantKeyRepository } from './key-repository';
export {
  createMemoryTenantKeyStore,
  type TenantKeyCursor,
  type TenantKeyRecord,
  type TenantKeyStore,
} from './key-store';
export {
  generateMasterKey,
  loadMasterKeyring,
  MASTER_KEY_BYTES,
  type MasterKey,
  MasterKeyring,
  parseMasterKeys,
} from './keyring';
export { maskSecret } from './mask';
export {
  MAX_REPORTED_FAILURES,
  type ResealFailure,
  type ResealOptions,
  type ResealProgress,
  type ResealResult,
} from './reseal';
export {
  authorizeUrlContext,
  connectionCredentialsContext,
  connectLinkGrantContext,
  integrationClientSecretContext,
  integrationCredentialsContext,
  pkceVerifierContext,
  runKeyContext,
  runResultContext,
  type SealContextOf,
  webhookSecretContext,
} from './seal-contexts';
export { SEALED_COLUMNS, type SealedColumn, type SealedRow, sealedColumn } from './sealed-columns';
export type {
  RewrapFailure,
  RewrapOptions,
  RewrapProgress,
  RewrapResult,
  TenantKeyInfo,
} from './tenant-keys';
export { RECORD_KINDS, type RecordKind, type RecordKinds, type SealContext } from './types';
export {
  type CreateVaultOptions,
  createVault,
  createVaultFromEnv,
  type Vault,
  type VaultStats,
} from './vault';
