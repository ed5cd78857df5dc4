import { useQuery } from '@tanstack/react-query';
import { isUnfinished, queries } from '../api/queries';
import type { RunStep } from '../api/types';
import { paths } from '../paths';
import { Link } from '../router';
import { ErrorMessage, Loading, Notice } from '../ui/feedback';
import { formatDateTime, formatDuration } from '../ui/format';
import { prettyJson } from '../ui/json';
import { StatusBadge } from '../ui/StatusBadge';
import { TemporalUiLink } from './TemporalUiLink';

/**
 * One run as its tenant reads it: the input, each step's request and result, and the output,
 * decoded by the api with secret-looking fields redacted, as the Temporal UI shows them to a
 * signed-in operator. Refreshes every second while the run is unfinished.
 */
export function RunPage({ runId }: { runId: string }) {
  const inspection = useQuery(queries.run(runId));
  const me = useQuery(queries.me());
  const data = inspection.data;
  const run = data?.run;
  return (
    <div className="stack">
      <p className="crumbs">
        <Link to={paths.runs}>Runs</Link> /
      </p>
      <h1>
        Run of {run ? run.workflowId : '…'}
        {run && run.workflowVersion > 0 ? ` v${run.workflowVersion}` : ''}
      </h1>
      <ErrorMessage error={inspection.error} />
      {inspection.isPending ? <Loading what="the run" /> : null}
      {data && run ? (
        <>
          <p className="meta">
            <StatusBadge status={run.status} /> · started{' '}
            {formatDateTime(run.startedAt ?? run.createdAt)} · took{' '}
            {isUnfinished(run) ? '…' : formatDuration(run.durationMs)}
            {run.userId ? ` · for ${run.userId}` : ''} · <code>{run.runId}</code>
          </p>
          {run.error ? <ErrorMessage error={run.error} /> : null}
          <p className="hint">
            Fields whose names look secret (password, token, API key…) show as{' '}
            <code>[redacted]</code>.
          </p>
          {data.history === 'unavailable' ? (
            <Notice tone="warn">
              Temporal no longer keeps this run's history (it is past the namespace's retention), so
              its input and step results are gone; the output is kept.
            </Notice>
          ) : null}
          {me.data?.temporalUi ? (
            <TemporalUiLink temporalUi={me.data.temporalUi} run={run} />
          ) : null}
          <section aria-labelledby="input-heading" className="stack">
            <h2 id="input-heading">Input</h2>
            <pre className="code">{prettyJson(data.input)}</pre>
          </section>
          <section aria-labelledby="steps-heading" className="stack">
            <h2 id="steps-heading">Steps</h2>
            <ol className="card-list steps" aria-labelledby="steps-heading">
              {data.steps.map((step) => (
                <StepItem key={step.stepId} step={step} />
              ))}
            </ol>
          </section>
          <section aria-labelledby="output-heading" className="stack">
            <h2 id="output-heading">Output</h2>
            {run.status === 'succeeded' ? (
              <pre className="code">{prettyJson(run.output)}</pre>
            ) : (
              <p className="hint">
                No output: the run {isUnfinished(run) ? 'is' : 'was'} {run.status}.
              </p>
            )}
          </section>
        </>
      ) : null}
    </div>
  );
}

function StepItem({ step }: { step: RunStep }) {
  const { request } = step;
  const attempts =
    step.attempts === null ? null : `${step.attempts} attempt${step.attempts === 1 ? '' : 's'}`;
  return (
    <li className="card stack" data-step-id={step.stepId}>
      <div className="card-head">
        <h3>{step.stepId}</h3> <StatusBadge status={step.status} />
      </div>
      <p className="meta">
        <Link to={paths.integration(step.integrationId)}>{step.integrationId}</Link> ·{' '}
        {request.type === 'sql' ? (
          'SQL'
        ) : (
          <code>
            {request.method} {request.path ?? ''}
          </code>
        )}
        {attempts ? ` · ${attempts}` : ''}
        {step.durationMs === null ? '' : ` · ${formatDuration(step.durationMs)}`}
      </p>
      {step.status === 'succeeded' && step.result !== null ? (
        <pre className="code">{prettyJson(step.result)}</pre>
      ) : null}
    </li>
  );
}
