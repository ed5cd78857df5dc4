import { sql } from 'kysely';
import type { DbExecutor as Executor } from '../client';
import type { Run, RunStatus } from '../schema';

export interface NewRunRow {
  id: string;
  tenantId: string;
  workflowId: string;
  workflowVersion: number;
  userId: string | null;
  temporalWorkflowId: string;
}

export async function insertRun(db: Executor, run: NewRunRow): Promise<Run> {
  return db
    .insertInto('runs')
    .values({
      id: run.id,
      tenant_id: run.tenantId,
      workflow_id: run.workflowId,
      workflow_version: run.workflowVersion,
      user_id: run.userId,
      temporal_workflow_id: run.temporalWorkflowId,
      started_at: new Date(),
      step_stats: '[]',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findRun(
  db: Executor,
  tenantId: string,
  id: string,
): Promise<Run | undefined> {
  return db
    .selectFrom('runs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listRuns(
  db: Executor,
  tenantId: string,
  filter: { workflowId?: string; status?: RunStatus; limit: number },
): Promise<Run[]> {
  let query = db.selectFrom('runs').selectAll().where('tenant_id', '=', tenantId);
  if (filter.workflowId) query = query.where('workflow_id', '=', filter.workflowId);
  if (filter.status) query = query.where('status', '=', filter.status);
  return query.orderBy('created_at', 'desc').limit(filter.limit).execute();
}

export async function markRunStarted(
  db: Executor,
  tenantId: string,
  id: string,
  temporalRunId: string,
): Promise<void> {
  // A fast run may already have finished: only a pending run becomes running.
  await db
    .updateTable('runs')
    .set({
      temporal_run_id: temporalRunId,
      status: sql<RunStatus>`case when status = 'pending' then 'running' else status end`,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}

export interface RunOutcome {
  status: Extract<RunStatus, 'succeeded' | 'failed' | 'cancelled'>;
  stepStats: unknown[];
  encryptedResult: Buffer | null;
  error: string | null;
}

/** Records the end of a run once; a second call (an activity retry) changes nothing. */
export async function finishRunRow(
  db: Executor,
  tenantId: string,
  id: string,
  outcome: RunOutcome,
): Promise<boolean> {
  const result = await db
    .updateTable('runs')
    .set({
      status: outcome.status,
      finished_at: new Date(),
      step_stats: JSON.stringify(outcome.stepStats),
      encrypted_result: outcome.encryptedResult,
      error: outcome.error,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', 'in', ['pending', 'running'])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function insertRunKey(
  db: Executor,
  key: { runId: string; tenantId: string; encryptedKey: Buffer },
): Promise<void> {
  await db
    .insertInto('run_keys')
    .values({ run_id: key.runId, tenant_id: key.tenantId, encrypted_key: key.encryptedKey })
    .execute();
}

export async function findRunKey(db: Executor, tenantId: string, runId: string) {
  return db
    .selectFrom('run_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('run_id', '=', runId)
    .executeTakeFirst();
}

export async function deleteRunKey(db: Executor, tenantId: string, runId: string): Promise<void> {
  await db
    .deleteFrom('run_keys')
    .where('tenant_id', '=', tenantId)
    .where('run_id', '=', runId)
    .execute();
}
