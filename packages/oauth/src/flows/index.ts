export type { AuthorizationStart } from './authorize';
export { startAuthorization } from './authorize';
export type { ConfigOverrides, OAuthClientConfig } from './config';
export { configFromTemplate, grantedScopesOf, parseScopes } from './config';
export type { OAuthFlowErrorInit, OAuthFlowErrorKind } from './errors';
export { OAuthFlowError } from './errors';
export {
  asksOfflineAccess,
  NON_PERMISSION_SCOPES,
  permissionScopes,
  scopesMissing,
} from './scopes';
export type { TokenSet } from './token-set';
export { clientCredentials, exchangeCode, refreshTokens, revokeToken } from './tokens';
