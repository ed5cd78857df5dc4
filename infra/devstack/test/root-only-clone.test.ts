import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, readlink, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagedPostgresDir } from '../src/embedded-postgres';
import { EmbeddedPostgresError, startPostgres } from '../src/postgres';
import { canRun, isRoot, type PostgresUser, postgresUser } from '../src/postgres-user';

const NEEDS_ROOT = 'needs root: only root runs the embedded server as the postgres user';

async function query<T>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * A clone under a directory only root can enter (`/root/x`): its node_modules and `.latchkey`
 * are out of the `postgres` user's reach. Here the PostgreSQL build is copied into such a
 * directory (0700) and started from there through `startPostgres`, as `pnpm dev` does.
 */
describe('the embedded PostgreSQL started from a directory only root can enter', () => {
  let rootOnly: string;
  let sharedDir: string;
  let installDir: string;
  let user: PostgresUser;
  const notes: string[] = [];
  const log = (line: string) => notes.push(line);

  beforeAll(async () => {
    if (!isRoot()) return;
    user = await postgresUser(log);
    rootOnly = await mkdtemp(path.join(os.tmpdir(), 'latchkey-root-only-'));
    await chmod(rootOnly, 0o700);
    installDir = path.join(rootOnly, 'clone', 'node_modules', 'postgres');
    await cp(await packagedPostgresDir(), installDir, { recursive: true });
    sharedDir = await mkdtemp(path.join(os.tmpdir(), 'latchkey-shared-'));
    await chmod(sharedDir, 0o755);
  }, 120_000);

  afterAll(async () => {
    for (const dir of [rootOnly, sharedDir]) {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  });

  it('copies the binaries and places the data where postgres reaches them, then reuses both', async (ctx) => {
    ctx.skip(!isRoot(), NEEDS_ROOT);
    // The situation of the issue: as they are, the postgres user cannot run these binaries.
    expect(canRun(user, installDir)).toBe(false);
    const dataDir = path.join(rootOnly, 'clone', '.latchkey', 'postgres');
    const options = { installDir, dataDir, sharedDir, persistent: true, log };

    const first = await startPostgres(options);
    try {
      const [row] = await query<{ answer: number; data: string }>(
        first.url,
        `select 42 as answer, current_setting('data_directory') as data`,
      );
      expect(row?.answer).toBe(42);
      expect(first.dataDir).toBe(row?.data);
      expect(row?.data.startsWith(path.join(sharedDir, 'data') + path.sep)).toBe(true);
      // The server runs the copy, as the postgres user.
      const [pid] = (
        await readFile(path.join(first.dataDir ?? '', 'postmaster.pid'), 'utf8')
      ).split('\n');
      const exe = await readlink(`/proc/${pid}/exe`);
      expect(exe.startsWith(path.join(sharedDir, 'postgres-'))).toBe(true);
      expect((await stat(`/proc/${pid}`)).uid).toBe(user.uid);
      await query(first.url, 'create table kept (id int)');
    } finally {
      await first.stop();
    }
    expect(notes.join('\n')).toContain('copying the PostgreSQL binaries');
    expect(notes.join('\n')).toContain(`cannot reach ${dataDir}`);

    notes.length = 0;
    const again = await startPostgres(options);
    try {
      expect(again.dataDir).toBe(first.dataDir);
      const tables = await query<{ name: string }>(
        again.url,
        `select tablename as name from pg_tables where tablename = 'kept'`,
      );
      expect(tables).toEqual([{ name: 'kept' }]);
    } finally {
      await again.stop();
    }
    expect(notes.join('\n')).not.toContain('copying');
  }, 120_000);

  it('removes data it placed elsewhere when not persistent', async (ctx) => {
    ctx.skip(!isRoot(), NEEDS_ROOT);
    const dataDir = path.join(rootOnly, 'clone', 'tmp', 'pg');
    const server = await startPostgres({ installDir, dataDir, sharedDir, persistent: false, log });
    const placed = server.dataDir ?? '';
    expect(placed.startsWith(sharedDir)).toBe(true);
    expect(existsSync(path.join(placed, 'PG_VERSION'))).toBe(true);
    await server.stop();
    expect(existsSync(placed)).toBe(false);
  }, 120_000);

  it('refuses, with a message, a shared directory others could write to or postgres cannot enter', async (ctx) => {
    ctx.skip(!isRoot(), NEEDS_ROOT);
    const dataDir = path.join(rootOnly, 'clone', '.latchkey', 'other');
    const writable = path.join(sharedDir, 'open-to-all');
    await mkdir(writable);
    await chmod(writable, 0o777);
    const open = startPostgres({ installDir, dataDir, sharedDir: writable, persistent: false });
    await expect(open).rejects.toThrow(EmbeddedPostgresError);
    await expect(open).rejects.toThrow(/only root can write to(.|\n)*set DATABASE_URL/);

    const hidden = startPostgres({
      installDir,
      dataDir,
      sharedDir: path.join(rootOnly, 'shared'),
      persistent: false,
    });
    await expect(hidden).rejects.toThrow(/The postgres user cannot enter .*root-only/);
  });
});
