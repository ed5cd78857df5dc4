import { type Kysely, sql } from 'kysely';

/**
 * Least privilege. Invariants:
 * - migrations run as an owner role, which owns the schema's tables and nothing else of note;
 * - the api and the worker connect as an application role that owns nothing and holds only
 *   the table rights they use: SELECT, INSERT, UPDATE, DELETE on the platform's tables (audit
 *   events: SELECT and INSERT only; the migration bookkeeping: SELECT only), never superuser,
 *   CREATEROLE, CREATEDB, or file and program access;
 * - default privileges of the owner role grant the same on tables later migrations create, so
 *   a new migration needs nothing extra.
 * `grantApplicationRole` runs as the owner, after migrating; it is idempotent. The roles
 * themselves are made by whoever administers the server (`pnpm dev` and the test setup do it
 * for their own PostgreSQL; the README shows the SQL for any other).
 */
export async function grantApplicationRole(
  // biome-ignore lint/suspicious/noExplicitAny: grants touch tables outside the typed schema
  db: Kysely<any>,
  appRole: string,
): Promise<void> {
  const app = sql.id(appRole);
  await db.connection().execute(async (conn) => {
    for (const statement of [
      sql`grant usage on schema public to ${app}`,
      sql`grant select, insert, update, delete on all tables in schema public to ${app}`,
      sql`grant usage, select on all sequences in schema public to ${app}`,
      sql`alter default privileges in schema public grant select, insert, update, delete on tables to ${app}`,
      sql`alter default privileges in schema public grant usage, select on sequences to ${app}`,
      sql`revoke update, delete, truncate on audit_events from ${app}`,
      sql`revoke insert, update, delete, truncate on kysely_migration, kysely_migration_lock from ${app}`,
    ]) {
      await statement.execute(conn);
    }
  });
}
