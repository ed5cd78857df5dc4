/**
 * Runs normally record their own end (the workflow's last local activity), which also destroys
 * their run key. A run can end without that bookkeeping: terminated from the Temporal UI or
 * CLI, timed out by its execution timeout, or never started because the api died between
 * writing the row and starting the workflow. The reconciler asks Temporal about such runs and
 * records their end, so the row stops saying "running" and the run's runtime credentials can
 * no longer be opened.
 *
 * Invariants:
 * - A run Temporal still reports as running is never touched.
 * - Every write is scoped by the tenant named in the run's own row, and is the same
 *   once-only `finishRunRow` the workflow uses: whichever writes first wins, the other is a no-op.
 */
import {
  type Db,
  finishRunRow,
  listUnfinishedRuns,
  type RunOutcome,
  type UnfinishedRun,
} from '@latchkey/db';
import {
  type Client,
  type WorkflowExecutionStatusName,
  WorkflowNotFoundError,
} from '@temporalio/client';

export interface RunReconcilerDeps {
  db: Db;
  temporal: () => Promise<Client>;
}

export type ReconcileResult = 'running' | 'finished' | 'already-finished';

/** How a run Temporal has closed is recorded when the workflow did not record it itself. */
export function outcomeOfClosedRun(status: WorkflowExecutionStatusName | 'NOT_FOUND'): RunOutcome {
  const failed = (error: string): RunOutcome => ({
    status: 'failed',
    stepStats: [],
    encryptedResult: null,
    error,
  });
  switch (status) {
    case 'CANCELLED':
      return { status: 'cancelled', stepStats: [], encryptedResult: null, error: null };
    case 'TERMINATED':
      return failed('the run was terminated in Temporal');
    case 'TIMED_OUT':
      return failed('the run timed out in Temporal (its execution timeout passed)');
    case 'NOT_FOUND':
      return failed('the run was never started in Temporal');
    default:
      return failed(`the run ended in Temporal (${status}) without recording its outcome`);
  }
}

/** Asks Temporal whether one unfinished run has ended, and records its end if so. */
export async function reconcileRun(
  deps: RunReconcilerDeps,
  run: UnfinishedRun,
): Promise<ReconcileResult> {
  const client = await deps.temporal();
  let status: WorkflowExecutionStatusName | 'NOT_FOUND';
  let temporalRunId: string | null = null;
  try {
    const handle = client.workflow.getHandle(
      run.temporalWorkflowId,
      run.temporalRunId ?? undefined,
    );
    const description = await handle.describe();
    status = description.status.name;
    temporalRunId = description.runId;
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    status = 'NOT_FOUND';
  }
  if (status === 'RUNNING') return 'running';
  const finished = await finishRunRow(deps.db, run.tenantId, run.runId, {
    ...outcomeOfClosedRun(status),
    temporalRunId,
  });
  return finished ? 'finished' : 'already-finished';
}

export interface SweepOptions {
  /** Runs younger than this are left alone: the api may still be starting them. */
  graceMs: number;
  /** Rows read per page. */
  pageSize?: number;
}

export interface SweepReport {
  checked: number;
  finished: number;
  failed: number;
}

/** One pass over every unfinished run older than the grace period. */
export async function sweepUnfinishedRuns(
  deps: RunReconcilerDeps,
  options: SweepOptions,
): Promise<SweepReport> {
  const report: SweepReport = { checked: 0, finished: 0, failed: 0 };
  const pageSize = options.pageSize ?? 100;
  let afterRunId: string | undefined;
  const createdBefore = new Date(Date.now() - options.graceMs);
  for (;;) {
    const page = await listUnfinishedRuns(deps.db, { createdBefore, afterRunId, limit: pageSize });
    for (const run of page) {
      report.checked++;
      try {
        if ((await reconcileRun(deps, run)) === 'finished') report.finished++;
      } catch {
        // Temporal unreachable or slow: the next sweep asks again.
        report.failed++;
      }
    }
    const last = page.at(-1);
    if (!last || page.length < pageSize) return report;
    afterRunId = last.runId;
  }
}

/** Sweeps every `intervalMs` until stopped; a sweep never overlaps the previous one. */
export function startRunReconciler(
  deps: RunReconcilerDeps,
  options: SweepOptions & {
    intervalMs: number;
    onSweep?: (report: SweepReport) => void;
    onError?: (error: unknown) => void;
  },
) {
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      // A failed sweep (the database unreachable) is reported and the next one runs as usual.
      current = sweepUnfinishedRuns(deps, options)
        .then((report) => options.onSweep?.(report))
        .catch((error: unknown) => options.onError?.(error))
        .finally(schedule);
    }, options.intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
