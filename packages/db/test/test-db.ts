import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type Db } from '../src/index';

/**
 * A fresh copy of the test run's migrated template database, connected as the application
 * role. @latchkey/devstack has the full helper (`createTestDatabase`), but it depends on this
 * package, so this package's tests repeat the few lines they need rather than make a cycle.
 */
interface Role {
  name: string;
  password: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    latchkey: { pgAdminUrl: string; templateDatabase: string; dbRoles: { app: Role } };
  }
}

async function asAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('latchkey').pgAdminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createTestDb(): Promise<{ db: Db; destroy(): Promise<void> }> {
  const { pgAdminUrl, templateDatabase, dbRoles } = inject('latchkey');
  const name = `latchkey_test_${randomBytes(6).toString('hex')}`;
  await asAdmin(
    `create database ${pg.escapeIdentifier(name)} template ${pg.escapeIdentifier(templateDatabase)}`,
  );
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  url.username = encodeURIComponent(dbRoles.app.name);
  url.password = encodeURIComponent(dbRoles.app.password);
  const db = createDb({ connectionString: url.toString(), max: 2 });
  return {
    db,
    async destroy() {
      await db.destroy();
      await asAdmin(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
    },
  };
}
