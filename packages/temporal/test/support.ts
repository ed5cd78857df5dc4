// @latchkey/vault and @latchkey/devstack cannot be dependencies of @latchkey/temporal: devstack
// depends on this package (and vault on devstack), and turbo refuses a cyclic package graph.
// The tests reach their sources by path instead; each resolves its own dependencies.
import { createTestDatabase, testServices } from '../../../infra/devstack/src/test-db';
import { createVault, generateMasterKey, parseMasterKeys } from '../../vault/src/index';

export { createTestDatabase, testServices };

export type Vault = Awaited<ReturnType<typeof createVault>>;

/** A real vault over a test database, with a master key made for this test file. */
export async function createTestVault(db: Parameters<typeof createVault>[0]['db']): Promise<Vault> {
  return createVault({ db, keyring: parseMasterKeys(generateMasterKey('t')) });
}
