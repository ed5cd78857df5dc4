import { createHash, randomUUID } from 'node:crypto';
import { createTenant } from '@latchkey/api';
import {
  executePrepared,
  findApiKeyByHash,
  findIntegrationForRequest,
  findRun,
  findWorkflow,
  finishRunRow,
  insertRunWithinQuota,
  insertWorkflowVersion,
  markRunStarted,
} from '@latchkey/db';
import { createTestDatabase, type TestDatabase } from '@latchkey/devstack/test-db';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestVault } from './test-vault';

/** The statements every `runs.execute` makes, in order, each under its registered name. */
const HOT_STATEMENTS = [
  'latchkey_find_api_key',
  'latchkey_find_workflow',
  'latchkey_insert_run_within_quota',
  'latchkey_mark_run_started',
  'latchkey_finish_run',
  'latchkey_find_run',
];

describe('the statements every run makes are prepared', () => {
  let testDb: TestDatabase;
  let close: () => void;
  let tenantId: string;
  let keyHash: string;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    const { vault } = await createTestVault(testDb.db);
    close = () => vault.close();
    const tenant = await createTenant(testDb.db, vault, { name: 'acme', actor: 'test' });
    tenantId = tenant.tenantId;
    keyHash = createHash('sha256').update(tenant.apiKey.key).digest('hex');
    await insertWorkflowVersion(testDb.db, tenantId, 'sync', {
      instruction: 'sync',
      integrationIds: [],
      steps: [],
      inputSchema: null,
      responseSchema: null,
    });
  });
  afterAll(async () => {
    close?.();
    await testDb?.destroy();
  });

  /** One run's bookkeeping on one connection, as runs.execute and the worker do it. */
  async function oneRun(conn: Parameters<typeof findRun>[0]) {
    const runId = randomUUID();
    expect((await findApiKeyByHash(conn, keyHash))?.tenant_id).toBe(tenantId);
    const workflow = await findWorkflow(conn, tenantId, 'sync');
    expect(workflow?.version).toBe(1);
    const admitted = await insertRunWithinQuota(
      conn,
      {
        id: runId,
        tenantId,
        workflowId: 'sync',
        workflowVersion: 1,
        userId: null,
        temporalWorkflowId: `acme/sync/${runId}`,
      },
      { actor: 'test', action: 'run.execute', details: {} },
      1_000,
    );
    expect(admitted).toEqual({ inserted: true });
    await markRunStarted(conn, tenantId, runId, 'temporal-run');
    const finished = await finishRunRow(conn, tenantId, runId, {
      status: 'succeeded',
      stepStats: [],
      encryptedResult: null,
      error: null,
    });
    expect(finished).toBe(true);
    // A second finish changes nothing and says so, prepared or not.
    expect(
      await finishRunRow(conn, tenantId, runId, {
        status: 'failed',
        stepStats: [],
        encryptedResult: null,
        error: 'late',
      }),
    ).toBe(false);
    return findRun(conn, tenantId, runId);
  }

  const preparedOn = async (conn: Parameters<typeof findRun>[0]) => {
    const { rows } = await sql<{
      name: string;
    }>`select name from pg_prepared_statements order by name`.execute(conn);
    return rows.map((row) => row.name);
  };

  it('runs them as named statements, each prepared once per connection', async () => {
    const [afterOne, afterThree, run] = await testDb.db.connection().execute(async (conn) => {
      await oneRun(conn);
      const afterOne = await preparedOn(conn);
      await oneRun(conn);
      const run = await oneRun(conn);
      return [afterOne, await preparedOn(conn), run];
    });
    expect(run).toMatchObject({ tenant_id: tenantId, status: 'succeeded', error: null });
    for (const name of HOT_STATEMENTS) {
      expect(afterOne.filter((prepared) => prepared.startsWith(`${name}_`))).toHaveLength(1);
    }
    // Three runs, the same statements: reused, not prepared again under new names.
    expect(afterThree).toEqual(afterOne);
  });

  it('prepares the read every step on an OAuth integration makes', async () => {
    const prepared = await testDb.db.connection().execute(async (conn) => {
      expect(await findIntegrationForRequest(conn, tenantId, 'crm', 'alice')).toBeUndefined();
      return preparedOn(conn);
    });
    expect(
      prepared.filter((name) => name.startsWith('latchkey_find_integration_for_request_')),
    ).toHaveLength(1);
  });

  it('still answers on a cached plan after a migration adds a column', async () => {
    await sql`insert into integrations (tenant_id, id, name, url_host, url_path, credential_hints)
      values (${tenantId}, 'crm', 'CRM', 'https://crm.example.com', '', '{}')`.execute(testDb.db);
    await testDb.db.connection().execute(async (conn) => {
      await oneRun(conn);
      expect((await findIntegrationForRequest(conn, tenantId, 'crm', null))?.integration.id).toBe(
        'crm',
      );
      // A migration (the owner role, another session) changes the tables under cached plans.
      await testDb.asOwner((owner) =>
        sql`alter table integrations add column added_later text`.execute(owner),
      );
      expect(
        (await findIntegrationForRequest(conn, tenantId, 'crm', null))?.integration,
      ).not.toHaveProperty('added_later');
      await testDb.asOwner(async (owner) => {
        await sql`alter table runs add column added_later text`.execute(owner);
        await sql`alter table workflows add column added_later text`.execute(owner);
        await sql`alter table api_keys add column added_later text`.execute(owner);
      });
      // `select *` here would fail: "cached plan must not change result type".
      const run = await oneRun(conn);
      expect(run).not.toHaveProperty('added_later');
      expect(run?.status).toBe('succeeded');
    });
  });

  it('refuses to prepare a query that reads every column', async () => {
    const everything = testDb.db.selectFrom('runs').selectAll().where('tenant_id', '=', tenantId);
    expect(() => executePrepared(testDb.db, 'latchkey_test_everything', everything)).toThrow(
      /reads every column/,
    );
  });
});
