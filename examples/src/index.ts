// Each documentation sample, as a function the examples test runs against a real api.
export { database } from './database';
export { databasePerUser } from './database-per-user';
export { oneIntegrationPerUser, runtimePerUser, singleUser } from './multi-user';
export { oauthSetup } from './oauth-setup';
export { oauthTokens } from './oauth-tokens';
export { runtimeCredentials } from './runtime-credentials';
export { storedCredentials } from './stored-credentials';
export { SecureWorkflowExecutor, VaultService } from './vault-integration';
