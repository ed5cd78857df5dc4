import { randomBytes } from 'node:crypto';
import { LatchkeyClient } from '@latchkey/client';
import { freePort } from '@latchkey/devstack';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { scrape, sumOf } from './prometheus';
import { startTestWorker } from './worker-harness';

describe('health, readiness and metrics of the api', () => {
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let target: LoopbackServer;
  let client: LatchkeyClient;

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startTestWorker(api);
    target = await startLoopbackServer(async (request, res) => {
      if (request.path === '/missing') return json(res, 404, { error: 'no such thing' });
      json(res, 200, { items: [1, 2, 3] });
    });
    api.allowEgress(target.url);
    const tenant = await api.createTenant('acme');
    client = new LatchkeyClient({ endpoint: api.publicUrl, apiKey: tenant.apiKey });
    await client.upsertIntegration({
      id: 'target',
      urlHost: target.url,
      auth: { type: 'bearer', credential: 'token' },
      credentials: { token: 'metrics-test-token-4242' },
    });
    for (const [id, path] of [
      ['list', '/items'],
      ['missing', '/missing'],
    ] as const) {
      await client.buildWorkflow({
        id,
        instruction: `GET ${path}`,
        integrationIds: ['target'],
        steps: [{ id: 'call', integrationId: 'target', method: 'GET', path }],
      });
    }
  });

  afterAll(async () => {
    await worker?.stop();
    await target?.close();
    await api?.close();
  });

  it('is alive and ready: database, migrations and Temporal all answer', async () => {
    const health = await fetch(`${api.publicUrl}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${api.publicUrl}/readyz`);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { database: 'ok', migrations: 'ok', temporal: 'ok' },
    });
    expect(ready.status).toBe(200);
  });

  it('is not ready while the schema is behind or ahead of the code', async () => {
    const latest = await sql<{ name: string }>`
      select name from kysely_migration order by name desc limit 1
    `.execute(api.db);
    const name = latest.rows[0]?.name as string;
    const stamp = await sql<{ timestamp: string }>`
      select timestamp from kysely_migration where name = ${name}
    `.execute(api.db);
    // The migration table is the owner's (the api runs as the app role, which only reads it).
    await api.asOwner((owner) =>
      sql`delete from kysely_migration where name = ${name}`.execute(owner),
    );
    try {
      const behind = await fetch(`${api.publicUrl}/readyz`);
      expect(behind.status).toBe(503);
      expect(await behind.json()).toMatchObject({
        status: 'not_ready',
        checks: { migrations: 'behind', database: 'ok' },
      });
    } finally {
      await api.asOwner((owner) =>
        sql`insert into kysely_migration (name, timestamp) values (${name}, ${stamp.rows[0]?.timestamp})`.execute(
          owner,
        ),
      );
    }
    // A newer release migrated the database: this code is not the one to serve it.
    await api.asOwner((owner) =>
      sql`insert into kysely_migration (name, timestamp) values ('2099_01_01_0001_future', now()::text)`.execute(
        owner,
      ),
    );
    try {
      const ahead = await fetch(`${api.publicUrl}/readyz`);
      expect(ahead.status).toBe(503);
      expect(await ahead.json()).toMatchObject({ checks: { migrations: 'ahead' } });
    } finally {
      await api.asOwner((owner) =>
        sql`delete from kysely_migration where name = '2099_01_01_0001_future'`.execute(owner),
      );
    }
    expect((await fetch(`${api.publicUrl}/readyz`)).status).toBe(200);
  });

  it('is not ready when Temporal cannot be reached, and does not say where it looked', async () => {
    const deadPort = await freePort();
    const other = await startTestApi({ temporalAddress: `127.0.0.1:${deadPort}` });
    try {
      const res = await fetch(`${other.publicUrl}/readyz`);
      const text = await res.text();
      expect(res.status).toBe(503);
      expect(JSON.parse(text)).toEqual({
        status: 'not_ready',
        checks: { database: 'ok', migrations: 'ok', temporal: 'unavailable' },
      });
      expect(text).not.toContain(String(deadPort));
      // The reason is in the operator's log instead.
      expect(other.logs()).toContain('readiness check failed');
    } finally {
      await other.close();
    }
  });

  it('counts requests by procedure and status, runs, steps and vault operations', async () => {
    const metricsUrl = `${api.publicUrl}/metrics`;
    const before = await scrape(metricsUrl);
    const ok = await client.executeWorkflow({ workflowId: 'list' });
    expect(ok.status).toBe('succeeded');
    const failed = await client.executeWorkflow({ workflowId: 'missing' });
    expect(failed.status).toBe('failed');
    // A procedure that does not exist, with a name an attacker chose: counted, not as a label.
    const invented = `made.up${randomBytes(4).toString('hex')}`;
    expect((await fetch(`${api.url}/${invented}`)).status).toBe(404);
    const after = await scrape(metricsUrl);

    const moved = (name: string, labels: Record<string, string>) =>
      sumOf(after, name, labels) - sumOf(before, name, labels);
    expect(moved('latchkey_api_requests_total', { procedure: 'runs.execute', status: '200' })).toBe(
      2,
    );
    expect(
      moved('latchkey_api_request_duration_seconds_count', {
        procedure: 'runs.execute',
        status: '200',
      }),
    ).toBe(2);
    expect(moved('latchkey_api_requests_total', { procedure: 'trpc.unknown', status: '404' })).toBe(
      1,
    );
    expect(after.some((s) => Object.values(s.labels).some((v) => v.includes(invented)))).toBe(
      false,
    );
    expect(moved('latchkey_runs_finished_total', { status: 'succeeded' })).toBe(1);
    expect(moved('latchkey_runs_finished_total', { status: 'failed' })).toBe(1);
    expect(moved('latchkey_step_attempts_total', { type: 'http', outcome: 'succeeded' })).toBe(1);
    // A 404 fails fast: one attempt, no retry.
    expect(moved('latchkey_step_attempts_total', { type: 'http', outcome: 'failed' })).toBe(1);
    expect(moved('latchkey_step_duration_seconds_count', { type: 'http' })).toBe(2);
    expect(moved('latchkey_step_succeeded_on_attempt_count', { type: 'http' })).toBe(1);
    expect(
      moved('latchkey_vault_operations_total', { operation: 'seal', outcome: 'ok' }),
    ).toBeGreaterThan(0);
    expect(
      moved('latchkey_vault_operations_total', { operation: 'open', outcome: 'ok' }),
    ).toBeGreaterThan(0);
    // The stored credential never shows up in a metric.
    expect(JSON.stringify(after)).not.toContain('metrics-test-token-4242');
  });
});
