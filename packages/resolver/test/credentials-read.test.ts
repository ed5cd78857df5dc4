import { findIntegrationForRequest } from '@latchkey/db';
import { createTestDatabase, type TestDatabase } from '@latchkey/devstack/test-db';
import { createVault, generateMasterKey, parseMasterKeys, type Vault } from '@latchkey/vault';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRequestCredentials, mapLoadedRequest, resolveRequest } from '../src';
import { seedConnection, seedIntegration, seedTenant } from './fixtures';

const STATEMENT = 'latchkey_find_integration_for_request_';

describe('findIntegrationForRequest: the one read behind a step’s requests', () => {
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
    const found = await findIntegrationForRequest(testDb.db, acme, 'crm', 'alice');
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
    expect((await findIntegrationForRequest(testDb.db, acme, 'crm', null))?.connection).toBe(
      undefined,
    );
    expect((await findIntegrationForRequest(testDb.db, acme, 'crm', ''))?.connection).toBe(
      undefined,
    );
    expect((await findIntegrationForRequest(testDb.db, acme, 'crm', 'mallory'))?.connection).toBe(
      undefined,
    );
  });

  it("answers nothing for another tenant's integration or an unknown one", async () => {
    expect(await findIntegrationForRequest(testDb.db, globex, 'crm', 'alice')).toBe(undefined);
    expect(await findIntegrationForRequest(testDb.db, acme, 'nope', 'alice')).toBe(undefined);
  });

  it('runs as a named prepared statement, parsed once per connection', async () => {
    const statements = await testDb.db.connection().execute(async (conn) => {
      for (const user of ['alice', 'bob', 'alice', null]) {
        await findIntegrationForRequest(conn, acme, 'crm', user);
      }
      const { rows } = await sql<{
        name: string;
      }>`select name from pg_prepared_statements order by name`.execute(conn);
      return rows.map((row) => row.name);
    });
    // Parsed once; only registered statements are named; ordinary Kysely queries stay unnamed.
    expect(statements.filter((name) => name.startsWith(STATEMENT))).toHaveLength(1);
    expect(statements.every((name) => name.startsWith('latchkey_'))).toBe(true);
  });

  it('works inside a transaction, on the transaction’s connection', async () => {
    const found = await testDb.db
      .transaction()
      .execute((trx) => findIntegrationForRequest(trx, acme, 'crm', 'alice'));
    expect(found?.connection?.id).toBe(aliceConnection);
  });

  it('resolves from a prefetched read as well', async () => {
    const prefetched = await findIntegrationForRequest(testDb.db, acme, 'crm', 'bob');
    const mapped = await resolveRequest(
      { db: testDb.db, vault },
      { tenantId: acme, integrationId: 'crm', userId: 'bob', prefetched },
    );
    if (mapped.kind !== 'http') throw new Error('expected http');
    expect(mapped.url).toBe('https://crm.example.com/v2');
    expect(Object.values(mapped.headers)).toContain('Bearer bob-token-value-0002');
  });

  it('loads once and maps every page from what it loaded', async () => {
    const key = { tenantId: acme, integrationId: 'crm', userId: 'alice' };
    const loaded = await loadRequestCredentials({ db: testDb.db, vault }, key);
    expect(loaded.connectionCredentials).toEqual({ access_token: 'alice-token-value-0001' });
    // The stored token changes after the load (a refresh elsewhere): pages keep what was
    // loaded until the step reloads, which it does only after a forced refresh.
    await testDb.db
      .updateTable('connections')
      .set({ encrypted_credentials: null })
      .where('id', '=', aliceConnection)
      .execute();
    for (const cursor of ['1', '2']) {
      const page = mapLoadedRequest(loaded, { request: { path: '/deals', query: { cursor } } });
      if (page.kind !== 'http') throw new Error('expected http');
      expect(page.url).toBe(`https://crm.example.com/v2/deals?cursor=${cursor}`);
      expect(Object.values(page.headers)).toContain('Bearer alice-token-value-0001');
      expect(page.secrets).toContain('alice-token-value-0001');
    }
    const reloaded = await loadRequestCredentials({ db: testDb.db, vault }, key);
    expect(reloaded.connectionCredentials).toBeUndefined();
  });
});
