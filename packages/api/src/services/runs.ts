import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  appendAudit,
  type Db,
  findRun,
  findWorkflow,
  finishRunRow,
  insertRunWithinQuota,
  listRuns as listRunRows,
  markRunStarted,
  type Run,
  type RunFinishedFeed,
  type RunListFilter,
} from '@latchkey/db';
import { sealRuntimeCredentials } from '@latchkey/resolver';
import {
  IntegrationsAttribute,
  type RunWorkflowInput,
  reconcileRun,
  runWorkflowId,
  TenantAttribute,
  UserAttribute,
  userSearchTag,
  WorkflowAttribute,
} from '@latchkey/temporal';
import { runResultContext, type Vault } from '@latchkey/vault';
import { validateAgainstSchema, type WorkflowStep } from '@latchkey/workflow-engine';
import type { Client as TemporalClient } from '@temporalio/client';
import { InvalidInputError, NotFoundError, TooManyRequestsError } from '../errors';
import type { DoorLimits } from '../limits/config';
import type { RunExecuteInput } from '../validation/workflow-input';
import type { Actor } from './actor';
import { checkDefinition, storedSteps } from './workflows';

export interface RunServiceDeps {
  db: Db;
  vault: Vault;
  temporal: () => Promise<TemporalClient>;
  taskQueue: string;
  runFinished: RunFinishedFeed;
  doorLimits: Pick<DoorLimits, 'maxUnfinishedRunsPerTenant'>;
}

/** Runs that never finish still end: Temporal times them out, and their run key with them. */
const RUN_EXECUTION_TIMEOUT = '1 hour';

/**
 * A waiting caller learns the outcome from the run's row (RunFinishedFeed). While the run goes
 * on, Temporal is also asked every so often whether it has ended: it knows of ends the row
 * cannot show (a run terminated from outside, which the check then records) and covers a
 * moment when the feed is reconnecting. A describe call, not a history long poll per waiting
 * run: under load, when runs take longer than the first check, the checks must stay cheap.
 */
const TEMPORAL_CHECK_MS = 3_000;

/**
 * A waited-on run still going after this long is marked running. One that ends sooner goes
 * from pending straight to its end, which also records its Temporal run id: one write fewer
 * on every quick run.
 */
const MARK_RUNNING_AFTER_MS = 1_000;

export async function runView(vault: Pick<Vault, 'openJson'>, row: Run) {
  const output =
    row.status === 'succeeded' && row.encrypted_result
      ? await vault.openJson(
          runResultContext(row.tenant_id, row.id, row.user_id),
          row.encrypted_result,
        )
      : null;
  return {
    runId: row.id,
    workflowId: row.workflow_id,
    workflowVersion: row.workflow_version,
    userId: row.user_id,
    status: row.status,
    output: output as unknown,
    error: row.error,
    stepStats: row.step_stats,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs:
      row.started_at && row.finished_at
        ? row.finished_at.getTime() - row.started_at.getTime()
        : null,
    temporal: { workflowId: row.temporal_workflow_id, runId: row.temporal_run_id },
  };
}

export type RunView = Awaited<ReturnType<typeof runView>>;

interface Definition {
  id: string;
  version: number;
  steps: WorkflowStep[];
  inputSchema: Record<string, unknown> | null;
  responseSchema: Record<string, unknown> | null;
}

async function definitionFor(
  db: Db,
  tenantId: string,
  input: RunExecuteInput,
): Promise<Definition> {
  if (input.workflowId) {
    const row = await findWorkflow(db, tenantId, input.workflowId, input.workflowVersion);
    if (!row) throw new NotFoundError(`No workflow '${input.workflowId}'`);
    return {
      id: row.id,
      version: row.version,
      steps: storedSteps(row),
      inputSchema: row.input_schema,
      responseSchema: row.response_schema,
    };
  }
  const inline = input.workflow;
  if (!inline)
    throw new InvalidInputError('workflowId', 'give exactly one of workflowId or workflow');
  const checked = await checkDefinition(db, tenantId, inline);
  const definition = {
    steps: checked.steps,
    inputSchema: inline.inputSchema ?? null,
    responseSchema: inline.responseSchema ?? null,
  };
  return {
    id: inline.id ?? 'inline',
    version: await storedVersionOf(db, tenantId, inline, definition),
    ...definition,
  };
}

/**
 * A workflow passed back as `workflows.build` returned it names its stored version; the run
 * records that version only if the definition is still exactly the stored one (otherwise it
 * is an inline variant, version 0).
 */
async function storedVersionOf(
  db: Db,
  tenantId: string,
  inline: { id?: string; version?: number; integrationIds: string[] },
  definition: Omit<Definition, 'id' | 'version'>,
): Promise<number> {
  if (!inline.id || !inline.version) return 0;
  const row = await findWorkflow(db, tenantId, inline.id, inline.version);
  if (!row) return 0;
  const same =
    isDeepStrictEqual(row.steps, definition.steps) &&
    isDeepStrictEqual(row.input_schema, definition.inputSchema) &&
    isDeepStrictEqual(row.response_schema, definition.responseSchema) &&
    isDeepStrictEqual(row.integration_ids, inline.integrationIds);
  return same ? row.version : 0;
}

/**
 * Starts one Temporal workflow for one run. Runtime credentials are sealed with a key made
 * for this run before anything leaves the api; the caller gets the result or the run id.
 */
export async function executeRun(
  deps: RunServiceDeps,
  actor: Actor & { tenantName: string },
  input: RunExecuteInput,
) {
  const { db, tenantId } = { db: deps.db, tenantId: actor.tenantId };
  const definition = await definitionFor(db, tenantId, input);
  const integrationIds = [...new Set(definition.steps.map((s) => s.integrationId))];
  if (input.integrationIds) {
    const outside = integrationIds.filter((id) => !input.integrationIds?.includes(id));
    if (outside.length) {
      throw new InvalidInputError('integrationIds', `the workflow also uses ${outside.join(', ')}`);
    }
  }
  if (definition.inputSchema) {
    const check = validateAgainstSchema(definition.inputSchema, input.payload ?? null);
    if (!check.ok) throw new InvalidInputError('payload', check.errors.join('; '));
  }

  const runId = randomUUID();
  const temporalWorkflowId = runWorkflowId(tenantId, definition.id, runId);
  const credentialNames = Object.keys(input.credentials ?? {});
  const quota = deps.doorLimits.maxUnfinishedRunsPerTenant;
  const admitted = await insertRunWithinQuota(
    db,
    {
      id: runId,
      tenantId,
      workflowId: definition.id,
      workflowVersion: definition.version,
      userId: input.userId ?? null,
      temporalWorkflowId,
    },
    {
      actor: actor.actor,
      action: 'run.execute',
      details: {
        workflowId: definition.id,
        version: definition.version,
        runtimeCredentials: credentialNames,
      },
    },
    quota,
  );
  if (!admitted.inserted) {
    throw new TooManyRequestsError(
      `Too many runs: this tenant has ${admitted.unfinished} unfinished runs, the limit of ` +
        `unfinished runs per tenant (${quota}, LATCHKEY_MAX_UNFINISHED_RUNS_PER_TENANT); ` +
        'start more once some have finished',
    );
  }
  const sealedRuntimeCredentials =
    input.credentials && credentialNames.length
      ? await sealRuntimeCredentials(
          { db, vault: deps.vault },
          { tenantId, runId, credentials: input.credentials },
        )
      : null;

  const workflowInput: RunWorkflowInput = {
    tenantId,
    runId,
    workflowId: definition.id,
    workflowVersion: definition.version,
    userId: input.userId ?? null,
    steps: definition.steps,
    payload: input.payload ?? null,
    responseSchema: definition.responseSchema,
    sealedRuntimeCredentials,
    singleStepRunsLocally: true,
    singleStepRecordsEnd: true,
  };
  const client = await deps.temporal();
  // Watching before the start: the run cannot end unheard.
  const watch = input.wait ? deps.runFinished.watch(tenantId, runId) : undefined;
  let handle: Awaited<ReturnType<TemporalClient['workflow']['start']>>;
  try {
    handle = await client.workflow.start('runWorkflow', {
      taskQueue: deps.taskQueue,
      workflowId: temporalWorkflowId,
      args: [workflowInput],
      workflowExecutionTimeout: RUN_EXECUTION_TIMEOUT,
      typedSearchAttributes: [
        { key: TenantAttribute, value: tenantId },
        { key: WorkflowAttribute, value: definition.id },
        { key: UserAttribute, value: await userSearchTag(deps.vault, tenantId, input.userId) },
        { key: IntegrationsAttribute, value: integrationIds },
      ],
    });
  } catch (error) {
    watch?.stop();
    await finishRunRow(db, tenantId, runId, {
      status: 'failed',
      stepStats: [],
      encryptedResult: null,
      error: 'the run could not be started: Temporal is unavailable',
    });
    throw error;
  }

  let marking: Promise<void> | undefined;
  const markRunning = () => {
    marking ??= markRunStarted(db, tenantId, runId, handle.firstExecutionRunId);
    return marking;
  };
  if (!watch) {
    await markRunning();
    return getRun(deps, tenantId, runId);
  }

  const finished = async () => {
    // The outcome is recorded by the workflow itself; the row says it whichever way it ended.
    const timers: NodeJS.Timeout[] = [];
    const after = (ms: number) =>
      new Promise<void>((resolve) => timers.push(setTimeout(resolve, ms).unref()));
    let waitOver = false;
    const checkTemporal = async () => {
      const run = {
        tenantId,
        runId,
        temporalWorkflowId,
        temporalRunId: handle.firstExecutionRunId,
      };
      for (;;) {
        await after(Math.min(TEMPORAL_CHECK_MS, input.timeoutMs));
        if (waitOver) return;
        const state = await reconcileRun({ db, temporal: deps.temporal }, run).catch(
          () => 'running' as const,
        );
        if (state !== 'running') return;
      }
    };
    try {
      await Promise.race([watch.finished, checkTemporal(), after(input.timeoutMs)]);
    } finally {
      waitOver = true;
      watch.stop();
      for (const timer of timers) clearTimeout(timer);
    }
  };
  // A failed mark is thrown below, where it is awaited.
  const markTimer = setTimeout(() => markRunning().catch(() => {}), MARK_RUNNING_AFTER_MS);
  try {
    await finished();
  } finally {
    clearTimeout(markTimer);
  }
  if (marking) await marking;
  const run = await getRun(deps, tenantId, runId);
  if (run.status !== 'pending') return run;
  // The wait ended first (a short timeoutMs): the run goes on, so it is marked now.
  await markRunning();
  return getRun(deps, tenantId, runId);
}

export async function getRun(
  deps: Pick<RunServiceDeps, 'db' | 'vault'>,
  tenantId: string,
  runId: string,
) {
  const row = await findRun(deps.db, tenantId, runId);
  if (!row) throw new NotFoundError(`No run ${runId}`);
  return runView(deps.vault, row);
}

export async function listRuns(
  deps: Pick<RunServiceDeps, 'db' | 'vault'>,
  tenantId: string,
  filter: RunListFilter,
) {
  // An unknown anchor would silently give an empty page, as if there were no older runs.
  if (filter.before && !(await findRun(deps.db, tenantId, filter.before))) {
    throw new NotFoundError(`before: no run ${filter.before}`);
  }
  const rows = await listRunRows(deps.db, tenantId, filter);
  return Promise.all(rows.map((row) => runView(deps.vault, row)));
}

/** Asks Temporal to cancel; the workflow records `cancelled` and destroys the run key. */
export async function cancelRun(deps: RunServiceDeps, actor: Actor, runId: string) {
  const row = await findRun(deps.db, actor.tenantId, runId);
  if (!row) throw new NotFoundError(`No run ${runId}`);
  if (row.status === 'pending' || row.status === 'running') {
    const client = await deps.temporal();
    await client.workflow.getHandle(row.temporal_workflow_id).cancel();
    await appendAudit(deps.db, {
      tenantId: actor.tenantId,
      actor: actor.actor,
      action: 'run.cancel',
      targetKind: 'run',
      targetId: runId,
    });
  }
  return getRun(deps, actor.tenantId, runId);
}
