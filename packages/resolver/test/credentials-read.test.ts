import { findCredentialsForRequest, findIntegrationForRequest } from '@latchkey/db';
import { createTestDatabase, type TestDatabase } from '@latchkey/devstack/test-db';
import { createVault, generateMasterKey, parseMasterKeys, type Vault } from '@latchkey/vault';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRequest } from '../src';
import { seedConnection, seedIntegration, seedTenant } from './fixtures';

const STATEMENT = 'latchkey_credentials_for_request';

describe('findCredentialsForRequest: the read behind every resolve', () => {
  let testDb: TestDatabase;
  let vault: Vault;
  let acme: string;
  let globex: string;
  let aliceConnection: string;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    vault = await createVault({ db: testDb.db, keyring: parseMasterKeys(generateMasterKey('t')) });
    acme = await seedTenant(testDb.db, 'acme');
    globex = await seedTenant(testDb.db, 'globex');
    await seedIntegration(testDb.db, vault, acme, {
      id: 'crm',
      urlHost: 'https://crm.example.com',
      urlPath: '/v2',
      auth: { type: 'bearer', credential: 'access_token' },
      credentials: { account: 'acct-1' },
    });
    aliceConnection = await seedConnection(testDb.db, vault, acme, {
      integrationId: 'crm',
      userId: 'alice',
      credentials: { access_token: 'alice-token-value-0001' },
    });
    await seedConnection(testDb.db, vault, acme, {
      integrationId: 'crm',
      userId: 'bob',
      credentials: { access_token: 'bob-token-value-0002' },
    });
  });
  afterAll(async () => {
    vault?.close();
    await testDb?.destroy();
  });

  it('reads the integration and only the given user’s connection', async () => {
    const found = await findCredentialsForRequest(testDb.db, acme, 'crm', 'alice');
    expect(found?.integration).toMatchObject({
      id: 'crm',
      url_host: 'https://crm.example.com',
      url_path: '/v2',
      auth: { type: 'bearer', credential: 'access_token' },
      template_id: null,
    });
    expect(found?.integration.encrypted_credentials).toBeInstanceOf(Buffer);
    expect(found?.connection?.id).toBe(aliceConnection);
    expect(found?.connection?.user_id).toBe('alice');
    expect(found?.connection?.encrypted_credentials).toBeInstanceOf(Buffer);
  });

  it('has no connection without a user or for a user who never connected', async () => {
    expect((await findCredentialsForRequest(testDb.db, acme, 'crm', null))?.connection).toBe(
      undefined,
    );
    expect((await findCredentialsForRequest(testDb.db, acme, 'crm', ''))?.connection).toBe(
      undefined,
    );
    expect((await findCredentialsForRequest(testDb.db, acme, 'crm', 'mallory'))?.connection).toBe(
      undefined,
    );
  });

  it("answers nothing for another tenant's integration or an unknown one", async () => {
    expect(await findCredentialsForRequest(testDb.db, globex, 'crm', 'alice')).toBe(undefined);
    expect(await findCredentialsForRequest(testDb.db, acme, 'nope', 'alice')).toBe(undefined);
  });

  it('agrees with the wider findIntegrationForRequest read', async () => {
    const narrow = await findCredentialsForRequest(testDb.db, acme, 'crm', 'bob');
    const wide = await findIntegrationForRequest(testDb.db, acme, 'crm', 'bob');
    expect(wide?.integration).toMatchObject(narrow?.integration ?? {});
    expect(wide?.connection).toMatchObject(narrow?.connection ?? {});
  });

  it('runs as a named prepared statement, parsed once per connection', async () => {
    const statements = await testDb.db.connection().execute(async (conn) => {
      for (const user of ['alice', 'bob', 'alice']) {
        await findCredentialsForRequest(conn, acme, 'crm', user);
      }
      const { rows } = await sql<{
        name: string;
      }>`select name from pg_prepared_statements order by name`.execute(conn);
      return rows.map((row) => row.name);
    });
    // Parsed once; only registered statements are named (this connection may also have run the
    // prepared findIntegrationForRequest); ordinary Kysely queries stay unnamed.
    expect(statements.filter((name) => name === STATEMENT)).toHaveLength(1);
    expect(statements.every((name) => name.startsWith('latchkey_'))).toBe(true);
  });

  it('works inside a transaction, on the transaction’s connection', async () => {
    const found = await testDb.db
      .transaction()
      .execute((trx) => findCredentialsForRequest(trx, acme, 'crm', 'alice'));
    expect(found?.connection?.id).toBe(aliceConnection);
  });

  it('resolves from a prefetched findIntegrationForRequest result as well', async () => {
    const prefetched = await findIntegrationForRequest(testDb.db, acme, 'crm', 'bob');
    const mapped = await resolveRequest(
      { db: testDb.db, vault },
      { tenantId: acme, integrationId: 'crm', userId: 'bob', prefetched },
    );
    if (mapped.kind !== 'http') throw new Error('expected http');
    expect(mapped.url).toBe('https://crm.example.com/v2');
    expect(Object.values(mapped.headers)).toContain('Bearer bob-token-value-0002');
  });
});
