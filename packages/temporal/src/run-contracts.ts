import type { StepStats, StoredStep } from '@latchkey/db/schema';

/**
 * Contracts of the run workflow, shared by the api (which starts it) and the worker.
 * Every value carries `tenantId`, so the payload codec seals it with that tenant's key.
 * Steps are JSON as stored (validated by @latchkey/workflow-engine when built).
 */
export interface RunWorkflowInput {
  tenantId: string;
  runId: string;
  workflowId: string;
  workflowVersion: number;
  userId: string | null;
  steps: readonly RunStep[];
  payload: unknown;
  responseSchema: Record<string, unknown> | null;
  /** Runtime credentials sealed with the run's own key (base64), or null. */
  sealedRuntimeCredentials: string | null;
  /**
   * Set on runs started since a one-step run's step became a local activity. Runs started
   * before lack it and replay with an ordinary activity, without a patch marker (which would
   * also write a search attribute on every run).
   */
  singleStepRunsLocally?: true;
  /**
   * Set on runs started since a one-step run's step also records the run's end
   * (`executeStepAndFinish`), saving a second local activity. Runs started before lack it and
   * replay with `executeStep` then `finishRun`.
   */
  singleStepRecordsEnd?: true;
}

/** A step as the worker receives it (as stored); the engine's schema gives its full shape. */
export type RunStep = StoredStep;

export type { StepStats };

export interface ExecuteStepInput {
  tenantId: string;
  runId: string;
  userId: string | null;
  step: RunStep;
  /** `input` is the run's payload; `steps` maps earlier step ids to their results. */
  variables: { input: unknown; steps: Record<string, unknown> };
  sealedRuntimeCredentials: string | null;
}

export interface ExecuteStepResult {
  tenantId: string;
  result: unknown;
  stats: StepStats;
}

export interface FinishRunInput {
  tenantId: string;
  runId: string;
  userId: string | null;
  outcome:
    | { status: 'succeeded'; output: unknown }
    | { status: 'failed'; error: string }
    | { status: 'cancelled' };
  stepStats: StepStats[];
  responseSchema: Record<string, unknown> | null;
}

export interface FinishRunResult {
  tenantId: string;
  /** False when the output broke the response schema: the run was recorded as failed. */
  ok: boolean;
  errors: string[];
}

export interface ExecuteStepAndFinishInput extends ExecuteStepInput {
  responseSchema: Record<string, unknown> | null;
  /**
   * The workflow's task was retried, so this step may have run and recorded the run's end
   * already: the activity then answers from the run's row instead of calling the API again.
   */
  mayHaveRun?: boolean;
}

export interface ExecuteStepAndFinishResult extends ExecuteStepResult {
  /**
   * The recorded end of the run, or null when recording it failed: the step is not repeated
   * for that, and the workflow records the end with `finishRun` instead.
   */
  finished: FinishRunResult | null;
}

export interface RunActivities {
  executeStep(input: ExecuteStepInput): Promise<ExecuteStepResult>;
  /** A one-step run's step, which also records the run's end when it succeeds. */
  executeStepAndFinish(input: ExecuteStepAndFinishInput): Promise<ExecuteStepAndFinishResult>;
  finishRun(input: FinishRunInput): Promise<FinishRunResult>;
}

export interface RunWorkflowResult {
  tenantId: string;
  runId: string;
  output: unknown;
  stepStats: StepStats[];
}

/**
 * Unique workflow ids the Temporal UI list can be read by: `run:<tenant id>:<workflow>:<run>`.
 * The tenant id (never its name) is what the worker checks every payload's tenant against
 * (`workflowTenant`), so every tenant workflow's id starts `<kind>:<tenant id>:`.
 */
export function runWorkflowId(tenantId: string, workflowId: string, runId: string): string {
  return `run:${tenantId}:${workflowId}:${runId}`;
}

/** Failure types the worker raises; the workflow's retry policy must not retry the fatal ones. */
export const FATAL_STEP_ERROR = 'FatalStepError';
export const RESPONSE_SCHEMA_ERROR = 'ResponseSchemaError';
