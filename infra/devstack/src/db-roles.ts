import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createDb, grantApplicationRole, migrateToLatest } from '@latchkey/db';
import pg from 'pg';
import { withDatabase } from './postgres';

/**
 * The two database roles of a PostgreSQL we administer (`pnpm dev`'s embedded server, the test
 * run's): an owner that migrates and an application role for the api and the worker (see
 * packages/db/src/roles.ts for what each may do). Passwords are random; `pnpm dev` keeps them in
 * `.latchkey/db-roles.json` (0600).
 */
export interface DbRole {
  name: string;
  password: string;
}

export interface DbRoles {
  owner: DbRole;
  app: DbRole;
}

const randomPassword = () => randomBytes(24).toString('base64url');

export function newRoles(suffix = ''): DbRoles {
  return {
    owner: { name: `latchkey_owner${suffix}`, password: randomPassword() },
    app: { name: `latchkey_app${suffix}`, password: randomPassword() },
  };
}

/** The roles kept in `file`, made (and written 0600) on first use. */
export async function localRoles(file: string): Promise<{ roles: DbRoles; created: boolean }> {
  if (existsSync(file)) return { roles: JSON.parse(readFileSync(file, 'utf8')), created: false };
  const roles = newRoles();
  await writeFile(file, `${JSON.stringify(roles, null, 2)}\n`, { mode: 0o600 });
  return { roles, created: true };
}

/** `url` with another database and the role's name and password. */
export function roleUrl(url: string, database: string, role: DbRole): string {
  const parsed = new URL(withDatabase(url, database));
  parsed.username = encodeURIComponent(role.name);
  parsed.password = encodeURIComponent(role.password);
  return parsed.toString();
}

async function asAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates both roles, or resets their passwords and attributes to what they must be. */
export async function ensureRoles(adminUrl: string, roles: DbRoles): Promise<void> {
  await asAdmin(adminUrl, async (client) => {
    for (const role of [roles.owner, roles.app]) {
      const found = await client.query('select 1 from pg_roles where rolname = $1', [role.name]);
      const verb = found.rowCount ? 'alter' : 'create';
      await client.query(
        `${verb} role ${pg.escapeIdentifier(role.name)} login password ${pg.escapeLiteral(role.password)} ` +
          'nosuperuser nocreatedb nocreaterole noreplication nobypassrls',
      );
    }
  });
}

/**
 * Makes `database` the owner role's (created if missing): the database, and every table,
 * sequence and function in its public schema that an earlier setup left to another role, so an
 * existing `pnpm dev` database moves over. Only the owner and the app role may connect.
 */
export async function ensureOwnedDatabase(
  adminUrl: string,
  database: string,
  roles: DbRoles,
): Promise<void> {
  const owner = pg.escapeIdentifier(roles.owner.name);
  const db = pg.escapeIdentifier(database);
  await asAdmin(adminUrl, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!found.rowCount) await client.query(`create database ${db} owner ${owner}`);
    else await client.query(`alter database ${db} owner to ${owner}`);
    await client.query(`revoke all on database ${db} from public`);
    await client.query(
      `grant connect on database ${db} to ${owner}, ${pg.escapeIdentifier(roles.app.name)}`,
    );
  });
  await asAdmin(withDatabase(adminUrl, database), async (client) => {
    await client.query(`alter schema public owner to ${owner}`);
    const objects = await client.query<{ kind: string; name: string }>(
      `select case c.relkind when 'S' then 'sequence' when 'v' then 'view' else 'table' end as kind,
              format('%I.%I', n.nspname, c.relname) as name
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'S')
          and c.relowner <> (select oid from pg_roles where rolname = $1)
          and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'a')
       union all
       select 'function', p.oid::regprocedure::text
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public' and p.proowner <> (select oid from pg_roles where rolname = $1)`,
      [roles.owner.name],
    );
    for (const { kind, name } of objects.rows) {
      await client.query(`alter ${kind} ${name} owner to ${owner}`);
    }
  });
}

/** Migrates as the owner, then grants the application role its table rights. */
export async function migrateAsOwner(ownerUrl: string, roles: DbRoles): Promise<string[]> {
  const db = createDb({ connectionString: ownerUrl, max: 1 });
  try {
    const ran = await migrateToLatest(db);
    await grantApplicationRole(db, roles.app.name);
    return ran;
  } finally {
    await db.destroy();
  }
}

/** Drops roles made for one test run (after its databases are gone); errors are ignored. */
export async function dropRoles(adminUrl: string, roles: DbRoles): Promise<void> {
  await asAdmin(adminUrl, async (client) => {
    for (const role of [roles.app, roles.owner]) {
      await client.query(`drop role if exists ${pg.escapeIdentifier(role.name)}`).catch(() => {});
    }
  });
}
