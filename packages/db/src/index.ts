export { type CreateDbOptions, createDb, type Db } from './client';
export { readDatabaseUrl } from './env';
export { MigrationError, migrateToLatest } from './migrate';
export * from './repositories/api-keys';
export * from './repositories/audit';
export * from './repositories/tenants';
export * from './schema';
