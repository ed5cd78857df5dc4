import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Db,
  findApiKeyByHash,
  findApiKeyById,
  findConnectionRefreshPlan,
  insertApiKey,
  insertConnection,
  insertIntegration,
  insertTenant,
} from '../src/index';
import { createTestDatabase } from './fixtures';

describe('repositories moved out of their callers', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Db;
  let acme: string;
  let globex: string;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = testDb.db;
    acme = (await insertTenant(db, 'acme')).id;
    globex = (await insertTenant(db, 'globex')).id;
  });
  afterAll(async () => {
    await testDb?.destroy();
  });

  describe('findApiKeyById (the codec session read)', () => {
    it('reads the key as findApiKeyByHash does, tenant name included', async () => {
      const key = await insertApiKey(db, {
        tenantId: acme,
        name: 'codec',
        prefix: 'lk_abcd',
        keyHash: 'hash-of-codec-key',
        scopes: ['codec'],
      });
      const byId = await findApiKeyById(db, key.id);
      expect(byId).toMatchObject({ id: key.id, tenant_id: acme, tenant_name: 'acme' });
      expect(byId?.scopes).toEqual(['codec']);
      expect(byId).toEqual(await findApiKeyByHash(db, 'hash-of-codec-key'));
    });

    it('returns nothing for an id no key has', async () => {
      expect(await findApiKeyById(db, randomUUID())).toBeUndefined();
    });
  });

  describe('findConnectionRefreshPlan (the background refresher read)', () => {
    let connectionId: string;

    beforeAll(async () => {
      await insertIntegration(db, acme, 'crm', {
        name: 'crm',
        url_host: 'https://crm.example.com',
        url_path: '',
        auth: null,
        template_id: null,
        instructions: null,
        docs_url: null,
        encrypted_credentials: null,
        credential_hints: '{}',
        oauth: null,
        encrypted_oauth_client_secret: null,
      });
      connectionId = randomUUID();
      await insertConnection(db, {
        id: connectionId,
        tenantId: acme,
        integrationId: 'crm',
        userId: 'alice',
        encrypted_credentials: Buffer.from('sealed'),
        credential_hints: JSON.stringify({ refresh_token: 'rt…' }),
        status: 'active',
        expires_at: new Date('2026-12-06T12:00:00Z'),
        token_obtained_at: new Date('2026-12-06T11:00:00Z'),
        granted_scopes: ['read'],
      });
    });

    it('reads when the token ends and whether it refreshes, never the credentials', async () => {
      expect(await findConnectionRefreshPlan(db, acme, connectionId)).toEqual({
        integration_id: 'crm',
        user_id: 'alice',
        status: 'active',
        expires_at: new Date('2026-12-06T12:00:00Z'),
        token_obtained_at: new Date('2026-12-06T11:00:00Z'),
        credential_hints: { refresh_token: 'rt…' },
      });
    });

    it("does not find another tenant's connection by its id", async () => {
      expect(await findConnectionRefreshPlan(db, globex, connectionId)).toBeUndefined();
    });
  });
});
