export { type CreateDbOptions, createDb, type Db, type DbExecutor } from './client';
export { databaseEnv, readDatabaseUrl } from './env';
export {
  databaseReadiness,
  MigrationError,
  type MigrationState,
  migrateToLatest,
  migrationState,
  migrationsCurrent,
} from './migrate';
export { PLATFORM_TENANT_ID } from './migrations/2026_11_25_0002_platform_tenant';
export { executePrepared } from './prepared';
export * from './repositories/api-keys';
export * from './repositories/audit';
export * from './repositories/connect-links';
export * from './repositories/connections';
export * from './repositories/integrations';
export * from './repositories/oauth-states';
export * from './repositories/runs';
export * from './repositories/tenants';
export * from './repositories/workflows';
export {
  createRunFinishedFeed,
  type RunFinishedFeed,
  type RunFinishedFeedOptions,
  type RunWatch,
} from './run-finished-feed';
export * from './schema';
