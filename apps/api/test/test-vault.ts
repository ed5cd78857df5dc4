import type { Db } from '@latchkey/db';
import { createVault, generateMasterKey, parseMasterKeys, type Vault } from '@latchkey/vault';

/** A real vault over the test database, with a master key made for this test file. */
export async function createTestVault(db: Db): Promise<{ vault: Vault; masterKeys: string }> {
  const masterKeys = generateMasterKey('test');
  return { vault: await createVault({ db, keyring: parseMasterKeys(masterKeys) }), masterKeys };
}
