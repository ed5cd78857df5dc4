import { createCallerFactory, router } from '../trpc';
import { apiKeysRouter } from './api-keys';
import { auditRouter } from './audit';
import { healthRouter } from './health';
import { systemRouter } from './system';
import { tenantRouter } from './tenant';

export const appRouter = router({
  health: healthRouter,
  tenant: tenantRouter,
  apiKeys: apiKeysRouter,
  audit: auditRouter,
  system: systemRouter,
});

/** The API's type: the typed client and the web console infer everything from it. */
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
