import { type Db, findRun, finishRunRow } from '@latchkey/db';
import { metrics } from '@latchkey/observability';
import type {
  ExecuteStepAndFinishInput,
  ExecuteStepAndFinishResult,
  FinishRunInput,
  FinishRunResult,
} from '@latchkey/temporal';
import { runResultContext, type Vault } from '@latchkey/vault';
import { validateAgainstSchema } from '@latchkey/workflow-engine';
import { Context } from '@temporalio/activity';
import type { RunActivityDeps } from './run-activities';

export type FinishRunDeps = Pick<RunActivityDeps, 'db' | 'vault' | 'publishEvent'>;

/**
 * Records a run's end: the output checked against the response schema and sealed, the row
 * finished once (a retried or repeated finish finds it finished and stays silent).
 */
export async function finishRun(
  deps: FinishRunDeps,
  input: FinishRunInput,
): Promise<FinishRunResult> {
  const { tenantId, runId, outcome } = input;
  let errors: string[] = [];
  let status = outcome.status;
  let encryptedResult: Buffer | null = null;
  let error = outcome.status === 'failed' ? outcome.error : null;
  if (outcome.status === 'succeeded') {
    if (input.responseSchema) {
      const check = validateAgainstSchema(input.responseSchema, outcome.output);
      if (!check.ok) {
        errors = check.errors;
        status = 'failed';
        error = `the output does not match responseSchema: ${errors.join('; ')}`;
      }
    }
    if (status === 'succeeded') {
      encryptedResult = await deps.vault.sealJson(
        runResultContext(tenantId, runId, input.userId),
        outcome.output ?? null,
      );
    }
  }
  const recorded = await finishRunRow(deps.db, tenantId, runId, {
    status,
    stepStats: input.stepStats,
    encryptedResult,
    error,
    temporalRunId: Context.current().info.workflowExecution?.runId ?? null,
  });
  // Counted once per run: a retried or repeated finish finds the row already finished.
  if (recorded) metrics.runsFinished.inc({ status });
  // Only the call that recorded the end announces it: a retried finish stays silent.
  if (recorded && status === 'failed') {
    await deps.publishEvent?.({
      tenantId,
      type: 'run.failed',
      data: { runId, userId: input.userId, error },
    });
  }
  return { tenantId, ok: errors.length === 0, errors };
}

/**
 * A one-step run's step whose run already ended successfully: its recorded output and stats,
 * so a repeated local activity (its first task's worker died after the step, before Temporal
 * recorded it) does not call the API a second time.
 */
export async function alreadyFinished(
  deps: { db: Db; vault: Pick<Vault, 'openJson'> },
  input: ExecuteStepAndFinishInput,
): Promise<ExecuteStepAndFinishResult | null> {
  const row = await findRun(deps.db, input.tenantId, input.runId);
  const stats = row?.step_stats?.[0];
  if (row?.status !== 'succeeded' || !row.encrypted_result || !stats) return null;
  const result = await deps.vault.openJson(
    runResultContext(input.tenantId, input.runId, input.userId),
    row.encrypted_result,
  );
  return {
    tenantId: input.tenantId,
    result,
    stats,
    finished: { tenantId: input.tenantId, ok: true, errors: [] },
  };
}
