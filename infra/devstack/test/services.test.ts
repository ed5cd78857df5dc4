import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServices } from '../src/test-db';

describe('test services', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => {
    await testDb.destroy();
  });

  it('gives each file its own migrated database', async () => {
    const other = await createTestDatabase();
    try {
      await testDb.db.insertInto('tenants').values({ name: 'only-here' }).execute();
      const mine = await testDb.db
        .selectFrom('tenants')
        .select('name')
        .where('name', '!=', '__latchkey_platform__')
        .execute();
      const theirs = await other.db
        .selectFrom('tenants')
        .select('name')
        .where('name', '!=', '__latchkey_platform__')
        .execute();
      expect(mine.map((t) => t.name)).toEqual(['only-here']);
      expect(theirs).toEqual([]);
      const tables = await sql<{ tablename: string }>`
        select tablename from pg_tables where schemaname = 'public' order by tablename`.execute(
        other.db,
      );
      expect(tables.rows.map((r) => r.tablename)).toEqual(
        expect.arrayContaining([
          'tenants',
          'api_keys',
          'tenant_keys',
          'integrations',
          'connections',
          'oauth_states',
          'workflows',
          'runs',
          'audit_events',
        ]),
      );
    } finally {
      await other.destroy();
    }
  });

  it('runs a Temporal server with the search attributes registered', async () => {
    const { temporalAddress, temporalNamespace } = testServices();
    const connection = await Connection.connect({ address: temporalAddress });
    try {
      const response = await connection.operatorService.listSearchAttributes({
        namespace: temporalNamespace,
      });
      expect(Object.keys(response.customAttributes ?? {})).toEqual(
        expect.arrayContaining([
          'LatchkeyTenant',
          'LatchkeyWorkflow',
          'LatchkeyUser',
          'LatchkeyIntegrations',
        ]),
      );
      const client = new Client({ connection, namespace: temporalNamespace });
      expect(client.options.namespace).toBe(temporalNamespace);
    } finally {
      await connection.close();
    }
  });
});
