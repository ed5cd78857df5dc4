export { bearerToken } from './auth/api-key-secret';
export {
  type AuthResult,
  authenticateApiKey,
  authenticateApiKeyId,
  type Caller,
  hasScope,
} from './auth/authenticate';
export { keyPrefixOf, refused } from './auth/door';
export { clientAddress } from './limits/client-address';
export { DEFAULT_DOOR_LIMITS, type DoorLimits, MAX_PAGE_SIZE } from './limits/config';
export { createRateLimits, type RateLimits } from './limits/rate-limits';
export { type AppRouter, appRouter } from './router/root';
export {
  CONNECT_LINK_PATH,
  describeConnectLink,
  followConnectLink,
  readConnectLink,
} from './services/connect-links';
export { upsertIntegration } from './services/integrations';
export {
  ConnectError,
  callbackUrlOf,
  completeConnect,
  describeAuthorizeLink,
  hashBrowserSecret,
  OAUTH_START_PATH,
  openAuthorizeLink,
  startConnect,
} from './services/oauth';
export { createApiKey, createTenant } from './services/tenants';
export {
  type ApiDeps,
  type Context,
  createContextFactory,
  doorResponseHeaders,
} from './trpc';
export { integrationUpsertSchema } from './validation/integration-input';
