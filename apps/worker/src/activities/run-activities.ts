import {
  type CredentialMap,
  createRedactor,
  type MappedRequest,
  type RequestTemplate,
} from '@latchkey/credential-mapper';
import { type Db, findRun, finishRunRow, touchConnectionUsed } from '@latchkey/db';
import type { EgressPolicy } from '@latchkey/egress';
import type { Logger } from '@latchkey/logger';
import { metrics } from '@latchkey/observability';
import {
  ensureFreshToken,
  openRuntimeCredentials,
  type PublishEvent,
  type RefreshDeps,
  resolveRequest,
} from '@latchkey/resolver';
import type {
  ExecuteStepAndFinishInput,
  ExecuteStepAndFinishResult,
  ExecuteStepInput,
  ExecuteStepResult,
  FinishRunInput,
  FinishRunResult,
  RunActivities,
  StepStats,
} from '@latchkey/temporal';
import { runResultContext, type Vault } from '@latchkey/vault';
import {
  collectPages,
  executeHttp,
  executeSql,
  type HttpStep,
  resolveSqlParams,
  runTransform,
  type SqlStep,
  StepError,
  validateAgainstSchema,
  workflowStepSchema,
} from '@latchkey/workflow-engine';
import { Context } from '@temporalio/activity';
import type { TenantLimiter } from '../tenant-limiter';
import { toStepFailure } from './errors';
import { heartbeat, inTenantSlot } from './tenant-slot';

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

const USED_TOUCH_MS = 3_600_000;

export function createRunActivities(deps: RunActivityDeps): RunActivities {
  const { db, vault } = deps;

  /** A used connection is not due a background check; one write an hour at most. */
  async function markUsed(
    lastUsedAt: Date | null | undefined,
    key: { tenantId: string; integrationId: string; userId: string | null },
  ) {
    if (key.userId === null) return;
    if (lastUsedAt && Date.now() - lastUsedAt.getTime() < USED_TOUCH_MS) return;
    await touchConnectionUsed(db, { ...key, userId: key.userId });
  }

  async function runHttp(
    step: HttpStep,
    input: ExecuteStepInput,
    runtime: CredentialMap | undefined,
    secrets: Set<string>,
  ) {
    const base: RequestTemplate = {
      method: step.method,
      path: step.path,
      query: step.query,
      headers: step.headers,
      body: step.body,
    };
    const refreshDeps = { db, vault, egress: deps.egress, ...deps.refresh };
    const tokenKey = {
      tenantId: input.tenantId,
      integrationId: step.integrationId,
      userId: input.userId,
    };
    let fresh = await ensureFreshToken(refreshDeps, tokenKey);
    // The freshness check read the rows already; the first request uses them.
    let prefetched = fresh.found;
    let forcedRefresh = false;
    const sendOnce = async (extraQuery: Record<string, string | number> = {}) => {
      const mapped = await resolveRequest(
        { db, vault },
        {
          tenantId: input.tenantId,
          integrationId: step.integrationId,
          userId: input.userId,
          runtimeCredentials: runtime,
          request: { ...base, query: { ...base.query, ...extraQuery } },
          variables: input.variables,
          prefetched,
        },
      );
      prefetched = undefined;
      for (const secret of mapped.secrets) secrets.add(secret);
      if (mapped.kind !== 'http') {
        throw new StepError(
          'fatal',
          step.id,
          `integration '${step.integrationId}' is a database: use a sql step`,
        );
      }
      const redact = createRedactor(secrets).redactString;
      return executeHttp(mapped, {
        timeoutMs: deps.requestTimeoutMs,
        signal: Context.current().cancellationSignal,
        redact,
        stepId: step.id,
        egress: deps.egress,
        // The provider's documented rate-limit headers set the retry delay of a 429 or 503.
        rateLimit: mapped.rateLimit,
      });
    };
    /** A 401 earns one forced refresh and one retry, never a loop. */
    const send = async (extraQuery: Record<string, string | number> = {}) => {
      try {
        return await sendOnce(extraQuery);
      } catch (error) {
        if (
          !(error instanceof StepError) ||
          error.status !== 401 ||
          forcedRefresh ||
          fresh.version === null
        ) {
          throw error;
        }
        forcedRefresh = true;
        fresh = await ensureFreshToken(refreshDeps, { ...tokenKey, forceIfVersion: fresh.version });
        return sendOnce(extraQuery);
      }
    };
    await markUsed(fresh.found?.connection?.last_used_at, tokenKey);
    if (!step.pagination) {
      const response = await send();
      return { raw: response.body, stats: { status: response.status } };
    }
    const pages = await collectPages({
      pagination: step.pagination,
      fetchPage: async (params) => (await send(params)).body,
      onPage: heartbeat,
      transformOptions: { tenantId: input.tenantId },
    });
    return { raw: pages.items, stats: { pages: pages.pages, truncated: pages.truncated } };
  }

  async function runSql(
    step: SqlStep,
    input: ExecuteStepInput,
    runtime: CredentialMap | undefined,
    secrets: Set<string>,
  ) {
    const mapped: MappedRequest = await resolveRequest(
      { db, vault },
      {
        tenantId: input.tenantId,
        integrationId: step.integrationId,
        userId: input.userId,
        runtimeCredentials: runtime,
        variables: input.variables,
      },
    );
    for (const secret of mapped.secrets) secrets.add(secret);
    if (mapped.kind !== 'database') {
      throw new StepError(
        'fatal',
        step.id,
        `integration '${step.integrationId}' is not a database: use an http step`,
      );
    }
    const params = resolveSqlParams(step.params, input.variables);
    const result = await executeSql(mapped.connectionString, step.sql, params, {
      timeoutMs: deps.requestTimeoutMs,
      maxBytes: deps.limits?.sqlMaxResultBytes,
      redact: createRedactor(secrets).redactString,
      stepId: step.id,
      egress: deps.egress,
    });
    return { raw: result.rows, stats: { rows: result.rowCount } };
  }

  async function executeStep(input: ExecuteStepInput): Promise<ExecuteStepResult> {
    const started = performance.now();
    const stepId = String(input.step.id);
    const secrets = new Set<string>();
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
              { db, vault },
              {
                tenantId: input.tenantId,
                runId: input.runId,
                sealed: input.sealedRuntimeCredentials,
              },
            )
          : undefined;
        for (const value of Object.values(runtime ?? {})) secrets.add(value);
        const executed =
          step.type === 'sql'
            ? await runSql(step, input, runtime, secrets)
            : await runHttp(step, input, runtime, secrets);
        const redactor = createRedactor(secrets);
        // A response can echo a credential back; nothing secret leaves the activity.
        const raw = redactor.redact(executed.raw);
        const result = step.transform
          ? await runTransform(
              step.transform,
              { result: raw, input: input.variables.input, steps: input.variables.steps },
              // Queued fairly among tenants in the shared sandbox threads; output capped.
              { tenantId: input.tenantId, maxOutputBytes: deps.limits?.transformMaxOutputBytes },
            )
          : raw;
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
        const failure = toStepFailure(error, stepId, createRedactor(secrets).redactString);
        deps.log.warn({ runId: input.runId, stepId, type: failure.type }, failure.message);
        throw failure;
      }
    });
  }

  async function finishRun(input: FinishRunInput): Promise<FinishRunResult> {
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
        encryptedResult = await vault.sealJson(
          runResultContext(tenantId, runId, input.userId),
          outcome.output ?? null,
        );
      }
    }
    const recorded = await finishRunRow(db, tenantId, runId, {
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
  async function alreadyFinished(
    input: ExecuteStepAndFinishInput,
  ): Promise<ExecuteStepAndFinishResult | null> {
    const row = await findRun(db, input.tenantId, input.runId);
    const stats = (row?.step_stats as StepStats[] | null)?.[0];
    if (row?.status !== 'succeeded' || !row.encrypted_result || !stats) return null;
    const result = await vault.openJson(
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

  return {
    executeStep,
    finishRun,
    async executeStepAndFinish(
      input: ExecuteStepAndFinishInput,
    ): Promise<ExecuteStepAndFinishResult> {
      if (input.mayHaveRun) {
        const finished = await alreadyFinished(input);
        if (finished) return finished;
      }
      // A failed step throws as executeStep does; the workflow then records the failure.
      const done = await executeStep(input);
      const finished = await finishRun({
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
