import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConnectionWrite,
  deleteConnection,
  deleteIntegrationConnections,
  findConnection,
  insertConnection,
  listConnectionIds,
  listConnections,
  updateConnection,
} from '../src/repositories/connections';
import { insertIntegration } from '../src/repositories/integrations';
import { createTestDatabase, integrationValues, type TestDatabase, twoTenants } from './fixtures';

const values = (sealed: string): ConnectionWrite => ({
  encrypted_credentials: Buffer.from(sealed),
  credential_hints: '{}',
  status: 'active',
  expires_at: null,
  granted_scopes: ['read'],
});

describe('connections repository', () => {
  let t: TestDatabase;
  let tenants: { a: string; b: string };

  beforeAll(async () => {
    t = await createTestDatabase();
    tenants = await twoTenants(t.db);
    for (const tenantId of [tenants.a, tenants.b]) {
      await insertIntegration(t.db, tenantId, 'crm', integrationValues());
    }
  });
  afterAll(() => t?.destroy());

  const connect = (tenantId: string, userId: string, sealed = `${userId} sealed`) =>
    insertConnection(t.db, {
      id: randomUUID(),
      tenantId,
      integrationId: 'crm',
      userId,
      ...values(sealed),
    });

  it("a tenant never reads, lists, changes or deletes another tenant's connection", async () => {
    const bob = await connect(tenants.a, 'bob');
    if (!bob) throw new Error('not inserted');

    expect((await findConnection(t.db, tenants.a, 'crm', 'bob'))?.id).toBe(bob.id);
    expect(await findConnection(t.db, tenants.b, 'crm', 'bob')).toBeUndefined();
    expect(await listConnections(t.db, tenants.b)).toEqual([]);
    expect(await listConnectionIds(t.db, tenants.b, 'crm')).toEqual([]);
    expect(
      await updateConnection(t.db, tenants.b, bob.id, bob.version, { status: 'needs_reauth' }),
    ).toBeUndefined();
    expect(await deleteConnection(t.db, tenants.b, 'crm', 'bob')).toBeUndefined();

    const still = await findConnection(t.db, tenants.a, 'crm', 'bob');
    expect(still).toMatchObject({ status: 'active', version: bob.version });
    expect(still?.encrypted_credentials).toEqual(Buffer.from('bob sealed'));
  });

  it('one connection per tenant, integration and user: a second insert returns undefined', async () => {
    await connect(tenants.a, 'carol', 'first');
    expect(await connect(tenants.a, 'carol', 'second')).toBeUndefined();
    const carol = await findConnection(t.db, tenants.a, 'crm', 'carol');
    expect(carol?.encrypted_credentials).toEqual(Buffer.from('first'));
    // The same user of another tenant is another connection.
    expect(await connect(tenants.b, 'carol')).toBeDefined();
  });

  it('updates only at the expected version', async () => {
    const dave = await connect(tenants.a, 'dave');
    if (!dave) throw new Error('not inserted');
    const next = await updateConnection(t.db, tenants.a, dave.id, dave.version, {
      ...values('dave refreshed'),
      consecutive_failures: 0,
    });
    expect(next?.version).toBe(dave.version + 1);
    expect(
      await updateConnection(t.db, tenants.a, dave.id, dave.version, values('lost the race')),
    ).toBeUndefined();
  });

  it("lists and pages a tenant's connections in integration, user order", async () => {
    const all = await listConnections(t.db, tenants.a);
    expect(all.every((c) => c.tenant_id === tenants.a)).toBe(true);
    const users = all.map((c) => c.user_id);
    expect(users).toEqual([...users].sort());
    const first = await listConnections(t.db, tenants.a, { limit: 2 });
    const last = first.at(-1);
    if (!last) throw new Error('no page');
    const rest = await listConnections(t.db, tenants.a, {
      after: { integrationId: last.integration_id, userId: last.user_id },
    });
    expect([...first, ...rest].map((c) => c.id)).toEqual(all.map((c) => c.id));
    expect(
      (await listConnections(t.db, tenants.a, { userId: 'bob' })).map((c) => c.user_id),
    ).toEqual(['bob']);
  });

  it("deletes an integration's connections in its own tenant only", async () => {
    const inB = (await listConnections(t.db, tenants.b)).length;
    await deleteIntegrationConnections(t.db, tenants.a, 'crm');
    expect(await listConnections(t.db, tenants.a)).toEqual([]);
    expect(await listConnections(t.db, tenants.b)).toHaveLength(inB);
  });
});
