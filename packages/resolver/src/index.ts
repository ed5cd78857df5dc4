export {
  OAuthNotConfiguredError,
  oauthClientFor,
  requiredScopesOf,
} from './oauth-client';
export {
  DEFAULT_MARGIN_MS,
  ensureFreshToken,
  type FreshnessCheck,
  ReauthRequiredError,
  type RefreshDeps,
  RefreshUnavailableError,
} from './oauth-refresh';
export { isRefreshDue, refreshDueAt, refreshLeadMs, type TokenTimes } from './refresh-timing';
export {
  type CredentialsKey,
  IntegrationNotFoundError,
  loadRequestCredentials,
  mapLoadedRequest,
  type RequestCredentials,
  type RequestInput,
  type ResolveDeps,
  type ResolvedRequest,
  type ResolveInput,
  resolveRequest,
} from './resolve';
export {
  openRuntimeCredentials,
  RunKeyGoneError,
  type RuntimeCredentialDeps,
  sealRuntimeCredentials,
} from './runtime-credentials';
export { type Verification, verificationFor } from './verification';
export * from './webhook';
