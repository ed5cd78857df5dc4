import { randomBytes } from 'node:crypto';
import type { Db } from '../src/client';
import type { IntegrationWrite } from '../src/repositories/integrations';
import { insertTenant } from '../src/repositories/tenants';

// By path, not as a package: @latchkey/devstack depends on @latchkey/db, and a dependency back
// would make a cycle. Each test file gets its own copy of the run's migrated database.
export { createTestDatabase, type TestDatabase } from '../../../infra/devstack/src/test-db';

/** Two tenants: every test writes rows for both and reads as each. */
export async function twoTenants(db: Db) {
  const suffix = randomBytes(3).toString('hex');
  const a = await insertTenant(db, `tenant-a-${suffix}`);
  const b = await insertTenant(db, `tenant-b-${suffix}`);
  return { a: a.id, b: b.id };
}

/** An integration's columns as a writer sets them (nothing sealed: the repository stores bytes). */
export function integrationValues(overrides: Partial<IntegrationWrite> = {}): IntegrationWrite {
  return {
    name: 'CRM',
    url_host: 'https://crm.example.test',
    url_path: '',
    auth: null,
    template_id: null,
    instructions: null,
    docs_url: null,
    encrypted_credentials: Buffer.from('sealed bytes'),
    credential_hints: '{}',
    oauth: null,
    encrypted_oauth_client_secret: null,
    ...overrides,
  };
}
