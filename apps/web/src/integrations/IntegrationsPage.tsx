import { useQuery } from '@tanstack/react-query';
import { queries } from '../api/queries';
import { paths } from '../paths';
import { Link } from '../router';
import { EmptyState, ErrorMessage, Loading } from '../ui/feedback';
import { StatusBadge } from '../ui/StatusBadge';
import { integrationStatus } from './status';

export function IntegrationsPage() {
  const integrations = useQuery(queries.integrations());
  const connections = useQuery(queries.connections());

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Integrations</h1>
        <Link to={paths.addIntegration} className="button">
          Add integration
        </Link>
      </div>
      <ErrorMessage error={integrations.error ?? connections.error} />
      {integrations.isPending ? <Loading what="integrations" /> : null}
      {integrations.data?.length === 0 ? (
        <EmptyState title="No integrations yet.">
          <p>
            An integration is an API or database your workflows call, with its credentials.{' '}
            <Link to={paths.addIntegration}>Add the first one</Link>.
          </p>
        </EmptyState>
      ) : null}
      {integrations.data?.length ? (
        <ul className="card-list" aria-label="Integrations">
          {integrations.data.map((integration) => {
            const status = integrationStatus(integration, connections.data ?? []);
            return (
              <li key={integration.id} className="card">
                <div className="card-head">
                  <Link to={paths.integration(integration.id)} className="card-title">
                    {integration.name}
                  </Link>
                  <StatusBadge status={status.label} tone={status.tone} />
                </div>
                <p className="meta">
                  <code>{integration.id}</code>
                  {integration.templateId ? ` · template ${integration.templateId}` : ''}
                  {integration.oauth ? ' · OAuth' : ''}
                </p>
                <p className="meta url">
                  {integration.urlHost}
                  {integration.urlPath}
                </p>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
