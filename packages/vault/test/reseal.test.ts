import { randomUUID } from 'node:crypto';
import { type Db, insertTenant } from '@latchkey/db';
import { createTestDatabase, type TestDatabase } from '@latchkey/devstack/test-db';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createVault,
  parseMasterKeys,
  type ResealProgress,
  SEALED_COLUMNS,
  type SealContext,
  sealedKeyVersion,
  type Vault,
} from '../src/index';
import { resealColumns } from '../src/reseal';
import { keyEntry } from './support';

let testDb: TestDatabase;
let db: Db;
let vault: Vault;

/** Every sealed value the test wrote, with the context a reader would use and the plaintext. */
interface Stored {
  table: string;
  column: string;
  where: Record<string, string>;
  ctx: SealContext;
  plaintext: string;
}
const stored: Stored[] = [];
let tenantA: string;
let tenantB: string;

async function seal(entry: Omit<Stored, 'plaintext'>): Promise<Buffer> {
  const plaintext = `${entry.table}.${entry.column} ${JSON.stringify(entry.where)}`;
  stored.push({ ...entry, plaintext });
  return vault.seal(entry.ctx, plaintext);
}

async function seedTenant(tenantId: string): Promise<void> {
  for (const id of ['stripe', 'hubspot']) {
    const where = { tenant_id: tenantId, id };
    await db
      .insertInto('integrations')
      .values({
        tenant_id: tenantId,
        id,
        name: id,
        url_host: `api.${id}.com`,
        url_path: '/v1',
        auth: JSON.stringify({ type: 'bearer' }),
        credential_hints: '{}',
        oauth: JSON.stringify({ client_id: 'abc' }),
        encrypted_credentials: await seal({
          table: 'integrations',
          column: 'encrypted_credentials',
          where,
          ctx: { tenantId, kind: 'integration.credentials', recordId: id, userId: null },
        }),
        encrypted_oauth_client_secret:
          id === 'stripe'
            ? await seal({
                table: 'integrations',
                column: 'encrypted_oauth_client_secret',
                where,
                ctx: {
                  tenantId,
                  kind: 'integration.oauth_client_secret',
                  recordId: id,
                  userId: null,
                },
              })
            : null,
      })
      .execute();
  }
  for (let i = 0; i < 7; i++) {
    const id = randomUUID();
    const userId = `user-${i}`;
    await db
      .insertInto('connections')
      .values({
        id,
        tenant_id: tenantId,
        integration_id: 'stripe',
        user_id: userId,
        credential_hints: '{}',
        encrypted_credentials: await seal({
          table: 'connections',
          column: 'encrypted_credentials',
          where: { id },
          ctx: { tenantId, kind: 'connection.credentials', recordId: id, userId },
        }),
      })
      .execute();
  }
  for (let i = 0; i < 2; i++) {
    const id = randomUUID();
    await db
      .insertInto('oauth_states')
      .values({
        id,
        tenant_id: tenantId,
        integration_id: 'hubspot',
        user_id: 'user-0',
        state_hash: randomUUID(),
        redirect_uri: 'https://app.example/callback',
        expires_at: new Date(Date.now() + 600_000),
        encrypted_pkce_verifier: await seal({
          table: 'oauth_states',
          column: 'encrypted_pkce_verifier',
          where: { id },
          ctx: { tenantId, kind: 'oauth_state.pkce_verifier', recordId: id, userId: 'user-0' },
        }),
        // A flow from oauth.authorizeUrl has its provider URL sealed too; a connect link's none.
        encrypted_authorize_url:
          i === 0
            ? await seal({
                table: 'oauth_states',
                column: 'encrypted_authorize_url',
                where: { id },
                ctx: {
                  tenantId,
                  kind: 'oauth_state.authorize_url',
                  recordId: id,
                  userId: 'user-0',
                },
              })
            : null,
      })
      .execute();
  }
  for (const userId of ['user-1', null, 'user-2']) {
    const id = randomUUID();
    await db
      .insertInto('runs')
      .values({
        id,
        tenant_id: tenantId,
        workflow_id: 'customers',
        workflow_version: 1,
        user_id: userId,
        temporal_workflow_id: `customers-${id}`,
        step_stats: '[]',
        encrypted_result: await seal({
          table: 'runs',
          column: 'encrypted_result',
          where: { id },
          ctx: { tenantId, kind: 'run.result', recordId: id, userId },
        }),
      })
      .execute();
    if (userId === 'user-1') {
      // A run in flight with runtime credentials holds a per-run key, sealed by the tenant key.
      await db
        .insertInto('run_keys')
        .values({
          run_id: id,
          tenant_id: tenantId,
          encrypted_key: await seal({
            table: 'run_keys',
            column: 'encrypted_key',
            where: { run_id: id },
            ctx: { tenantId, kind: 'run.runtime_credentials', recordId: id, userId: null },
          }),
        })
        .execute();
    }
  }
  // The tenant's webhook signing secret, and the previous one during a rotation's overlap.
  const webhook = { tenant_id: tenantId };
  const webhookCtx = (kind: 'tenant_webhook.secret' | 'tenant_webhook.previous_secret') => ({
    tenantId,
    kind,
    recordId: tenantId,
    userId: null,
  });
  await db
    .insertInto('tenant_webhooks')
    .values({
      tenant_id: tenantId,
      url: 'https://app.example/hooks',
      secret_hint: 'whsec_…abcd',
      encrypted_secret: await seal({
        table: 'tenant_webhooks',
        column: 'encrypted_secret',
        where: webhook,
        ctx: webhookCtx('tenant_webhook.secret'),
      }),
      encrypted_previous_secret: await seal({
        table: 'tenant_webhooks',
        column: 'encrypted_previous_secret',
        where: webhook,
        ctx: webhookCtx('tenant_webhook.previous_secret'),
      }),
      previous_secret_expires_at: new Date(Date.now() + 3_600_000),
    })
    .execute();
  // A run without a result: null columns are not sealed values and are left alone.
  await db
    .insertInto('runs')
    .values({
      tenant_id: tenantId,
      workflow_id: 'customers',
      workflow_version: 1,
      user_id: null,
      temporal_workflow_id: `customers-${randomUUID()}`,
      step_stats: '[]',
    })
    .execute();
}

async function read(entry: Stored): Promise<Buffer> {
  const filters = Object.entries(entry.where).map(([k, v]) => sql`${sql.ref(k)} = ${v}`);
  const { rows } = await sql<{ value: Buffer }>`
    select ${sql.ref(entry.column)} as value from ${sql.table(entry.table)}
    where ${sql.join(filters, sql` and `)}
  `.execute(db);
  const value = rows[0]?.value;
  if (!value) throw new Error(`no value for ${entry.table}.${entry.column}`);
  return value;
}

/** Asserts every stored value of the tenant is on `version` and opens to what was written. */
async function expectAllOn(tenantId: string, version: number): Promise<void> {
  const entries = stored.filter((s) => s.ctx.tenantId === tenantId);
  expect(entries.length).toBeGreaterThan(0);
  for (const entry of entries) {
    const value = await read(entry);
    expect({ where: entry.where, version: sealedKeyVersion(value) }).toEqual({
      where: entry.where,
      version,
    });
    expect(await vault.openText(entry.ctx, value)).toBe(entry.plaintext);
  }
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
  vault = await createVault({ db, keyring: parseMasterKeys(keyEntry('k1')) });
  tenantA = (await insertTenant(db, 'tenant-a')).id;
  tenantB = (await insertTenant(db, 'tenant-b')).id;
  await seedTenant(tenantA);
  await seedTenant(tenantB);
});
afterAll(async () => {
  vault?.close();
  await testDb?.destroy();
});

describe('resealAll', () => {
  it('covers every encrypted_* column in the schema', async () => {
    const { rows } = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and column_name like 'encrypted\\_%'
    `.execute(db);
    const inSchema = rows.map((r) => `${r.table_name}.${r.column_name}`).sort();
    const registered = SEALED_COLUMNS.map((c) => `${c.table}.${c.column}`).sort();
    expect(registered).toEqual(inSchema);
  });

  it('re-seals every stored secret with the new tenant key, in small batches', async () => {
    await expectAllOn(tenantA, 1);
    await vault.rotateTenantKey(tenantA);
    await vault.rotateTenantKey(tenantB);
    const progress: ResealProgress[] = [];
    const result = await vault.resealAll({ batchSize: 2, onProgress: (p) => progress.push(p) });

    const expectedTotal = stored.length;
    expect(result).toMatchObject({
      scanned: expectedTotal,
      resealed: expectedTotal,
      skipped: 0,
      failed: 0,
    });
    expect(result.columns.map((c) => [c.table, c.column, c.scanned, c.resealed, c.total])).toEqual([
      ['integrations', 'encrypted_credentials', 4, 4, 4],
      ['integrations', 'encrypted_oauth_client_secret', 2, 2, 2],
      ['connections', 'encrypted_credentials', 14, 14, 14],
      ['oauth_states', 'encrypted_pkce_verifier', 4, 4, 4],
      ['oauth_states', 'encrypted_authorize_url', 2, 2, 2],
      ['runs', 'encrypted_result', 6, 6, 6],
      ['run_keys', 'encrypted_key', 2, 2, 2],
      ['tenant_webhooks', 'encrypted_secret', 2, 2, 2],
      ['tenant_webhooks', 'encrypted_previous_secret', 2, 2, 2],
    ]);
    // Keyset batches of 2: connections alone report 7 times, every report within its total.
    const connections = progress.filter((p) => p.table === 'connections');
    expect(connections.map((p) => p.scanned)).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(progress.every((p) => p.scanned <= p.total && p.resealed <= p.scanned)).toBe(true);

    await expectAllOn(tenantA, 2);
    await expectAllOn(tenantB, 2);
    const again = await vault.resealAll();
    expect(again).toMatchObject({ scanned: expectedTotal, resealed: 0 });
  });

  it('limits itself to one tenant when asked', async () => {
    await vault.rotateTenantKey(tenantA);
    const result = await vault.resealAll({ tenantId: tenantA, batchSize: 3 });
    const ofA = stored.filter((s) => s.ctx.tenantId === tenantA).length;
    expect(result).toMatchObject({ scanned: ofA, resealed: ofA, failed: 0 });
    await expectAllOn(tenantA, 3);
    await expectAllOn(tenantB, 2);
  });

  it('reports a value that will not open and carries on with the rest', async () => {
    await vault.rotateTenantKey(tenantB);
    const victim = stored.find((s) => s.ctx.tenantId === tenantB && s.table === 'connections');
    if (!victim) throw new Error('no connection');
    const tampered = Buffer.from(await read(victim));
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    await db
      .updateTable('connections')
      .set({ encrypted_credentials: tampered })
      .where('id', '=', victim.where.id ?? '')
      .execute();

    const result = await vault.resealAll({ tenantId: tenantB });
    const ofB = stored.filter((s) => s.ctx.tenantId === tenantB).length;
    expect(result).toMatchObject({ scanned: ofB, resealed: ofB - 1, failed: 1 });
    expect(result.failures).toEqual([
      {
        table: 'connections',
        column: 'encrypted_credentials',
        key: { id: victim.where.id },
        code: 'DECRYPTION_FAILED',
        message: expect.stringContaining(`record ${victim.where.id}`),
      },
    ]);
    expect(JSON.stringify(result)).not.toContain(victim.plaintext);
    // Restore a good value for later tests.
    await db
      .updateTable('connections')
      .set({ encrypted_credentials: await vault.seal(victim.ctx, victim.plaintext) })
      .where('id', '=', victim.where.id ?? '')
      .execute();
    await expectAllOn(tenantB, 3);
  });

  it('never overwrites a value a concurrent writer changed meanwhile', async () => {
    await vault.rotateTenantKey(tenantA);
    const target = stored.find((s) => s.ctx.tenantId === tenantA && s.table === 'runs');
    if (!target) throw new Error('no run');
    const written = await vault.seal(target.ctx, 'written by a concurrent writer');
    const runs = SEALED_COLUMNS.filter((c) => c.table === 'runs');
    const result = await resealColumns(
      db,
      {
        activeVersion: async () => 4,
        reseal: async (ctx, sealed, version) => {
          if (ctx.recordId === target.where.id) {
            // The writer lands between our read and our update.
            await db
              .updateTable('runs')
              .set({ encrypted_result: written })
              .where('id', '=', ctx.recordId)
              .execute();
          }
          expect(version).toBe(4);
          return vault.seal(ctx, await vault.open(ctx, sealed));
        },
      },
      { tenantId: tenantA, columns: runs },
    );
    expect(result).toMatchObject({ scanned: 3, resealed: 2, skipped: 1 });
    expect(await vault.openText(target.ctx, await read(target))).toBe(
      'written by a concurrent writer',
    );
  });
});
