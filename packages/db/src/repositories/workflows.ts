import type { DbExecutor as Executor } from '../client';
import { executePrepared } from '../prepared';
import type { Workflow } from '../schema';

export interface WorkflowWrite {
  instruction: string;
  integrationIds: string[];
  steps: unknown[];
  inputSchema: Record<string, unknown> | null;
  responseSchema: Record<string, unknown> | null;
}

/** Saves the next version; the primary key makes two concurrent saves pick distinct versions or fail. */
export async function insertWorkflowVersion(
  db: Executor,
  tenantId: string,
  id: string,
  workflow: WorkflowWrite,
): Promise<Workflow> {
  const latest = await db
    .selectFrom('workflows')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return db
    .insertInto('workflows')
    .values({
      tenant_id: tenantId,
      id,
      version: (latest?.version ?? 0) + 1,
      instruction: workflow.instruction,
      integration_ids: workflow.integrationIds,
      steps: JSON.stringify(workflow.steps),
      input_schema: workflow.inputSchema ? JSON.stringify(workflow.inputSchema) : null,
      response_schema: workflow.responseSchema ? JSON.stringify(workflow.responseSchema) : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Every column of a workflow version, named: a prepared statement cannot read `*`. */
const WORKFLOW_COLUMNS = [
  'tenant_id',
  'id',
  'version',
  'instruction',
  'integration_ids',
  'steps',
  'input_schema',
  'response_schema',
  'created_at',
] as const;

/**
 * A given version, or the latest when `version` is omitted. Every run by workflow id reads
 * it: a prepared statement.
 */
export async function findWorkflow(
  db: Executor,
  tenantId: string,
  id: string,
  version?: number,
): Promise<Workflow | undefined> {
  let query = db
    .selectFrom('workflows')
    .select(WORKFLOW_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id);
  if (version !== undefined) query = query.where('version', '=', version);
  const { rows } = await executePrepared(
    db,
    'latchkey_find_workflow',
    query.orderBy('version', 'desc').limit(1),
  );
  return rows[0];
}

/** The latest version of each workflow. */
/** Each workflow's latest version, by id; a page of `limit` after the id `after` when given. */
export async function listLatestWorkflows(
  db: Executor,
  tenantId: string,
  page: { limit?: number; after?: string } = {},
): Promise<Workflow[]> {
  let query = db
    .selectFrom('workflows')
    .selectAll()
    .distinctOn('id')
    .where('tenant_id', '=', tenantId);
  if (page.after !== undefined) query = query.where('id', '>', page.after);
  if (page.limit !== undefined) query = query.limit(page.limit);
  return query.orderBy('id').orderBy('version', 'desc').execute();
}

export async function listWorkflowVersions(db: Executor, tenantId: string, id: string) {
  return db
    .selectFrom('workflows')
    .select(['version', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .orderBy('version')
    .execute();
}

export async function deleteWorkflow(db: Executor, tenantId: string, id: string): Promise<number> {
  const result = await db
    .deleteFrom('workflows')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
