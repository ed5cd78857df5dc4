export {
  IntegrationNotFoundError,
  type ResolveDeps,
  type ResolveInput,
  resolveRequest,
} from './resolve';
export {
  destroyRunKey,
  openRuntimeCredentials,
  RunKeyGoneError,
  type RuntimeCredentialDeps,
  sealRuntimeCredentials,
} from './runtime-credentials';
