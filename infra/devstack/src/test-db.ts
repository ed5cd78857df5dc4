import { randomBytes } from 'node:crypto';
import { createDb, type Db } from '@latchkey/db';
import { inject } from 'vitest';
import { roleUrl } from './db-roles';
import { dropDatabase, ensureDatabase } from './postgres';
import type { TestServices } from './test-services';

export interface TestDatabase {
  /** Connected as the application role, like the api and the worker. */
  db: Db;
  url: string;
  /** The owner role's URL, for what only migrations do (DDL). */
  ownerUrl: string;
  /** Runs `work` on a connection of the owner role (a test's own DDL), then closes it. */
  asOwner<T>(work: (db: Db) => Promise<T>): Promise<T>;
  destroy(): Promise<void>;
}

export function testServices(): TestServices {
  return inject('latchkey');
}

/** A fresh, migrated database of its own for one test file (a copy of the run's template). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { pgAdminUrl, templateDatabase, dbRoles } = testServices();
  const name = `latchkey_test_${randomBytes(6).toString('hex')}`;
  await ensureDatabase(pgAdminUrl, name, templateDatabase);
  const url = roleUrl(pgAdminUrl, name, dbRoles.app);
  const db = createDb({ connectionString: url, max: 5 });
  const ownerUrl = roleUrl(pgAdminUrl, name, dbRoles.owner);
  return {
    db,
    url,
    ownerUrl,
    async asOwner(work) {
      const owner = createDb({ connectionString: ownerUrl, max: 1 });
      try {
        return await work(owner);
      } finally {
        await owner.destroy();
      }
    },
    destroy: async () => {
      await db.destroy();
      await dropDatabase(pgAdminUrl, name);
    },
  };
}
