import { pathTo } from './router';

/**
 * Where each page lives. Adding an integration is `/add-integration` rather than
 * `/integrations/new`, because `new` is a valid integration id.
 */
export const paths = {
  integrations: '/integrations',
  integration: (id: string) => pathTo('integrations', id),
  addIntegration: '/add-integration',
  workflows: '/workflows',
  workflow: (id: string) => pathTo('workflows', id),
  runs: '/runs',
  run: (runId: string) => pathTo('runs', runId),
  events: '/events',
};
