import type { DbExecutor as Executor } from '../client';
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

/** A given version, or the latest when `version` is omitted. */
export async function findWorkflow(
  db: Executor,
  tenantId: string,
  id: string,
  version?: number,
): Promise<Workflow | undefined> {
  let query = db
    .selectFrom('workflows')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id);
  if (version !== undefined) query = query.where('version', '=', version);
  return query.orderBy('version', 'desc').limit(1).executeTakeFirst();
}

/** The latest version of each workflow. */
export async function listLatestWorkflows(db: Executor, tenantId: string): Promise<Workflow[]> {
  return db
    .selectFrom('workflows')
    .selectAll()
    .distinctOn('id')
    .where('tenant_id', '=', tenantId)
    .orderBy('id')
    .orderBy('version', 'desc')
    .execute();
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
