import type { Db } from '@latchkey/db';
import type { EgressPolicy } from '@latchkey/egress';
import type { Logger } from '@latchkey/logger';
import { metrics } from '@latchkey/observability';
import { openRuntimeCredentials, type PublishEvent, type RefreshDeps } from '@latchkey/resolver';
import type {
  ExecuteStepAndFinishInput,
  ExecuteStepAndFinishResult,
  ExecuteStepInput,
  ExecuteStepResult,
  RunActivities,
} from '@latchkey/temporal';
import type { Vault } from '@latchkey/vault';
import { computeStepResult, workflowStepSchema } from '@latchkey/workflow-engine';
import { Context } from '@temporalio/activity';
import type { TenantLimiter } from '../tenant-limiter';
import { toStepFailure } from './errors';
import { alreadyFinished, finishRun } from './finish-run';
import { runHttpStep } from './http-step';
import { runSqlStep } from './sql-step';
import { StepSecrets } from './step-secrets';
import { inTenantSlot } from './tenant-slot';

export interface RunActivityDeps {
  db: Db;
  vault: Vault;
  log: Logger;
  limiter: TenantLimiter;
  /**
   * Tenant egress: every step's connection (HTTP, each redirect and page, SQL, a tenant's OAuth
   * token URL) goes through it. Required: there is no way to run steps without one.
   */
  egress: EgressPolicy;
  /** Per-request timeout for third-party calls. */
  requestTimeoutMs: number;
  /** Byte caps (as JSON) on a SQL step's rows and on a transform's output; engine defaults. */
  limits?: { sqlMaxResultBytes?: number; transformMaxOutputBytes?: number };
  /** OAuth refresh: margin before expiry, cooldown, and the needs_reauth webhook. */
  refresh?: Omit<RefreshDeps, 'db' | 'vault' | 'egress'>;
  /** Records a tenant event and starts its delivery (`run.failed` here). */
  publishEvent?: PublishEvent;
}

/**
 * The run workflow's activities: one step (HTTP in http-step.ts, SQL in sql-step.ts), then its
 * result redacted and transformed; the run's end (finish-run.ts); and both at once for a
 * one-step run.
 */
export function createRunActivities(deps: RunActivityDeps): RunActivities {
  async function executeStep(input: ExecuteStepInput): Promise<ExecuteStepResult> {
    const started = performance.now();
    const stepId = String(input.step.id);
    const secrets = new StepSecrets();
    const attempt = Context.current().info.attempt;
    let stepType = 'unknown';
    const observe = (outcome: 'succeeded' | 'failed') => {
      const labels = { type: stepType, outcome };
      metrics.stepAttempts.inc(labels);
      metrics.stepDuration.observe(labels, (performance.now() - started) / 1_000);
      if (outcome === 'succeeded')
        metrics.stepSucceededOnAttempt.observe({ type: stepType }, attempt);
    };
    return inTenantSlot(deps.limiter, input.tenantId, async () => {
      try {
        const step = workflowStepSchema.parse(input.step);
        stepType = step.type;
        const runtime = input.sealedRuntimeCredentials
          ? await openRuntimeCredentials(
              { db: deps.db, vault: deps.vault },
              {
                tenantId: input.tenantId,
                runId: input.runId,
                sealed: input.sealedRuntimeCredentials,
              },
            )
          : undefined;
        secrets.add(Object.values(runtime ?? {}));
        const executed =
          step.type === 'sql'
            ? await runSqlStep(deps, step, input, runtime, secrets)
            : await runHttpStep(deps, step, input, runtime, secrets);
        const { redactor } = secrets;
        // A response can echo a credential back; nothing secret leaves the activity.
        const raw = redactor.redact(executed.raw);
        // Queued fairly among tenants in the shared sandbox threads; output capped.
        const result = await computeStepResult(step, raw, input.variables, {
          tenantId: input.tenantId,
          maxOutputBytes: deps.limits?.transformMaxOutputBytes,
        });
        observe('succeeded');
        return {
          tenantId: input.tenantId,
          result: redactor.redact(result),
          stats: {
            stepId,
            integrationId: step.integrationId,
            durationMs: Math.round(performance.now() - started),
            attempts: attempt,
            ...executed.stats,
          },
        };
      } catch (error) {
        observe('failed');
        const failure = toStepFailure(error, stepId, secrets.redactor.redactString);
        deps.log.warn({ runId: input.runId, stepId, type: failure.type }, failure.message);
        throw failure;
      }
    });
  }

  return {
    executeStep,
    finishRun: (input) => finishRun(deps, input),
    async executeStepAndFinish(
      input: ExecuteStepAndFinishInput,
    ): Promise<ExecuteStepAndFinishResult> {
      if (input.mayHaveRun) {
        const finished = await alreadyFinished(deps, input);
        if (finished) return finished;
      }
      // A failed step throws as executeStep does; the workflow then records the failure.
      const done = await executeStep(input);
      const finished = await finishRun(deps, {
        tenantId: input.tenantId,
        runId: input.runId,
        userId: input.userId,
        outcome: { status: 'succeeded', output: done.result },
        stepStats: [done.stats],
        responseSchema: input.responseSchema,
      }).catch((error: unknown) => {
        // Failing here would retry the step; the workflow's finishRun records the end instead.
        deps.log.warn(
          { runId: input.runId, err: error instanceof Error ? error.message : String(error) },
          'recording the end of a one-step run failed; the workflow retries it',
        );
        return null;
      });
      return { ...done, finished };
    },
  };
}
