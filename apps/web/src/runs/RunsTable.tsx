import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { isUnfinished, queries } from '../api/queries';
import { paths } from '../paths';
import { Link } from '../router';
import { EmptyState, ErrorMessage, Loading } from '../ui/feedback';
import { formatDateTime, formatDuration } from '../ui/format';
import { StatusBadge } from '../ui/StatusBadge';
import { temporalRunUrl } from './temporal-link';

/**
 * Runs, newest first, a page at a time with older pages on request; refreshes every second
 * while any run shown is unfinished.
 */
export function RunsTable({ workflowId }: { workflowId?: string }) {
  const runs = useInfiniteQuery(queries.runs(workflowId));
  const me = useQuery(queries.me());
  const shown = runs.data?.pages.flat() ?? [];
  const live = shown.some(isUnfinished);

  if (runs.isPending) return <Loading what="runs" />;
  if (runs.error && !runs.isFetchNextPageError) return <ErrorMessage error={runs.error} />;
  if (shown.length === 0) {
    return (
      <EmptyState title="No runs yet.">
        <p>Start one from a workflow's page.</p>
      </EmptyState>
    );
  }
  return (
    <div className="table-wrap">
      <p className="hint" aria-live="polite">
        {live ? 'Updating while runs are in progress…' : `Runs shown: ${shown.length}`}
      </p>
      <table>
        <caption className="visually-hidden">Runs</caption>
        <thead>
          <tr>
            <th scope="col">Started</th>
            {workflowId ? null : <th scope="col">Workflow</th>}
            <th scope="col">Status</th>
            <th scope="col">Duration</th>
            <th scope="col">User</th>
            <th scope="col">Result</th>
            <th scope="col">Temporal</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((run) => {
            const temporalUrl = temporalRunUrl(me.data?.temporalUi ?? null, run);
            return (
              <tr key={run.runId} data-run-id={run.runId}>
                <td>{formatDateTime(run.startedAt ?? run.createdAt)}</td>
                {workflowId ? null : (
                  <td>
                    <Link to={paths.workflow(run.workflowId)}>{run.workflowId}</Link> v
                    {run.workflowVersion}
                  </td>
                )}
                <td>
                  <StatusBadge status={run.status} />
                </td>
                <td>{isUnfinished(run) ? '…' : formatDuration(run.durationMs)}</td>
                <td>{run.userId ?? '—'}</td>
                <td className="run-result">
                  {run.error ? <span className="error-text">{run.error}</span> : null}{' '}
                  {/* Input, steps and output are shown redacted on the run's own page. */}
                  <Link to={paths.run(run.runId)}>
                    Details
                    <span className="visually-hidden">
                      {' '}
                      of the run started {formatDateTime(run.startedAt ?? run.createdAt)}
                    </span>
                  </Link>
                </td>
                <td>
                  {temporalUrl ? (
                    <a
                      href={temporalUrl}
                      target="_blank"
                      rel="noreferrer"
                      aria-label={`Open ${run.temporal.workflowId} in the Temporal UI`}
                    >
                      Open in Temporal
                    </a>
                  ) : (
                    <code title="Temporal workflow id">{run.temporal.workflowId}</code>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {runs.isFetchNextPageError ? <ErrorMessage error={runs.error} /> : null}
      {runs.hasNextPage ? (
        <button
          type="button"
          className="button-secondary"
          disabled={runs.isFetchingNextPage}
          onClick={() => runs.fetchNextPage()}
        >
          {runs.isFetchingNextPage ? 'Loading older runs…' : 'Show older runs'}
        </button>
      ) : null}
    </div>
  );
}
