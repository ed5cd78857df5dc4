import { useQuery } from '@tanstack/react-query';
import { queries } from '../api/queries';
import { paths } from '../paths';
import { Link } from '../router';
import { EmptyState, ErrorMessage, Loading } from '../ui/feedback';
import { formatDateTime } from '../ui/format';
import { BuildWorkflowForm } from './BuildWorkflowForm';

export function WorkflowsPage() {
  const workflows = useQuery(queries.workflows());
  return (
    <div className="stack">
      <h1>Workflows</h1>
      <ErrorMessage error={workflows.error} />
      {workflows.isPending ? <Loading what="workflows" /> : null}
      {workflows.data?.length === 0 ? (
        <EmptyState title="No workflows yet.">
          <p>A workflow is a list of steps against your integrations. Build one below.</p>
        </EmptyState>
      ) : null}
      {workflows.data?.length ? (
        <ul className="card-list" aria-label="Workflows">
          {workflows.data.map((workflow) => (
            <li key={workflow.id} className="card">
              <div className="card-head">
                <Link to={paths.workflow(workflow.id)} className="card-title">
                  {workflow.id}
                </Link>
                <span className="meta">v{workflow.version}</span>
              </div>
              <p>{workflow.instruction}</p>
              <p className="meta">
                {workflow.steps.length} step{workflow.steps.length === 1 ? '' : 's'} ·{' '}
                {workflow.integrationIds.join(', ')} · {formatDateTime(workflow.createdAt)}
              </p>
            </li>
          ))}
        </ul>
      ) : null}
      <BuildWorkflowForm />
    </div>
  );
}
