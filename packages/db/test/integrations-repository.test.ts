import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertConnection } from '../src/repositories/connections';
import {
  deleteIntegration,
  findIntegration,
  findIntegrationForRequest,
  insertIntegration,
  listIntegrations,
  updateIntegration,
} from '../src/repositories/integrations';
import { INTEGRATION_OWN_USER } from '../src/schema';
import { createTestDatabase, integrationValues, type TestDatabase, twoTenants } from './fixtures';

describe('integrations repository', () => {
  let t: TestDatabase;
  let tenants: { a: string; b: string };

  beforeAll(async () => {
    t = await createTestDatabase();
    tenants = await twoTenants(t.db);
  });
  afterAll(() => t?.destroy());

  it('keeps the same id apart per tenant: each reads, lists and changes only its own', async () => {
    await insertIntegration(t.db, tenants.a, 'crm', integrationValues({ name: 'A CRM' }));
    await insertIntegration(t.db, tenants.b, 'crm', integrationValues({ name: 'B CRM' }));
    await insertIntegration(t.db, tenants.a, 'mail', integrationValues({ name: 'A mail' }));

    expect((await findIntegration(t.db, tenants.a, 'crm'))?.name).toBe('A CRM');
    expect((await findIntegration(t.db, tenants.b, 'crm'))?.name).toBe('B CRM');
    expect(await findIntegration(t.db, tenants.b, 'mail')).toBeUndefined();
    expect((await listIntegrations(t.db, tenants.a)).map((i) => i.name)).toEqual([
      'A CRM',
      'A mail',
    ]);
    expect((await listIntegrations(t.db, tenants.b)).map((i) => i.name)).toEqual(['B CRM']);

    // Tenant B's version of `mail` does not exist: nothing to update or delete.
    expect(
      await updateIntegration(t.db, tenants.b, 'mail', 1, integrationValues()),
    ).toBeUndefined();
    expect(await deleteIntegration(t.db, tenants.b, 'mail')).toBe(false);
    expect((await findIntegration(t.db, tenants.a, 'mail'))?.name).toBe('A mail');
  });

  it('inserts once: a second insert of the id returns undefined and keeps the first', async () => {
    const first = await insertIntegration(t.db, tenants.a, 'dup', integrationValues());
    expect(first?.version).toBe(1);
    expect(
      await insertIntegration(t.db, tenants.a, 'dup', integrationValues({ name: 'late' })),
    ).toBeUndefined();
    expect((await findIntegration(t.db, tenants.a, 'dup'))?.name).toBe('CRM');
  });

  it('updates only at the expected version', async () => {
    await insertIntegration(t.db, tenants.a, 'versioned', integrationValues());
    const next = await updateIntegration(
      t.db,
      tenants.a,
      'versioned',
      1,
      integrationValues({ name: 'second' }),
    );
    expect(next).toMatchObject({ name: 'second', version: 2 });
    // A writer that read version 1 lost the race.
    expect(
      await updateIntegration(t.db, tenants.a, 'versioned', 1, integrationValues()),
    ).toBeUndefined();
  });

  it('pages through a tenant integrations by id', async () => {
    const ids = (await listIntegrations(t.db, tenants.a)).map((i) => i.id);
    const first = await listIntegrations(t.db, tenants.a, { limit: 2 });
    const rest = await listIntegrations(t.db, tenants.a, { after: first.at(-1)?.id });
    expect([...first, ...rest].map((i) => i.id)).toEqual(ids);
  });

  it("reads a request's integration and connection in one query, scoped by tenant", async () => {
    await insertConnection(t.db, {
      id: crypto.randomUUID(),
      tenantId: tenants.a,
      integrationId: 'crm',
      userId: 'bob',
      encrypted_credentials: Buffer.from('bob sealed'),
      credential_hints: '{}',
      status: 'active',
      expires_at: null,
      granted_scopes: [],
    });
    const found = await findIntegrationForRequest(t.db, tenants.a, 'crm', 'bob');
    expect(found?.integration.name).toBe('A CRM');
    expect(found?.connection?.user_id).toBe('bob');
    // Tenant B has its own `crm`, and no connection for bob on it.
    const other = await findIntegrationForRequest(t.db, tenants.b, 'crm', 'bob');
    expect(other?.integration.name).toBe('B CRM');
    expect(other?.connection).toBeUndefined();
    expect(await findIntegrationForRequest(t.db, tenants.b, 'mail', null)).toBeUndefined();
    // Without a user, the integration's own connection (none here).
    const own = await findIntegrationForRequest(t.db, tenants.a, 'crm', null);
    expect(own?.connection).toBeUndefined();
    expect(INTEGRATION_OWN_USER).not.toBe('bob');
  });
});
