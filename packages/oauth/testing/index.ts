export type { InteractionOptions } from './browser';
export type {
  AccessTokenInfo,
  FailureOptions,
  TestAuthorizationServer,
  TestAuthorizationServerOptions,
  TestClient,
  TestGrantType,
} from './server';
export { startTestAuthorizationServer } from './server';
