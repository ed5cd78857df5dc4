import { useQuery } from '@tanstack/react-query';
import { queries } from '../api/queries';
import type { Connection, Integration } from '../api/types';
import { HealthSummary, useCredentialTest } from '../integrations/CredentialTest';
import { EmptyState, ErrorMessage, Loading } from '../ui/feedback';
import { formatDateTime, formatRelative } from '../ui/format';
import { StatusBadge } from '../ui/StatusBadge';
import { ConnectForm } from './ConnectForm';
import { ConnectLinkForm } from './ConnectLinkForm';
import { useStartConnect } from './useStartConnect';

/** Statuses a new authorization fixes. */
const NEEDS_RECONNECT: Connection['status'][] = ['needs_reauth', 'insufficient_scope', 'error'];

/** The end users' connections under one integration, and the ways to add one. */
export function ConnectionsPanel({ integration }: { integration: Integration }) {
  const connections = useQuery(queries.connections(integration.id));
  const reconnect = useStartConnect(integration.id);
  const test = useCredentialTest(integration.id);
  const usesOAuth = integration.oauth !== null;

  return (
    <section aria-labelledby="connections-heading" className="stack">
      <h2 id="connections-heading">Connections</h2>
      <ErrorMessage error={connections.error ?? reconnect.error ?? test.error} />
      {connections.isPending ? <Loading what="connections" /> : null}
      {connections.data?.length === 0 ? (
        <EmptyState title="No one is connected yet.">
          <p>
            {usesOAuth
              ? 'Connect an account here, or send an end user a connect link.'
              : 'Connections hold per-user keys; create them with connections.upsert from your application.'}
          </p>
        </EmptyState>
      ) : null}
      {connections.data?.length ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Connections of {integration.name}</caption>
            <thead>
              <tr>
                <th scope="col">End user</th>
                <th scope="col">Status</th>
                <th scope="col">Scopes</th>
                <th scope="col">Token expires</th>
                <th scope="col">Last error</th>
                <th scope="col">Credential test</th>
                {usesOAuth ? <th scope="col">Action</th> : null}
              </tr>
            </thead>
            <tbody>
              {connections.data.map((connection) => (
                <tr key={connection.id} data-user={connection.userId ?? ''}>
                  <td>{connection.userId ?? 'the integration itself'}</td>
                  <td>
                    <StatusBadge status={connection.status} />
                    {connection.warnings.map((warning) => (
                      <p key={warning} className="meta">
                        {warning}
                      </p>
                    ))}
                  </td>
                  <td>{connection.grantedScopes.join(' ') || '—'}</td>
                  <td title={formatDateTime(connection.expiresAt)}>
                    {connection.expiresAt
                      ? formatRelative(connection.expiresAt)
                      : 'does not expire'}
                    {connection.refreshes ? ' (refreshed automatically)' : ''}
                  </td>
                  <td>{connection.lastError ?? '—'}</td>
                  <td>
                    <HealthSummary health={connection.health} />{' '}
                    <button
                      type="button"
                      className="button-quiet"
                      disabled={test.isPending}
                      aria-label={`Test ${connection.userId ?? 'the integration'}`}
                      onClick={() => test.mutate(connection.userId ?? undefined)}
                    >
                      Test
                    </button>
                  </td>
                  {usesOAuth ? (
                    <td>
                      {NEEDS_RECONNECT.includes(connection.status) ? (
                        <button
                          type="button"
                          className="button-secondary"
                          disabled={reconnect.isPending}
                          aria-label={`Reconnect ${connection.userId ?? 'the integration'}`}
                          onClick={() => reconnect.mutate(connection.userId ?? undefined)}
                        >
                          Reconnect
                        </button>
                      ) : (
                        '—'
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {usesOAuth ? (
        <div className="two-columns">
          <ConnectForm integrationId={integration.id} />
          <ConnectLinkForm integrationId={integration.id} />
        </div>
      ) : null}
    </section>
  );
}
