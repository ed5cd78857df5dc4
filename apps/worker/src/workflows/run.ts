import type {
  ExecuteStepResult,
  FinishRunInput,
  FinishRunResult,
  RunActivities,
  RunWorkflowInput,
  RunWorkflowResult,
  StepStats,
} from '@latchkey/temporal/workflows';
import { FATAL_STEP_ERROR, RESPONSE_SCHEMA_ERROR } from '@latchkey/temporal/workflows';
import {
  ActivityFailure,
  type ActivityOptions,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  type LocalActivityOptions,
  proxyActivities,
  proxyLocalActivities,
  workflowInfo,
} from '@temporalio/workflow';

/** Steps call third-party APIs: transient failures retry with backoff, fatal ones never. */
const STEP_OPTIONS = {
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '10 seconds',
  retry: {
    initialInterval: '300 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 6,
    nonRetryableErrorTypes: [FATAL_STEP_ERROR],
  },
} satisfies ActivityOptions;

/**
 * A run of one step has no earlier step a crash could repeat, so its step runs as a local
 * activity: no task through the server to schedule it and no second workflow task for its
 * result, which halves the server's work per run. Longer runs keep ordinary activities, whose
 * results are recorded the moment each step finishes. Heartbeats do not apply to local
 * activities; the worker itself watches them.
 */
const SINGLE_STEP_OPTIONS = {
  startToCloseTimeout: STEP_OPTIONS.startToCloseTimeout,
  retry: STEP_OPTIONS.retry,
} satisfies LocalActivityOptions;

/**
 * Bookkeeping is a short write to our own database: a local activity (no round trip through
 * the server to schedule it), retried patiently because it is idempotent.
 */
const BOOKKEEPING_OPTIONS = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    maximumInterval: '10 seconds',
    maximumAttempts: 20,
  },
} satisfies LocalActivityOptions;

/** WorkflowExecutionStarted, WorkflowTaskScheduled, WorkflowTaskStarted. */
const FIRST_TASK_HISTORY_LENGTH = 3;

function failureMessage(error: unknown): string {
  let current: unknown = error;
  // The activity's own message (already redacted) sits under the ActivityFailure wrapper.
  while (current instanceof ActivityFailure && current.cause) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

/**
 * One run of a stored workflow: its steps in order, each an activity, then the result checked
 * and recorded. Runtime credentials stay sealed in here; only activities open them.
 */
export async function runWorkflow(input: RunWorkflowInput): Promise<RunWorkflowResult> {
  const { tenantId, runId } = input;
  // Fair dispatch across tenants: Temporal serves fairness keys round-robin.
  const priority = { fairnessKey: tenantId };
  const steps =
    input.steps.length === 1 && input.singleStepRunsLocally
      ? proxyLocalActivities<RunActivities>(SINGLE_STEP_OPTIONS)
      : proxyActivities<RunActivities>({ ...STEP_OPTIONS, priority });
  const books = proxyLocalActivities<RunActivities>(BOOKKEEPING_OPTIONS);

  const stepStats: StepStats[] = [];
  const results: Record<string, unknown> = {};
  let output: unknown = null;
  // A one-step run's step records the run's end itself: one local activity instead of two.
  const stepRecordsEnd =
    input.steps.length === 1 && input.singleStepRunsLocally && input.singleStepRecordsEnd;
  let recorded: FinishRunResult | null = null;
  const finish = (outcome: FinishRunInput['outcome']) =>
    books.finishRun({
      tenantId,
      runId,
      userId: input.userId,
      outcome,
      stepStats,
      responseSchema: input.responseSchema,
    });

  try {
    for (const step of input.steps) {
      const stepInput = {
        tenantId,
        runId,
        userId: input.userId,
        step,
        variables: { input: input.payload, steps: results },
        sealedRuntimeCredentials: input.sealedRuntimeCredentials,
      };
      let done: ExecuteStepResult;
      if (stepRecordsEnd) {
        const withEnd = await steps.executeStepAndFinish({
          ...stepInput,
          responseSchema: input.responseSchema,
          // A run's first workflow task starts with 3 events in its history; more means an
          // earlier task failed or timed out (its worker died, Temporal was away), and a local
          // activity's result is recorded only with its task: the step may have run already.
          mayHaveRun: workflowInfo().historyLength > FIRST_TASK_HISTORY_LENGTH,
        });
        recorded = withEnd.finished;
        done = withEnd;
      } else {
        done = await steps.executeStep(stepInput);
      }
      results[step.id] = done.result;
      output = done.result;
      stepStats.push(done.stats);
    }
  } catch (error) {
    const outcome: FinishRunInput['outcome'] = isCancellation(error)
      ? { status: 'cancelled' }
      : { status: 'failed', error: failureMessage(error) };
    await CancellationScope.nonCancellable(() => finish(outcome));
    throw error;
  }

  const finished = recorded ?? (await finish({ status: 'succeeded', output }));
  if (!finished.ok) {
    throw ApplicationFailure.create({
      type: RESPONSE_SCHEMA_ERROR,
      message: `the output does not match responseSchema: ${finished.errors.join('; ')}`,
      nonRetryable: true,
    });
  }
  return { tenantId, runId, output, stepStats };
}
