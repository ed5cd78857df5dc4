import { randomBytes } from 'node:crypto';
import {
  appendAudit,
  type Db,
  deleteWorkflow as deleteWorkflowRows,
  findIntegration,
  findWorkflow,
  insertWorkflowVersion,
  listConnections,
  listLatestWorkflows,
  listWorkflowVersions,
  type Workflow,
} from '@latchkey/db';
import { getTemplate } from '@latchkey/oauth';
import {
  type IntegrationInfo,
  type Planner,
  validateWorkflowDefinition,
  type WorkflowStep,
} from '@latchkey/workflow-engine';
import { InvalidInputError, NotFoundError, PreconditionError } from '../errors';
import type { WorkflowBuildInput } from '../validation/workflow-input';
import type { Actor } from './actor';

export interface WorkflowServiceDeps {
  db: Db;
  /** The configured LLM planner, if any. */
  planner?: Planner;
}

/**
 * A stored workflow's steps as the engine types them. The column holds what the engine's schema
 * validated when the version was saved (versions never change), so it is read without parsing
 * it again on every run: this is the one place that says so.
 */
export function storedSteps(row: Pick<Workflow, 'steps'>): WorkflowStep[] {
  return row.steps as WorkflowStep[];
}

export function workflowView(row: Workflow) {
  return {
    id: row.id,
    version: row.version,
    instruction: row.instruction,
    integrationIds: row.integration_ids,
    steps: storedSteps(row),
    inputSchema: row.input_schema,
    responseSchema: row.response_schema,
    createdAt: row.created_at,
  };
}

export type WorkflowView = ReturnType<typeof workflowView>;

/** What the validator and the planner may know of an integration: names, never values. */
export async function integrationInfos(
  db: Db,
  tenantId: string,
  integrationIds: readonly string[],
): Promise<IntegrationInfo[]> {
  const infos: IntegrationInfo[] = [];
  for (const id of integrationIds) {
    const row = await findIntegration(db, tenantId, id);
    if (!row) throw new InvalidInputError('integrationIds', `no integration '${id}'`);
    const connections = await listConnections(db, tenantId, { integrationId: id });
    const template = row.template_id ? getTemplate(row.template_id) : undefined;
    infos.push({
      id,
      kind: /^(postgres|postgresql|mysql):/i.test(row.url_host) ? 'database' : 'http',
      urlHost: row.url_host,
      urlPath: row.url_path,
      auth: row.auth ?? undefined,
      templateAuth: template?.auth,
      credentialNames: [
        ...new Set([
          ...Object.keys(row.credential_hints),
          ...Object.keys(template?.credentialDefaults ?? {}),
        ]),
      ],
      connectionCredentialNames: [
        ...new Set(connections.flatMap((c) => Object.keys(c.credential_hints))),
      ],
      instructions: row.instructions ?? template?.instructions ?? undefined,
      docsUrl: row.docs_url ?? template?.docsUrl ?? undefined,
    });
  }
  return infos;
}

function slugify(instruction: string): string {
  const slug = instruction
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `${slug || 'workflow'}-${randomBytes(3).toString('hex')}`;
}

/** Checks a definition against the tenant's integrations; problems become one BAD_REQUEST. */
export async function checkDefinition(
  db: Db,
  tenantId: string,
  input: Pick<WorkflowBuildInput, 'integrationIds' | 'inputSchema' | 'responseSchema'> & {
    steps: unknown[];
  },
): Promise<{ steps: WorkflowStep[]; warnings: string[] }> {
  const integrations = await integrationInfos(db, tenantId, input.integrationIds);
  const checked = validateWorkflowDefinition({
    steps: input.steps,
    integrations,
    inputSchema: input.inputSchema,
    responseSchema: input.responseSchema,
  });
  if (!checked.ok) {
    const first = checked.problems[0];
    throw new InvalidInputError(
      first?.path ?? 'steps',
      checked.problems.map((p, i) => (i === 0 ? p.message : `${p.path}: ${p.message}`)).join('; '),
    );
  }
  return {
    steps: checked.steps,
    warnings: checked.warnings.unresolvedCredentials.map((w) => `${w.path}: ${w.message}`),
  };
}

/**
 * Saves a new version of a workflow. With explicit steps they are validated; without, the
 * planner proposes steps that are validated the same way.
 */
export async function buildWorkflow(
  deps: WorkflowServiceDeps,
  actor: Actor,
  input: WorkflowBuildInput,
) {
  const { tenantId } = actor;
  let steps = input.steps;
  if (!steps) {
    if (!deps.planner) {
      throw new PreconditionError(
        'No planner is configured, so steps cannot be generated: pass `steps` explicitly, or set ' +
          'LATCHKEY_PLANNER_URL (an OpenAI-compatible endpoint), LATCHKEY_PLANNER_MODEL and ' +
          'LATCHKEY_PLANNER_API_KEY on the api.',
      );
    }
    const integrations = await integrationInfos(deps.db, tenantId, input.integrationIds);
    steps = await deps.planner.plan({
      instruction: input.instruction,
      integrations,
      responseSchema: input.responseSchema,
      inputSchema: input.inputSchema,
    });
  }
  const checked = await checkDefinition(deps.db, tenantId, { ...input, steps });
  const id = input.id ?? slugify(input.instruction);
  const row = await deps.db.transaction().execute(async (trx) => {
    const saved = await insertWorkflowVersion(trx, tenantId, id, {
      instruction: input.instruction,
      integrationIds: input.integrationIds,
      steps: checked.steps,
      inputSchema: input.inputSchema ?? null,
      responseSchema: input.responseSchema ?? null,
    });
    await appendAudit(trx, {
      tenantId,
      actor: actor.actor,
      action: 'workflow.build',
      targetKind: 'workflow',
      targetId: id,
      details: { version: saved.version, steps: checked.steps.length, planned: !input.steps },
    });
    return saved;
  });
  return { ...workflowView(row), warnings: checked.warnings };
}

export async function getWorkflow(db: Db, tenantId: string, id: string, version?: number) {
  const row = await findWorkflow(db, tenantId, id, version);
  if (!row) {
    throw new NotFoundError(
      version ? `No version ${version} of workflow '${id}'` : `No workflow '${id}'`,
    );
  }
  const versions = await listWorkflowVersions(db, tenantId, id);
  return { ...workflowView(row), versions: versions.map((v) => v.version) };
}

export async function listWorkflows(
  db: Db,
  tenantId: string,
  page: { limit?: number; after?: string } = {},
) {
  return (await listLatestWorkflows(db, tenantId, page)).map(workflowView);
}

export async function deleteWorkflow(db: Db, actor: Actor, id: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const removed = await deleteWorkflowRows(trx, actor.tenantId, id);
    if (removed === 0) throw new NotFoundError(`No workflow '${id}'`);
    await appendAudit(trx, {
      tenantId: actor.tenantId,
      actor: actor.actor,
      action: 'workflow.delete',
      targetKind: 'workflow',
      targetId: id,
      details: { versions: removed },
    });
    return removed;
  });
}
