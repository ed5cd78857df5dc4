import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { queries } from '../api/queries';
import { ConnectionsPanel } from '../connections/ConnectionsPanel';
import {
  describeConnectError,
  type OAuthReturn,
  readOAuthReturn,
} from '../connections/oauth-return';
import { paths } from '../paths';
import { Link, navigate, useLocation } from '../router';
import { ErrorMessage, Loading, Notice } from '../ui/feedback';
import { CredentialTest } from './CredentialTest';
import { DeleteIntegration } from './DeleteIntegration';
import { IntegrationForm } from './IntegrationForm';

type PageNotice = { kind: 'saved' } | OAuthReturn;

function NoticeFor({ notice }: { notice: PageNotice }) {
  switch (notice.kind) {
    case 'saved':
      return (
        <Notice tone="ok">Saved. Credentials are shown only as masked hints from now on.</Notice>
      );
    case 'connected':
      return (
        <Notice tone={notice.status === 'active' ? 'ok' : 'warn'}>
          Connected <strong>{notice.userId}</strong>: {notice.status.replace(/_/g, ' ')}.
        </Notice>
      );
    case 'failed':
      return <Notice tone="warn">Connecting failed: {describeConnectError(notice.error)}.</Notice>;
  }
}

export function IntegrationPage({ id }: { id: string }) {
  const integration = useQuery(queries.integration(id));
  const { search } = useLocation();
  // Read once: `?saved=1` after creating, or what the OAuth callback reported.
  const [notice, setNotice] = useState<PageNotice | null>(() =>
    search.get('saved') ? { kind: 'saved' } : readOAuthReturn(search),
  );
  useEffect(() => {
    if (window.location.search) navigate(paths.integration(id), { replace: true });
  }, [id]);

  const data = integration.data;
  return (
    <div className="stack">
      <p className="crumbs">
        <Link to={paths.integrations}>Integrations</Link> /
      </p>
      <h1>{data?.name ?? id}</h1>
      {notice ? <NoticeFor notice={notice} /> : null}
      <ErrorMessage error={integration.error} />
      {integration.isPending ? <Loading what="the integration" /> : null}
      {data ? (
        <>
          <p className="meta">
            <code>{data.id}</code>
            {data.templateId ? ` · from the ${data.templateId} template` : ''} · version{' '}
            {data.version}
          </p>
          <CredentialTest integration={data} />
          <ConnectionsPanel integration={data} />
          <section aria-labelledby="settings-heading" className="stack">
            <h2 id="settings-heading">Settings</h2>
            <IntegrationForm
              key={data.version}
              origin={{ kind: 'existing', integration: data }}
              onSaved={() => setNotice({ kind: 'saved' })}
            />
          </section>
          <DeleteIntegration integration={data} />
        </>
      ) : null}
    </div>
  );
}
