export { type CreateDbOptions, createDb, type Db, type DbExecutor } from './client';
export { databaseEnv, readDatabaseOwnerUrl, readDatabaseUrl } from './env';
export {
  databaseReadiness,
  MigrationError,
  type MigrationState,
  migrateAtStart,
  migrateToLatest,
  migrationState,
  migrationsCurrent,
  pendingMigrations,
} from './migrate';
export { executePrepared } from './prepared';
export * from './repositories/api-keys';
export * from './repositories/audit';
export * from './repositories/connect-links';
export * from './repositories/connection-health';
export * from './repositories/connections';
export * from './repositories/events';
export * from './repositories/integrations';
export * from './repositories/oauth-states';
export * from './repositories/rate-limits';
export * from './repositories/refresh-leases';
export * from './repositories/runs';
export * from './repositories/tenant-webhooks';
export * from './repositories/tenants';
export * from './repositories/workflows';
export { grantApplicationRole } from './roles';
export {
  createRunFinishedFeed,
  type RunFinishedFeed,
  type RunFinishedFeedOptions,
  type RunWatch,
} from './run-finished-feed';
export * from './schema';
