import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import {
  type EmbeddedServerOptions,
  initialiseCluster,
  packagedPostgresDir,
  startServer,
} from './embedded-postgres';
import { freePort } from './ports';
import { DEFAULT_SHARED_DIR, isRoot, placesFor, postgresUser } from './postgres-user';

export { EmbeddedPostgresError } from './embedded-postgres';

export interface RunningPostgres {
  /** Admin URL of the server's `postgres` database. */
  url: string;
  embedded: boolean;
  dataDir?: string;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Use this server instead of starting one (DATABASE_URL). */
  databaseUrl?: string;
  /** Where the embedded server keeps its data; kept across restarts when persistent. */
  dataDir: string;
  persistent: boolean;
  port?: number;
  /** The PostgreSQL build to run (`bin/`, `lib/`, `share/`); default the embedded-postgres one. */
  installDir?: string;
  /** As root: where binaries and data the `postgres` user cannot reach are placed. */
  sharedDir?: string;
  /** Things worth telling a person: a user created, binaries copied, data placed elsewhere. */
  log?: (line: string) => void;
}

const EMBEDDED_USER = 'postgres';
const EMBEDDED_PASSWORD = 'latchkey';

/**
 * Returns a running PostgreSQL: the one DATABASE_URL names, or an embedded server running the
 * binaries of the `embedded-postgres` package. As root it runs as the `postgres` user (created
 * if missing), with binaries and data it can reach (see postgres-user.ts).
 */
export async function startPostgres(options: StartPostgresOptions): Promise<RunningPostgres> {
  if (options.databaseUrl) {
    await waitForPostgres(options.databaseUrl);
    return { url: options.databaseUrl, embedded: false, stop: async () => {} };
  }
  const log = options.log ?? (() => {});
  const wanted = {
    installDir: options.installDir ?? (await packagedPostgresDir()),
    dataDir: path.resolve(options.dataDir),
  };
  const runAs = isRoot() ? await postgresUser(log) : undefined;
  let places = wanted;
  if (runAs) {
    places = await placesFor(runAs, wanted, options.sharedDir ?? DEFAULT_SHARED_DIR, log);
  } else {
    await mkdir(path.dirname(wanted.dataDir), { recursive: true });
  }
  const server: EmbeddedServerOptions = {
    ...places,
    port: options.port ?? (await freePort()),
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    runAs,
  };
  const removeData = async () => {
    if (!options.persistent) await rm(places.dataDir, { recursive: true, force: true });
  };
  await initialiseCluster(server).catch(async (error: unknown) => {
    await removeData();
    throw error;
  });
  const running = startServer(server);
  const stop = async () => {
    await running.stop();
    await removeData();
  };
  const url = `postgresql://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${server.port}/postgres`;
  let failed = false;
  try {
    await Promise.race([waitForPostgres(url, () => failed), running.exited]);
  } catch (error) {
    failed = true;
    await stop();
    throw error;
  }
  return { url, embedded: true, dataDir: places.dataDir, stop };
}

/** Polls until the server answers; gives up at the deadline, or quietly once `gaveUp()`. */
async function waitForPostgres(url: string, gaveUp = () => false, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!gaveUp()) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`PostgreSQL at ${redactUrl(url)} did not answer within ${timeoutMs} ms`, {
          cause: error,
        });
      }
      await new Promise((r) => setTimeout(r, 250));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/** Same URL with a different database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A URL safe to print: the password is replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}

/** Creates a database if it does not exist (CREATE DATABASE has no IF NOT EXISTS). */
export async function ensureDatabase(adminUrl: string, name: string, template?: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return;
    const from = template ? ` template ${pg.escapeIdentifier(template)}` : '';
    await client.query(`create database ${pg.escapeIdentifier(name)}${from}`);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(adminUrl: string, name: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
  } finally {
    await client.end();
  }
}
