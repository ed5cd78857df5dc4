import { randomBytes, randomUUID } from 'node:crypto';
import {
  createMemoryTenantKeyStore,
  createVault,
  type MasterKeyring,
  parseMasterKeys,
  type SealContext,
  type TenantKeyStore,
  type Vault,
} from '../src/index';

/** An `id:base64` entry with a random key. */
export function keyEntry(id: string, key: Uint8Array = randomBytes(32)): string {
  return `${id}:${Buffer.from(key).toString('base64')}`;
}

export function keyring(...ids: string[]): MasterKeyring {
  return parseMasterKeys(ids.map((id) => keyEntry(id)).join(','));
}

export async function memoryVault(
  options: { keyring?: MasterKeyring; store?: TenantKeyStore; cacheSize?: number } = {},
): Promise<{ vault: Vault; store: TenantKeyStore; keyring: MasterKeyring }> {
  const ring = options.keyring ?? keyring('k1');
  const store = options.store ?? createMemoryTenantKeyStore();
  const vault = await createVault({ keyring: ring, store, cacheSize: options.cacheSize });
  return { vault, store, keyring: ring };
}

export function context(overrides: Partial<SealContext> = {}): SealContext {
  return {
    tenantId: randomUUID(),
    kind: 'connection.credentials',
    recordId: randomUUID(),
    userId: 'user-1',
    ...overrides,
  };
}

/** Error of a rejected promise, or fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('expected a rejection');
}
