import { router } from '../trpc';
import { apiKeysRouter } from './api-keys';
import { auditRouter } from './audit';
import { connectLinksRouter } from './connect-links';
import { connectionsRouter } from './connections';
import { eventsRouter } from './events';
import { healthRouter } from './health';
import { integrationsRouter } from './integrations';
import { oauthRouter } from './oauth';
import { runsRouter } from './runs';
import { systemRouter } from './system';
import { tenantRouter } from './tenant';
import { webhooksRouter } from './webhooks';
import { workflowsRouter } from './workflows';

export const appRouter = router({
  health: healthRouter,
  tenant: tenantRouter,
  apiKeys: apiKeysRouter,
  integrations: integrationsRouter,
  connections: connectionsRouter,
  oauth: oauthRouter,
  connectLinks: connectLinksRouter,
  workflows: workflowsRouter,
  runs: runsRouter,
  audit: auditRouter,
  webhooks: webhooksRouter,
  events: eventsRouter,
  system: systemRouter,
});

/** The API's type: the typed client and the web console infer everything from it. */
export type AppRouter = typeof appRouter;
