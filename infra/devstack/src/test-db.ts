import { randomBytes } from 'node:crypto';
import { createDb, type Db } from '@latchkey/db';
import { inject } from 'vitest';
import { dropDatabase, ensureDatabase, withDatabase } from './postgres';
import type { TestServices } from './test-services';

export interface TestDatabase {
  db: Db;
  url: string;
  destroy(): Promise<void>;
}

export function testServices(): TestServices {
  return inject('latchkey');
}

/** A fresh, migrated database of its own for one test file (a copy of the run's template). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { pgAdminUrl, templateDatabase } = testServices();
  const name = `latchkey_test_${randomBytes(6).toString('hex')}`;
  await ensureDatabase(pgAdminUrl, name, templateDatabase);
  const url = withDatabase(pgAdminUrl, name);
  const db = createDb({ connectionString: url, max: 5 });
  return {
    db,
    url,
    destroy: async () => {
      await db.destroy();
      await dropDatabase(pgAdminUrl, name);
    },
  };
}
