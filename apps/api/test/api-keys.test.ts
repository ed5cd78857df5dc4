import type { AppRouter } from '@latchkey/api';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';

async function errorOf(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<AppRouter>;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('tenants and API keys over HTTP', () => {
  let api: TestApi;
  let acme: Awaited<ReturnType<TestApi['createTenant']>>;
  let globex: Awaited<ReturnType<TestApi['createTenant']>>;
  const issuedKeys: string[] = [];

  beforeAll(async () => {
    api = await startTestApi();
    acme = await api.createTenant('acme');
    globex = await api.createTenant('globex');
    issuedKeys.push(acme.apiKey, globex.apiKey);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers health checks without a key', async () => {
    const health = await api.client().health.check.query();
    expect(health).toEqual({ status: 'ok', database: 'ok', temporal: 'ok' });
  });

  it('resolves a key to its tenant and scopes', async () => {
    const me = await api.client(acme.apiKey).tenant.me.query();
    expect(me).toMatchObject({ tenantId: acme.tenantId, name: 'acme', scopes: ['admin'] });
  });

  it('refuses a missing or unknown key with UNAUTHORIZED', async () => {
    const missing = await errorOf(api.client().tenant.me.query());
    expect(missing.data?.code).toBe('UNAUTHORIZED');
    expect(missing.message).toMatch(/Missing API key/);
    const unknown = await errorOf(api.client('lk_not-a-real-key').tenant.me.query());
    expect(unknown.data?.code).toBe('UNAUTHORIZED');
    expect(unknown.data?.httpStatus).toBe(401);
  });

  it('issues scoped keys that are FORBIDDEN outside their scope', async () => {
    const created = await api
      .client(acme.apiKey)
      .apiKeys.create.mutate({ name: 'ci', scopes: ['integrations'] });
    issuedKeys.push(created.key);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const me = await api.client(created.key).tenant.me.query();
    expect(me.scopes).toEqual(['integrations']);
    const forbidden = await errorOf(api.client(created.key).apiKeys.list.query());
    expect(forbidden.data?.code).toBe('FORBIDDEN');
    expect(forbidden.message).toContain("'admin'");
  });

  it('stores keys hashed, shows only the prefix, and records last use', async () => {
    const created = await api
      .client(acme.apiKey)
      .apiKeys.create.mutate({ name: 'reader', scopes: ['runs'] });
    issuedKeys.push(created.key);
    await api.client(created.key).tenant.me.query();
    const listed = await api.client(acme.apiKey).apiKeys.list.query();
    const row = listed.find((k) => k.id === created.id);
    expect(row).toMatchObject({ prefix: created.prefix, scopes: ['runs'], revokedAt: null });
    expect(row?.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(created.key);
    const stored = await api.db.selectFrom('api_keys').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(created.key);
  });

  it('revokes keys: a revoked key is UNAUTHORIZED', async () => {
    const created = await api
      .client(acme.apiKey)
      .apiKeys.create.mutate({ name: 'temp', scopes: ['runs'] });
    issuedKeys.push(created.key);
    await api.client(acme.apiKey).apiKeys.revoke.mutate({ id: created.id });
    const revoked = await errorOf(api.client(created.key).tenant.me.query());
    expect(revoked.data?.code).toBe('UNAUTHORIZED');
    expect(revoked.message).toMatch(/revoked/);
  });

  it('names the offending fields on BAD_REQUEST', async () => {
    const error = await errorOf(
      api.client(acme.apiKey).apiKeys.create.mutate({ name: '', scopes: ['root' as 'admin'] }),
    );
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/name:/);
    expect(error.message).toMatch(/scopes\.0:/);
    expect(error.data?.fields?.map((f) => f.path.join('.'))).toEqual(['name', 'scopes.0']);
  });

  it('keeps tenants apart: another tenant cannot list or revoke my keys', async () => {
    const mine = await api.client(acme.apiKey).apiKeys.list.query();
    const theirs = await api.client(globex.apiKey).apiKeys.list.query();
    expect(theirs.map((k) => k.id)).not.toEqual(expect.arrayContaining([mine[0]?.id]));
    const target = mine.find((k) => k.revokedAt === null);
    if (!target) throw new Error('acme has no live key');
    const crossing = await errorOf(
      api.client(globex.apiKey).apiKeys.revoke.mutate({ id: target.id }),
    );
    expect(crossing.data?.code).toBe('NOT_FOUND');
    const still = await api.client(acme.apiKey).tenant.me.query();
    expect(still.tenantId).toBe(acme.tenantId);
  });

  it('never writes a key to the log or the audit trail', async () => {
    const logs = api.logs();
    expect(logs).toContain('"path":"/trpc/tenant.me"');
    const audit = JSON.stringify(await api.db.selectFrom('audit_events').selectAll().execute());
    for (const key of issuedKeys) {
      expect(logs).not.toContain(key);
      expect(audit).not.toContain(key);
    }
    const actions = await api.client(acme.apiKey).audit.list.query();
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining(['tenant.create', 'api_key.create', 'api_key.revoke']),
    );
  });
});
