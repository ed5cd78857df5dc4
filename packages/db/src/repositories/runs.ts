import { sql } from 'kysely';
import type { DbExecutor as Executor } from '../client';
import { executePrepared } from '../prepared';
import type { Run, RunStatus } from '../schema';
import { type AuditEntry, auditEventValues } from './audit';

export interface NewRunRow {
  id: string;
  tenantId: string;
  workflowId: string;
  workflowVersion: number;
  userId: string | null;
  temporalWorkflowId: string;
}

const newRunValues = (run: NewRunRow) => ({
  id: run.id,
  tenant_id: run.tenantId,
  workflow_id: run.workflowId,
  workflow_version: run.workflowVersion,
  user_id: run.userId,
  temporal_workflow_id: run.temporalWorkflowId,
  started_at: new Date(),
  step_stats: '[]',
});

export async function insertRun(db: Executor, run: NewRunRow): Promise<Run> {
  return db.insertInto('runs').values(newRunValues(run)).returningAll().executeTakeFirstOrThrow();
}

type RunAudit = Omit<AuditEntry, 'tenantId' | 'targetKind' | 'targetId' | 'userId'>;

/**
 * Writes a new run and its audit entry only if its tenant has fewer than `maxUnfinished`
 * runs not yet finished; otherwise writes nothing and says how many there are. One statement,
 * one round trip: `latchkey_lock_run_quota` (migration 0016) takes a per-tenant advisory lock,
 * held until the statement commits, and then counts with a snapshot of its own, so concurrent
 * starts wait for each other and each sees the runs the others wrote. The run and its audit
 * entry are inserted from the count's row, only when it is under the quota.
 */
export async function insertRunWithinQuota(
  db: Executor,
  run: NewRunRow,
  audit: RunAudit,
  maxUnfinished: number,
): Promise<{ inserted: true } | { inserted: false; unfinished: number }> {
  const values = newRunValues(run);
  const entry = auditEventValues({
    ...audit,
    tenantId: run.tenantId,
    targetKind: 'run',
    targetId: run.id,
    userId: run.userId,
  });
  const { rows } = await executePrepared(
    db,
    'latchkey_insert_run_within_quota',
    db
      .with('quota', (qb) =>
        qb.selectNoFrom(
          sql<string>`latchkey_lock_run_quota(${run.tenantId}, ${maxUnfinished})`.as('unfinished'),
        ),
      )
      .with('new_run', (qb) =>
        qb
          .insertInto('runs')
          .columns(columnsOf(values))
          .expression((eb) =>
            eb
              .selectFrom('quota')
              .select(selectionOf(values))
              .where(sql<boolean>`quota.unfinished < ${maxUnfinished}`),
          )
          .returning('id'),
      )
      .with('new_audit', (qb) =>
        qb
          .insertInto('audit_events')
          .columns(columnsOf(entry))
          .expression((eb) => eb.selectFrom('new_run').select(selectionOf(entry)))
          .returning('id'),
      )
      .selectFrom('quota')
      .select((eb) => [
        'quota.unfinished',
        eb.selectFrom('new_run').select(eb.fn.countAll<string>().as('n')).as('inserted'),
      ]),
  );
  const row = rows[0];
  if (row && Number(row.inserted) === 1) return { inserted: true };
  return { inserted: false, unfinished: Number(row?.unfinished) };
}

const columnsOf = <T extends object>(values: T) => Object.keys(values) as (keyof T & string)[];

/** The values of an insert as a select list (`$n as column`), for INSERT ... SELECT. */
function selectionOf(values: Record<string, unknown>) {
  return Object.entries(values).map(([column, value]) => sql`${value}`.as(column));
}

/** Every column of a run, named: a prepared statement cannot read `*`. */
const RUN_COLUMNS = [
  'id',
  'tenant_id',
  'workflow_id',
  'workflow_version',
  'user_id',
  'temporal_workflow_id',
  'temporal_run_id',
  'status',
  'started_at',
  'finished_at',
  'step_stats',
  'encrypted_result',
  'error',
  'created_at',
] as const;

export async function findRun(
  db: Executor,
  tenantId: string,
  id: string,
): Promise<Run | undefined> {
  const { rows } = await executePrepared(
    db,
    'latchkey_find_run',
    db
      .selectFrom('runs')
      .select(RUN_COLUMNS)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id),
  );
  return rows[0];
}

export interface RunListFilter {
  workflowId?: string;
  status?: RunStatus;
  limit: number;
  /** The last run of the previous page: only runs listed after it (older ones) are returned. */
  before?: string;
}

/**
 * A tenant's runs, newest first, a page at a time. Pages are keyed on (created_at, id), so runs
 * started while a caller pages through neither shift the later pages nor repeat on them.
 */
export async function listRuns(
  db: Executor,
  tenantId: string,
  filter: RunListFilter,
): Promise<Run[]> {
  let query = db.selectFrom('runs').selectAll().where('tenant_id', '=', tenantId);
  if (filter.workflowId) query = query.where('workflow_id', '=', filter.workflowId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.before) {
    // Compared in the database: created_at keeps microseconds that a JS Date would round away.
    const anchor = db
      .selectFrom('runs as anchor')
      .select(['anchor.created_at', 'anchor.id'])
      .where('anchor.tenant_id', '=', tenantId)
      .where('anchor.id', '=', filter.before);
    query = query.where(sql<boolean>`(runs.created_at, runs.id) < ${anchor}`);
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}

export async function markRunStarted(
  db: Executor,
  tenantId: string,
  id: string,
  temporalRunId: string,
): Promise<void> {
  // A fast run may already have finished: only a pending run becomes running.
  await executePrepared(
    db,
    'latchkey_mark_run_started',
    db
      .updateTable('runs')
      .set({
        temporal_run_id: temporalRunId,
        status: sql<RunStatus>`case when status = 'pending' then 'running' else status end`,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id),
  );
}

export interface RunOutcome {
  status: Extract<RunStatus, 'succeeded' | 'failed' | 'cancelled'>;
  stepStats: unknown[];
  encryptedResult: Buffer | null;
  error: string | null;
  /**
   * The Temporal run, when the writer knows it: a run that ends quickly is never marked
   * started, so its end records it. An id already recorded is kept.
   */
  temporalRunId?: string | null;
}

/**
 * Records the end of a run once and destroys its run key in the same statement, so no path
 * that ends a run can leave its runtime credentials openable. A second call (an activity
 * retry, the reconciler racing the workflow) changes nothing and says so.
 */
export async function finishRunRow(
  db: Executor,
  tenantId: string,
  id: string,
  outcome: RunOutcome,
): Promise<boolean> {
  const result = await executePrepared(
    db,
    'latchkey_finish_run',
    db
      .with('destroyed_key', (cte) =>
        cte.deleteFrom('run_keys').where('tenant_id', '=', tenantId).where('run_id', '=', id),
      )
      .updateTable('runs')
      .set({
        status: outcome.status,
        finished_at: new Date(),
        step_stats: JSON.stringify(outcome.stepStats),
        encrypted_result: outcome.encryptedResult,
        error: outcome.error,
        temporal_run_id: sql<
          string | null
        >`coalesce(temporal_run_id, ${outcome.temporalRunId ?? null})`,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', 'in', ['pending', 'running']),
  );
  return (result.numAffectedRows ?? 0n) > 0n;
}

export interface UnfinishedRun {
  tenantId: string;
  runId: string;
  temporalWorkflowId: string;
  temporalRunId: string | null;
}

/**
 * Runs not finished and created before `createdBefore`, in pages by id, across every tenant: the
 * input of the run reconciler, a system job. Each row names its own tenant, and everything the
 * reconciler then does to a run is scoped by that tenant.
 */
export async function listUnfinishedRuns(
  db: Executor,
  options: {
    createdBefore: Date;
    /** The last run id of the previous page. */
    afterRunId?: string;
    limit: number;
  },
): Promise<UnfinishedRun[]> {
  let query = db
    .selectFrom('runs')
    .select(['tenant_id', 'id', 'temporal_workflow_id', 'temporal_run_id'])
    .where('finished_at', 'is', null)
    .where('created_at', '<', options.createdBefore);
  // By id, not created_at: a Date holds milliseconds and created_at microseconds, so a
  // created_at cursor would return the same row again.
  if (options.afterRunId) query = query.where('id', '>', options.afterRunId);
  const rows = await query.orderBy('id').limit(options.limit).execute();
  return rows.map((row) => ({
    tenantId: row.tenant_id,
    runId: row.id,
    temporalWorkflowId: row.temporal_workflow_id,
    temporalRunId: row.temporal_run_id,
  }));
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
