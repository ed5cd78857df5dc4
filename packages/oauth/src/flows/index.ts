export type { AuthorizationStart } from './authorize';
export { startAuthorization } from './authorize';
export type { ConfigOverrides, OAuthClientConfig } from './config';
export { configFromTemplate, parseScopes } from './config';
export type { OAuthFlowErrorInit, OAuthFlowErrorKind } from './errors';
export { OAuthFlowError, parseRetryAfter } from './errors';
export { scopesMissing } from './scopes';
export type { TokenSet } from './token-set';
export { clientCredentials, exchangeCode, refreshTokens, revokeToken } from './tokens';
