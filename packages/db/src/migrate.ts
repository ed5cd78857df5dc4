import { type Kysely, type MigrationResultSet, Migrator } from 'kysely';
import { createDb } from './client';
import { migrations } from './migrations';

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/**
 * Brings the schema up to date. Kysely's Migrator takes a lock, so several processes
 * (api and worker starting together) can call this at once; already-run migrations are skipped.
 */
export async function migrateToLatest<T>(db: Kysely<T>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  const failed = result.results?.find((r) => r.status === 'Error');
  if (result.error || failed) {
    const name = failed?.migrationName ?? 'unknown';
    throw new MigrationError(`migration ${name} failed`, { cause: result.error });
  }
  return (result.results ?? []).map((r) => r.migrationName);
}

/** Migrations not yet run; reads only (an application role may call it). */
export async function pendingMigrations<T>(db: Kysely<T>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const all = await migrator.getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}

/**
 * What a process does with the schema at start: migrate as the owner role when its URL is given
 * (DATABASE_OWNER_URL), else with its own connection, and then only when something is pending,
 * since an application role can read the migration table but not migrate.
 */
export async function migrateAtStart<T>(db: Kysely<T>, ownerUrl?: string): Promise<string[]> {
  if (ownerUrl) {
    const owner = createDb({ connectionString: ownerUrl, max: 1 });
    try {
      return await migrateToLatest(owner);
    } finally {
      await owner.destroy();
    }
  }
  const pending = await pendingMigrations(db);
  if (pending.length === 0) return [];
  try {
    return await migrateToLatest(db);
  } catch (error) {
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    if (code !== '42501') throw error;
    throw new MigrationError(
      `migrations ${pending.join(', ')} are pending and this role may not run them: ` +
        'run pnpm db:migrate with DATABASE_OWNER_URL, or give the process DATABASE_OWNER_URL',
      { cause: error },
    );
  }
}
