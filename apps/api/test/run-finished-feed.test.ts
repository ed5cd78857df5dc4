import { randomUUID } from 'node:crypto';
import {
  createRunFinishedFeed,
  type Db,
  finishRunRow,
  insertRun,
  insertTenant,
  type RunFinishedFeed,
} from '@latchkey/db';
import { createTestDatabase, type TestDatabase } from '@latchkey/devstack/test-db';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let testDb: TestDatabase;
let db: Db;
let feed: RunFinishedFeed;
let acme: string;
let globex: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
  feed = createRunFinishedFeed({ connectionString: testDb.url });
  acme = (await insertTenant(db, `acme-${randomUUID()}`)).id;
  globex = (await insertTenant(db, `globex-${randomUUID()}`)).id;
});

afterAll(async () => {
  await feed.close();
  await testDb.destroy();
});

async function newRun(tenantId: string, id = randomUUID()) {
  await insertRun(db, {
    id,
    tenantId,
    workflowId: 'wf',
    workflowVersion: 1,
    userId: null,
    temporalWorkflowId: `t/${id}`,
  });
  return id;
}

const finish = (tenantId: string, runId: string) =>
  finishRunRow(db, tenantId, runId, {
    status: 'succeeded',
    stepStats: [],
    encryptedResult: null,
    error: null,
  });

/** 'finished' if the watch resolved within `ms`, else 'waiting'. */
const settledWithin = (promise: Promise<void>, ms: number) =>
  Promise.race([
    promise.then(() => 'finished' as const),
    new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), ms)),
  ]);

/** The feed connects in the background; a run finished before it listens is not heard. */
async function untilListening() {
  for (let attempt = 0; attempt < 100; attempt++) {
    const runId = await newRun(acme);
    const watch = feed.watch(acme, runId);
    await finish(acme, runId);
    const heard = await settledWithin(watch.finished, 100);
    watch.stop();
    if (heard === 'finished') return;
  }
  throw new Error('the feed never started listening');
}

describe('run-finished feed', () => {
  beforeAll(untilListening);

  it('wakes a watch when its run is finished, and only then', async () => {
    const runId = await newRun(acme);
    const watch = feed.watch(acme, runId);
    // Marking it started is not an end.
    await db.updateTable('runs').set({ status: 'running' }).where('id', '=', runId).execute();
    expect(await settledWithin(watch.finished, 200)).toBe('waiting');
    await finish(acme, runId);
    expect(await settledWithin(watch.finished, 2_000)).toBe('finished');
    watch.stop();
  });

  it('never wakes a watch of another tenant for the same run id', async () => {
    const runId = await newRun(acme);
    const acmeWatch = feed.watch(acme, runId);
    const globexWatch = feed.watch(globex, runId);
    await finish(acme, runId);
    expect(await settledWithin(acmeWatch.finished, 2_000)).toBe('finished');
    expect(await settledWithin(globexWatch.finished, 200)).toBe('waiting');
    acmeWatch.stop();
    globexWatch.stop();
  });

  it('does not fire again for a run that already ended', async () => {
    const runId = await newRun(acme);
    const first = feed.watch(acme, runId);
    await finish(acme, runId);
    await first.finished;
    first.stop();
    const late = feed.watch(acme, runId);
    // An activity retry repeats the finish; the row does not change and nobody is told.
    expect(await finish(acme, runId)).toBe(false);
    expect(await settledWithin(late.finished, 200)).toBe('waiting');
    late.stop();
  });

  it('listens again after its connection is killed', async () => {
    const killed = await sql<{ n: number }>`
      select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
      where datname = current_database() and query ilike 'listen %'
    `.execute(db);
    expect(killed.rows[0]?.n).toBe(1);
    await untilListening();
    const runId = await newRun(acme);
    const watch = feed.watch(acme, runId);
    await finish(acme, runId);
    expect(await settledWithin(watch.finished, 2_000)).toBe('finished');
    watch.stop();
  });
});
