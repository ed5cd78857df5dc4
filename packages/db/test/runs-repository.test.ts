import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findRun,
  findRunKey,
  finishRunRow,
  insertRun,
  insertRunKey,
  insertRunWithinQuota,
  listRuns,
  markRunStarted,
  type RunOutcome,
} from '../src/repositories/runs';
import { createTestDatabase, type TestDatabase, twoTenants } from './fixtures';

const succeeded: RunOutcome = {
  status: 'succeeded',
  stepStats: [],
  encryptedResult: Buffer.from('sealed result'),
  error: null,
};

describe('runs repository', () => {
  let t: TestDatabase;
  let tenants: { a: string; b: string };

  beforeAll(async () => {
    t = await createTestDatabase();
    tenants = await twoTenants(t.db);
  });
  afterAll(() => t?.destroy());

  async function newRun(tenantId: string, workflowId = 'sync') {
    const id = randomUUID();
    const run = await insertRun(t.db, {
      id,
      tenantId,
      workflowId,
      workflowVersion: 1,
      userId: null,
      temporalWorkflowId: `run:${tenantId}:${workflowId}:${id}`,
    });
    await insertRunKey(t.db, { runId: id, tenantId, encryptedKey: Buffer.from('sealed key') });
    return run;
  }

  it("a tenant never reads, lists, starts or finishes another tenant's run", async () => {
    const run = await newRun(tenants.a);
    expect(run.status).toBe('pending');

    expect((await findRun(t.db, tenants.a, run.id))?.id).toBe(run.id);
    expect(await findRun(t.db, tenants.b, run.id)).toBeUndefined();
    expect(await listRuns(t.db, tenants.b, { limit: 50 })).toEqual([]);
    expect(await findRunKey(t.db, tenants.b, run.id)).toBeUndefined();

    await markRunStarted(t.db, tenants.b, run.id, 'temporal-run-b');
    expect(await finishRunRow(t.db, tenants.b, run.id, succeeded)).toBe(false);
    const untouched = await findRun(t.db, tenants.a, run.id);
    expect(untouched).toMatchObject({ status: 'pending', temporal_run_id: null });
    expect(await findRunKey(t.db, tenants.a, run.id)).toBeDefined();
  });

  it('starts a pending run, and records its end once, destroying its run key', async () => {
    const run = await newRun(tenants.a);
    await markRunStarted(t.db, tenants.a, run.id, 'temporal-run-1');
    expect(await findRun(t.db, tenants.a, run.id)).toMatchObject({
      status: 'running',
      temporal_run_id: 'temporal-run-1',
    });

    expect(await finishRunRow(t.db, tenants.a, run.id, succeeded)).toBe(true);
    expect(await findRunKey(t.db, tenants.a, run.id)).toBeUndefined();
    // A second end (an activity retry, the reconciler) changes nothing.
    expect(
      await finishRunRow(t.db, tenants.a, run.id, { ...succeeded, status: 'failed', error: 'x' }),
    ).toBe(false);
    const finished = await findRun(t.db, tenants.a, run.id);
    expect(finished).toMatchObject({ status: 'succeeded', error: null });
    expect(finished?.finished_at).toBeInstanceOf(Date);

    // A run that ended before it was marked started stays ended.
    await markRunStarted(t.db, tenants.a, run.id, 'temporal-run-late');
    expect((await findRun(t.db, tenants.a, run.id))?.status).toBe('succeeded');
  });

  it("lists a tenant's runs newest first, a page at a time, filtered by workflow", async () => {
    for (let i = 0; i < 3; i++) await newRun(tenants.b, 'pages');
    await newRun(tenants.b, 'other');
    const all = await listRuns(t.db, tenants.b, { limit: 50 });
    expect(all.every((r) => r.tenant_id === tenants.b)).toBe(true);
    expect(all.map((r) => r.created_at.getTime())).toEqual(
      all.map((r) => r.created_at.getTime()).sort((x, y) => y - x),
    );
    const first = await listRuns(t.db, tenants.b, { limit: 2 });
    const rest = await listRuns(t.db, tenants.b, { limit: 50, before: first.at(-1)?.id });
    expect([...first, ...rest].map((r) => r.id)).toEqual(all.map((r) => r.id));
    expect(await listRuns(t.db, tenants.b, { limit: 50, workflowId: 'pages' })).toHaveLength(3);
    // Another tenant's run as the page anchor gives nothing, not that tenant's position.
    const ofA = await listRuns(t.db, tenants.a, { limit: 1 });
    expect(await listRuns(t.db, tenants.b, { limit: 50, before: ofA[0]?.id })).toEqual([]);
  });

  it('admits runs up to the quota in one statement, exactly, however many start at once', async () => {
    const QUOTA = 3;
    const start = (tenantId: string) => {
      const id = randomUUID();
      return insertRunWithinQuota(
        t.db,
        {
          id,
          tenantId,
          workflowId: 'quota',
          workflowVersion: 1,
          userId: 'u-1',
          temporalWorkflowId: `run:${tenantId}:quota:${id}`,
        },
        { actor: 'test', action: 'run.execute', details: { workflowId: 'quota' } },
        QUOTA,
      ).then((outcome) => ({ id, outcome }));
    };
    const { a, b } = await twoTenants(t.db);
    // Twenty starts in parallel, over the pool's connections: the lock serialises them.
    const burst = await Promise.all(Array.from({ length: 20 }, () => start(a)));
    const admitted = burst.filter((s) => s.outcome.inserted);
    expect(admitted).toHaveLength(QUOTA);
    for (const refused of burst.filter((s) => !s.outcome.inserted)) {
      expect(refused.outcome).toEqual({ inserted: false, unfinished: QUOTA });
    }
    // Only admitted runs were written, each with its audit entry; refused ones left nothing.
    const rows = await listRuns(t.db, a, { limit: 50, workflowId: 'quota' });
    expect(rows.map((r) => r.id).sort()).toEqual(admitted.map((s) => s.id).sort());
    const audited = await t.db
      .selectFrom('audit_events')
      .select(['target_id', 'user_id'])
      .where('tenant_id', '=', a)
      .where('action', '=', 'run.execute')
      .execute();
    expect(audited.map((e) => e.target_id).sort()).toEqual(admitted.map((s) => s.id).sort());
    expect(audited.every((e) => e.user_id === 'u-1')).toBe(true);

    // Another tenant's quota is its own.
    expect((await start(b)).outcome).toEqual({ inserted: true });
    // A finished run frees its place.
    expect(await finishRunRow(t.db, a, admitted[0]!.id, succeeded)).toBe(true);
    expect((await start(a)).outcome).toEqual({ inserted: true });
    expect((await start(a)).outcome).toEqual({ inserted: false, unfinished: QUOTA });
  });
});
