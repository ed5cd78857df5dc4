import { useEffect } from 'react';
import { EventsPage } from './events/EventsPage';
import { AddIntegrationPage } from './integrations/AddIntegrationPage';
import { IntegrationPage } from './integrations/IntegrationPage';
import { IntegrationsPage } from './integrations/IntegrationsPage';
import { paths } from './paths';
import { Link, matchPath, navigate, useLocation } from './router';
import { RunPage } from './runs/RunPage';
import { RunsPage } from './runs/RunsPage';
import { EmptyState } from './ui/feedback';
import { WorkflowPage } from './workflows/WorkflowPage';
import { WorkflowsPage } from './workflows/WorkflowsPage';

export function Routes() {
  const { pathname } = useLocation();
  useEffect(() => {
    if (pathname === '/') navigate(paths.integrations, { replace: true });
  }, [pathname]);

  if (pathname === '/' || matchPath(paths.integrations, pathname)) return <IntegrationsPage />;
  if (matchPath(paths.addIntegration, pathname)) return <AddIntegrationPage />;
  const integration = matchPath('/integrations/:id', pathname);
  if (integration?.id) return <IntegrationPage id={integration.id} key={integration.id} />;
  if (matchPath(paths.workflows, pathname)) return <WorkflowsPage />;
  const workflow = matchPath('/workflows/:id', pathname);
  if (workflow?.id) return <WorkflowPage id={workflow.id} key={workflow.id} />;
  if (matchPath(paths.runs, pathname)) return <RunsPage />;
  if (matchPath(paths.events, pathname)) return <EventsPage />;
  const run = matchPath('/runs/:id', pathname);
  if (run?.id) return <RunPage runId={run.id} key={run.id} />;
  return (
    <EmptyState title="This page does not exist.">
      <Link to={paths.integrations}>Go to integrations</Link>
    </EmptyState>
  );
}
