import { randomBytes } from 'node:crypto';
import {
  createDb,
  type Db,
  migrateAtStart,
  migrateToLatest,
  pendingMigrations,
} from '@latchkey/db';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureOwnedDatabase, migrateAsOwner, roleUrl } from '../src/db-roles';
import { dropDatabase, ensureDatabase, withDatabase } from '../src/postgres';
import { createTestDatabase, type TestDatabase, testServices } from '../src/test-db';

/** The SQLSTATE of what `run` throws (42501: insufficient privilege). */
async function refusal(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    return String((error as { code?: unknown }).code);
  }
  throw new Error('expected PostgreSQL to refuse');
}

describe('least-privilege database roles (issue 15)', () => {
  let testDb: TestDatabase;
  let app: Db;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    app = testDb.db;
  });
  afterAll(async () => {
    await testDb?.destroy();
  });

  it('tests, like the api and the worker, connect as the application role', async () => {
    const { dbRoles } = testServices();
    const me = await sql<{
      rolname: string;
      rolsuper: boolean;
      rolcreaterole: boolean;
      rolcreatedb: boolean;
      rolbypassrls: boolean;
    }>`select rolname, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls
         from pg_roles where rolname = current_user`.execute(app);
    expect(me.rows).toEqual([
      {
        rolname: dbRoles.app.name,
        rolsuper: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolbypassrls: false,
      },
    ]);
    const owned = await sql<{ n: number }>`
      select count(*)::int as n from pg_class where relowner = (select oid from pg_roles where rolname = current_user)`.execute(
      app,
    );
    expect(owned.rows[0]?.n).toBe(0);
  });

  it('the application role cannot read pg_authid (password hashes)', async () => {
    expect(await refusal(() => sql`select rolpassword from pg_authid`.execute(app))).toBe('42501');
  });

  it('the application role cannot run COPY ... TO PROGRAM nor read server files', async () => {
    expect(await refusal(() => sql`copy (select 1) to program 'id'`.execute(app))).toBe('42501');
    expect(await refusal(() => sql`select pg_read_file('/etc/passwd')`.execute(app))).toBe('42501');
    expect(await refusal(() => sql`copy tenants from '/etc/passwd'`.execute(app))).toBe('42501');
  });

  it('the application role cannot create roles, databases or tables, nor alter the schema', async () => {
    expect(await refusal(() => sql`create role intruder login superuser`.execute(app))).toBe(
      '42501',
    );
    expect(await refusal(() => sql`create database intruder`.execute(app))).toBe('42501');
    expect(await refusal(() => sql`create table intruder (id int)`.execute(app))).toBe('42501');
    expect(await refusal(() => sql`alter table tenants add column x int`.execute(app))).toBe(
      '42501',
    );
    expect(await refusal(() => sql`drop table audit_events`.execute(app))).toBe('42501');
  });

  it('it holds only the rights it uses: audit events append-only, migrations read-only', async () => {
    await app.insertInto('tenants').values({ name: 'roles-acme' }).execute();
    expect(await refusal(() => sql`update audit_events set action = 'forged'`.execute(app))).toBe(
      '42501',
    );
    expect(await refusal(() => sql`delete from audit_events`.execute(app))).toBe('42501');
    expect(await refusal(() => sql`truncate tenants`.execute(app))).toBe('42501');
    expect(await refusal(() => sql`delete from kysely_migration`.execute(app))).toBe('42501');
    // Reading the migration table is allowed: a process checks the schema is up to date.
    expect(await pendingMigrations(app)).toEqual([]);
    expect(await migrateAtStart(app)).toEqual([]);
  });

  it('a table a later migration creates needs nothing extra (default privileges)', async () => {
    await testDb.asOwner((owner) =>
      sql`create table later_feature (id bigserial primary key, note text)`.execute(owner),
    );
    await sql`insert into later_feature (note) values ('works')`.execute(app);
    const rows = await sql<{ note: string }>`select note from later_feature`.execute(app);
    expect(rows.rows).toEqual([{ note: 'works' }]);
  });

  it('the owner role migrates but is no superuser either', async () => {
    const owner = createDb({ connectionString: testDb.ownerUrl, max: 1 });
    try {
      expect(await refusal(() => sql`select rolpassword from pg_authid`.execute(owner))).toBe(
        '42501',
      );
      expect(await refusal(() => sql`copy (select 1) to program 'id'`.execute(owner))).toBe(
        '42501',
      );
      expect(await refusal(() => sql`create role intruder`.execute(owner))).toBe('42501');
    } finally {
      await owner.destroy();
    }
  });

  it('an existing `pnpm dev` database, migrated by the superuser, moves to the owner role', async () => {
    const { pgAdminUrl, dbRoles } = testServices();
    const name = `latchkey_legacy_${randomBytes(4).toString('hex')}`;
    await ensureDatabase(pgAdminUrl, name);
    try {
      const legacy = createDb({ connectionString: withDatabase(pgAdminUrl, name), max: 1 });
      await migrateToLatest(legacy).finally(() => legacy.destroy());
      await ensureOwnedDatabase(pgAdminUrl, name, dbRoles);
      expect(await migrateAsOwner(roleUrl(pgAdminUrl, name, dbRoles.owner), dbRoles)).toEqual([]);
      const moved = createDb({ connectionString: roleUrl(pgAdminUrl, name, dbRoles.app), max: 1 });
      try {
        await moved.insertInto('tenants').values({ name: 'moved-over' }).execute();
        expect(await refusal(() => sql`delete from audit_events`.execute(moved))).toBe('42501');
        const foreign = await sql<{ n: number }>`
          select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'public' and c.relkind in ('r', 'S')
             and pg_get_userbyid(c.relowner) <> ${dbRoles.owner.name}`.execute(moved);
        expect(foreign.rows[0]?.n).toBe(0);
      } finally {
        await moved.destroy();
      }
    } finally {
      await dropDatabase(pgAdminUrl, name);
    }
  });

  it('an application role facing pending migrations refuses to start, saying what to do', async () => {
    const { pgAdminUrl, dbRoles } = testServices();
    const name = `latchkey_empty_${randomBytes(4).toString('hex')}`;
    await ensureDatabase(pgAdminUrl, name);
    const empty = createDb({ connectionString: roleUrl(pgAdminUrl, name, dbRoles.app), max: 1 });
    try {
      await expect(migrateAtStart(empty)).rejects.toThrow(/DATABASE_OWNER_URL/);
    } finally {
      await empty.destroy();
      await dropDatabase(pgAdminUrl, name);
    }
  });
});
