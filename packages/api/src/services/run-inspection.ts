import { findRun } from '@latchkey/db';
import {
  createTenantPayloadCodec,
  type ExecuteStepResult,
  payloadConverter,
  RedactionError,
  type RunWorkflowInput,
  redactPayload,
  redactSecrets,
  type StepStats,
} from '@latchkey/temporal';
import { type Payload, type WorkflowHandle, WorkflowNotFoundError } from '@temporalio/client';
import { NotFoundError } from '../errors';
import { type RunServiceDeps, type RunView, runView } from './runs';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
type HistoryEvent = NonNullable<History['events']>[number];

/** What a run's page shows of one step. */
export interface RunStepView {
  stepId: string;
  integrationId: string;
  /** The step's request as defined: HTTP method and path, or `sql`. */
  request: { type: 'http' | 'sql'; method: string | null; path: string | null };
  status: 'succeeded' | 'failed' | 'running' | 'not run';
  attempts: number | null;
  durationMs: number | null;
  /** The step's result, with secret-looking fields redacted; null until it succeeded. */
  result: unknown;
}

const GRPC_NOT_FOUND = 5;
const grpcCode = (error: unknown) =>
  typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
// The SDK's local activities leave their result in a marker of this name.
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';
/** Shown in place of a value too deeply nested to check for secrets. */
const WITHHELD = '[withheld: nested too deeply to check for secrets]';

/** A deep copy with secret-looking fields redacted, as the codec endpoint shows payloads. */
function redactedCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const copy: unknown = structuredClone(value);
  try {
    redactSecrets(copy);
  } catch (error) {
    if (error instanceof RedactionError) return WITHHELD;
    throw error;
  }
  return copy;
}

/**
 * One run, as its tenant reads it: the row's outcome plus the run's input and each step's
 * result, read from the run's Temporal history and decoded with the tenant's key. Exactly what
 * the codec endpoint gives an operator in the Temporal UI: only payloads sealed for this tenant
 * open (the run is looked up by tenant first, and each payload's tenant is checked again), and
 * secret-looking fields are redacted. The runtime credentials in the input are never returned.
 */
export async function inspectRun(
  deps: Pick<RunServiceDeps, 'db' | 'vault' | 'temporal'>,
  tenantId: string,
  runId: string,
) {
  const row = await findRun(deps.db, tenantId, runId);
  if (!row) throw new NotFoundError(`No run ${runId}`);
  const view = await runView(deps.vault, row);
  // A new object type, not the named RunView: the client's declarations spell it out rather
  // than import the server types it was inferred from.
  const run = { ...view, output: redactedCopy(view.output) };
  const stats = view.stepStats;
  /**
   * `input`: the run's payload, redacted. `history`: `kept` when read from Temporal's history;
   * `unavailable` when Temporal no longer has it (past the namespace's retention) or it does not
   * open for this tenant, and only the run's row is shown.
   */
  const inspection = (input: unknown, steps: RunStepView[], history: 'kept' | 'unavailable') => ({
    run,
    input,
    steps,
    history,
  });

  // What the row kept of each finished step, without results: all there is once Temporal no
  // longer has the run (past retention), or when its input does not open for this tenant.
  const fromRow = () =>
    inspection(
      null,
      stats.map((s) => ({
        ...stepView(s.stepId, s.integrationId, null, s, undefined),
        status: 'succeeded' as const,
      })),
      'unavailable',
    );

  const events = await historyOf(deps, row.temporal_workflow_id, row.temporal_run_id);
  if (!events) return fromRow();
  const open = payloadOpener(deps, tenantId);
  const started = events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  const input = started ? ((await open(started)) as RunWorkflowInput | undefined) : undefined;
  if (!input || input.runId !== runId) return fromRow();
  const results = new Map<string, ExecuteStepResult>();
  for (const payload of stepResultPayloads(events)) {
    const done = (await open(payload)) as Partial<ExecuteStepResult> | undefined;
    if (done?.stats?.stepId) results.set(done.stats.stepId, done as ExecuteStepResult);
  }

  const steps = input.steps.map((step) => {
    const done = results.get(step.id);
    return stepView(step.id, step.integrationId, step, done?.stats, done);
  });
  return inspection(input.payload ?? null, withStatuses(steps, run.status), 'kept');
}

function stepView(
  stepId: string,
  integrationId: string,
  definition: Record<string, unknown> | null,
  stats: StepStats | undefined,
  done: ExecuteStepResult | undefined,
): RunStepView {
  const type = definition?.type === 'sql' ? 'sql' : 'http';
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    stepId,
    integrationId,
    request: {
      type,
      method: type === 'http' ? (text(definition?.method) ?? 'GET') : null,
      path: type === 'http' ? text(definition?.path) : null,
    },
    status: done ? 'succeeded' : 'not run',
    attempts: stats?.attempts ?? null,
    durationMs: stats?.durationMs ?? null,
    // Redacted already: the payload was, as it was opened.
    result: done ? done.result : null,
  };
}

/** The first step without a result is where the run failed or stands; later ones never ran. */
function withStatuses(steps: RunStepView[], runStatus: RunView['status']): RunStepView[] {
  const stopped = steps.findIndex((step) => step.status !== 'succeeded');
  if (stopped === -1) return steps;
  const where: RunStepView['status'] =
    runStatus === 'pending' || runStatus === 'running'
      ? 'running'
      : runStatus === 'failed'
        ? 'failed'
        : 'not run';
  return steps.map((step, index) => (index === stopped ? { ...step, status: where } : step));
}

/** Results of the steps: ordinary activities' completions, and local activities' markers. */
function* stepResultPayloads(events: HistoryEvent[]): Generator<Payload> {
  for (const event of events) {
    const completed = event.activityTaskCompletedEventAttributes?.result?.payloads?.[0];
    if (completed) yield completed;
    const marker = event.markerRecordedEventAttributes;
    const local =
      marker?.markerName === LOCAL_ACTIVITY_MARKER ? marker.details?.result?.payloads?.[0] : null;
    if (local) yield local;
  }
}

/** Opens payloads sealed for this tenant; anything else (or undecodable) is left unread. */
function payloadOpener(deps: Pick<RunServiceDeps, 'vault'>, tenantId: string) {
  const codec = createTenantPayloadCodec({ vault: deps.vault });
  return async (payload: Payload): Promise<unknown> => {
    if (codec.sealedTenant(payload) !== tenantId) return undefined;
    try {
      const [decoded] = await codec.decode([payload]);
      return decoded ? payloadConverter.fromPayload(redactPayload(decoded)) : undefined;
    } catch {
      // Tampered, or JSON that cannot be checked for secrets: withheld, never half-shown.
      return undefined;
    }
  };
}

/** The run's history events, or null when Temporal no longer has the run. */
async function historyOf(
  deps: Pick<RunServiceDeps, 'temporal'>,
  workflowId: string,
  runId: string | null,
): Promise<HistoryEvent[] | null> {
  const client = await deps.temporal();
  try {
    const history = await client.workflow.getHandle(workflowId, runId ?? undefined).fetchHistory();
    return history.events ?? [];
  } catch (error) {
    if (error instanceof WorkflowNotFoundError || grpcCode(error) === GRPC_NOT_FOUND) return null;
    throw error;
  }
}
