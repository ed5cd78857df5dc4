import { useQuery } from '@tanstack/react-query';
import { queries } from '../api/queries';
import { paths } from '../paths';
import { Link } from '../router';
import { RunsTable } from '../runs/RunsTable';
import { ErrorMessage, Loading } from '../ui/feedback';
import { formatDateTime } from '../ui/format';
import { prettyJson } from '../ui/json';
import { RunWorkflowForm } from './RunWorkflowForm';

export function WorkflowPage({ id }: { id: string }) {
  const workflow = useQuery(queries.workflow(id));
  const data = workflow.data;
  return (
    <div className="stack">
      <p className="crumbs">
        <Link to={paths.workflows}>Workflows</Link> /
      </p>
      <h1>{id}</h1>
      <ErrorMessage error={workflow.error} />
      {workflow.isPending ? <Loading what="the workflow" /> : null}
      {data ? (
        <>
          <p className="lead">{data.instruction}</p>
          <p className="meta">
            Version {data.version} of {data.versions.length} · {formatDateTime(data.createdAt)} ·
            uses{' '}
            {data.integrationIds.map((integrationId, i) => (
              <span key={integrationId}>
                {i > 0 ? ', ' : ''}
                <Link to={paths.integration(integrationId)}>{integrationId}</Link>
              </span>
            ))}
          </p>
          <details>
            <summary>
              {data.steps.length} step{data.steps.length === 1 ? '' : 's'}
            </summary>
            <pre className="code">{prettyJson(data.steps)}</pre>
          </details>
          {data.inputSchema ? (
            <details>
              <summary>Input schema</summary>
              <pre className="code">{prettyJson(data.inputSchema)}</pre>
            </details>
          ) : null}
          <RunWorkflowForm workflowId={data.id} />
        </>
      ) : null}
      <section aria-labelledby="runs-heading" className="stack">
        <h2 id="runs-heading">Runs</h2>
        <RunsTable workflowId={id} />
      </section>
    </div>
  );
}
