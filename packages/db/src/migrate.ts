import { type Kysely, type MigrationResultSet, Migrator, sql } from 'kysely';
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

export interface MigrationState {
  /** The latest migration this code knows: the version the schema must be at. */
  expected: string;
  /** The latest migration the database has run (null on an empty database). */
  applied: string | null;
  /** Known to the code, not yet run. */
  pending: string[];
  /** Run on the database, unknown to this code (a newer release migrated it). */
  unknown: string[];
}

/** Where the schema stands against this code's migrations; reads only, takes no lock. */
export async function migrationState<T>(db: Kysely<T>): Promise<MigrationState> {
  const known = Object.keys(migrations).sort();
  const table = await sql<{ found: string | null }>`
    select to_regclass('kysely_migration')::text as found
  `.execute(db);
  const rows = table.rows[0]?.found
    ? (await sql<{ name: string }>`select name from kysely_migration`.execute(db)).rows
    : [];
  const ran = new Set(rows.map((r) => r.name));
  const applied = [...ran].sort().at(-1) ?? null;
  return {
    expected: known.at(-1) ?? '',
    applied,
    pending: known.filter((name) => !ran.has(name)),
    unknown: [...ran].filter((name) => !known.includes(name)).sort(),
  };
}

/** Ready to serve: every known migration has run and none newer than this code. */
export function migrationsCurrent(state: MigrationState): 'ok' | 'behind' | 'ahead' {
  if (state.pending.length > 0) return 'behind';
  if (state.unknown.length > 0) return 'ahead';
  return 'ok';
}

/** The database's readiness checks for `/readyz`: it answers, and its schema is this code's. */
export function databaseReadiness<T>(db: Kysely<T>) {
  return {
    database: async () => {
      await sql`select 1`.execute(db);
      return 'ok' as const;
    },
    migrations: async () => migrationsCurrent(await migrationState(db)),
  };
}
