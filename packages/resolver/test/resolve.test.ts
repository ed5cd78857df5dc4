import { createTestDatabase, type TestDatabase } from '@latchkey/devstack/test-db';
import { getTemplate } from '@latchkey/oauth';
import { createVault, generateMasterKey, parseMasterKeys, type Vault } from '@latchkey/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntegrationNotFoundError, resolveRequest } from '../src';
import { seedConnection, seedIntegration, seedTenant } from './fixtures';

describe('resolveRequest: database read, vault open, mapper', () => {
  let testDb: TestDatabase;
  let vault: Vault;
  let acme: string;
  let globex: string;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    vault = await createVault({ db: testDb.db, keyring: parseMasterKeys(generateMasterKey('t')) });
    acme = await seedTenant(testDb.db, 'acme');
    globex = await seedTenant(testDb.db, 'globex');
    await seedIntegration(testDb.db, vault, acme, {
      id: 'stripe',
      urlHost: 'https://api.stripe.com',
      urlPath: '/v1',
      auth: { type: 'bearer', credential: 'secret_key' },
      credentials: { secret_key: 'sk_test_stored_value_123456' },
    });
    await seedIntegration(testDb.db, vault, acme, {
      id: 'gh',
      urlHost: 'https://api.github.com',
      templateId: 'github-pat',
      credentials: { personal_access_token: 'ghp_stored_value_0123456789' },
    });
    await seedIntegration(testDb.db, vault, acme, {
      id: 'crm',
      urlHost: 'https://crm.example.com',
      auth: { type: 'oauth2' },
    });
    await seedConnection(testDb.db, vault, acme, {
      integrationId: 'crm',
      userId: 'alice',
      credentials: { access_token: 'alice-token-value-0001' },
    });
    await seedConnection(testDb.db, vault, acme, {
      integrationId: 'crm',
      userId: 'bob',
      credentials: { access_token: 'bob-token-value-0002' },
    });
    await seedIntegration(testDb.db, vault, acme, {
      id: 'warehouse',
      urlHost: 'postgresql://<<user>>:<<password>>@<<host>>:<<port>>',
      urlPath: '/<<database_name>>',
      auth: { type: 'database' },
      credentials: {
        user: 'reader',
        password: 'p@ss/w:rd',
        host: 'db.internal',
        port: '5432',
        database: 'sales',
      },
    });
  });
  afterAll(async () => {
    vault?.close();
    await testDb?.destroy();
  });

  it('places stored credentials as the integration declares', async () => {
    const mapped = await resolveRequest(
      { db: testDb.db, vault },
      {
        tenantId: acme,
        integrationId: 'stripe',
        request: { path: '/customers', query: { limit: 3 } },
      },
    );
    expect(mapped.kind).toBe('http');
    if (mapped.kind !== 'http') return;
    expect(mapped.url).toBe('https://api.stripe.com/v1/customers?limit=3');
    expect(mapped.headers.Authorization ?? mapped.headers.authorization).toBe(
      'Bearer sk_test_stored_value_123456',
    );
    expect(JSON.stringify(mapped.explanation)).not.toContain('sk_test_stored_value_123456');
  });

  it('lets runtime credentials win over stored ones', async () => {
    const mapped = await resolveRequest(
      { db: testDb.db, vault },
      {
        tenantId: acme,
        integrationId: 'stripe',
        runtimeCredentials: { stripe_secret_key: 'sk_runtime_999999999' },
      },
    );
    if (mapped.kind !== 'http') throw new Error('expected http');
    expect(Object.values(mapped.headers)).toContain('Bearer sk_runtime_999999999');
    expect(mapped.explanation.find((e) => e.source === 'runtime')?.credential).toBe(
      'stripe_secret_key',
    );
  });

  it("uses each user's own connection", async () => {
    for (const [user, token] of [
      ['alice', 'alice-token-value-0001'],
      ['bob', 'bob-token-value-0002'],
    ] as const) {
      const mapped = await resolveRequest(
        { db: testDb.db, vault },
        { tenantId: acme, integrationId: 'crm', userId: user },
      );
      if (mapped.kind !== 'http') throw new Error('expected http');
      expect(Object.values(mapped.headers)).toContain(`Bearer ${token}`);
    }
    await expect(
      resolveRequest(
        { db: testDb.db, vault },
        { tenantId: acme, integrationId: 'crm', userId: 'mallory' },
      ),
    ).rejects.toThrow(/access_token/);
  });

  it('builds a database connection string that round-trips the password', async () => {
    const mapped = await resolveRequest(
      { db: testDb.db, vault },
      { tenantId: acme, integrationId: 'warehouse' },
    );
    if (mapped.kind !== 'database') throw new Error('expected database');
    const url = new URL(mapped.connectionString);
    expect(decodeURIComponent(url.password)).toBe('p@ss/w:rd');
    expect(url.pathname).toBe('/sales');
    expect(url.hostname).toBe('db.internal');
  });

  it("carries the template's id and rate-limit rules, for the step's retry delay", async () => {
    const mapped = await resolveRequest(
      { db: testDb.db, vault },
      { tenantId: acme, integrationId: 'gh', request: { path: '/user' } },
    );
    expect(mapped.templateId).toBe('github-pat');
    expect(mapped.rateLimit).toEqual(getTemplate('github-pat')?.rateLimit);
    expect(mapped.rateLimit?.reset).toEqual([
      { header: 'X-RateLimit-Reset', format: 'epoch_seconds' },
    ]);
    const plain = await resolveRequest(
      { db: testDb.db, vault },
      { tenantId: acme, integrationId: 'stripe' },
    );
    expect(plain.templateId).toBeUndefined();
    expect(plain.rateLimit).toBeUndefined();
  });

  it("never resolves another tenant's integration", async () => {
    await expect(
      resolveRequest({ db: testDb.db, vault }, { tenantId: globex, integrationId: 'stripe' }),
    ).rejects.toBeInstanceOf(IntegrationNotFoundError);
  });
});
