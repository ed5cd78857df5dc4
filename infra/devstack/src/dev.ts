import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createDb, migrateToLatest } from '@latchkey/db';
import { stopChild } from './child-process';
import { ensureOwnedDatabase, ensureRoles, localRoles, migrateAsOwner, roleUrl } from './db-roles';
import { devDataDir, REPO_ROOT } from './dev-env';
import { redactUrl, startPostgres } from './postgres';
import { startTemporal } from './temporal';

/**
 * `pnpm dev`: PostgreSQL (embedded unless DATABASE_URL), Temporal with its UI (dev server
 * unless TEMPORAL_ADDRESS), migrations, then the api, the worker, the MCP server and the web
 * console's dev server. Ctrl-C stops it all.
 */
const env = process.env;
const dataDir = devDataDir(env);
await mkdir(dataDir, { recursive: true });
const say = (line: string) => process.stdout.write(`[dev] ${line}\n`);

const masterKeys =
  env.LATCHKEY_MASTER_KEYS ?? (await localMasterKeys(path.join(dataDir, 'master-keys')));

say(env.DATABASE_URL ? 'using PostgreSQL at DATABASE_URL' : 'starting embedded PostgreSQL');
const postgres = await startPostgres({
  databaseUrl: env.DATABASE_URL,
  dataDir: path.join(dataDir, 'postgres'),
  persistent: true,
  port: Number(env.LATCHKEY_PG_PORT ?? 54320),
  log: say,
}).catch(exitWith('PostgreSQL did not start'));
let databaseUrl = postgres.url;
// DATABASE_OWNER_URL beside DATABASE_URL: an external server with both roles (README).
let ownerUrl = env.DATABASE_OWNER_URL;
if (postgres.embedded) {
  // Least privilege: the owner role migrates, the api and worker run as the app role.
  const rolesFile = path.join(dataDir, 'db-roles.json');
  const { roles, created } = await localRoles(rolesFile);
  if (created) say(`created database roles with random passwords in ${rolesFile}`);
  await ensureRoles(postgres.url, roles);
  await ensureOwnedDatabase(postgres.url, 'latchkey', roles);
  databaseUrl = roleUrl(postgres.url, 'latchkey', roles.app);
  ownerUrl = roleUrl(postgres.url, 'latchkey', roles.owner);
  const migrated = await migrateAsOwner(ownerUrl, roles);
  say(migrated.length ? `migrated: ${migrated.join(', ')}` : 'database schema is up to date');
} else {
  const db = createDb({ connectionString: ownerUrl ?? databaseUrl, max: 1 });
  const migrated = await migrateToLatest(db).finally(() => db.destroy());
  say(migrated.length ? `migrated: ${migrated.join(', ')}` : 'database schema is up to date');
}

say(
  env.TEMPORAL_ADDRESS ? 'using Temporal at TEMPORAL_ADDRESS' : 'starting the Temporal dev server',
);
const apiPort = Number(env.PORT ?? 3000);
const temporal = await startTemporal({
  address: env.TEMPORAL_ADDRESS,
  namespace: env.TEMPORAL_NAMESPACE,
  dbFile: path.join(dataDir, 'temporal.db'),
  ui: true,
  port: Number(env.LATCHKEY_TEMPORAL_PORT ?? 7233),
  uiPort: Number(env.LATCHKEY_TEMPORAL_UI_PORT ?? 8233),
  // The UI decodes payloads through the api's codec endpoint (sign in at /codec/login).
  uiCodecEndpoint: `http://127.0.0.1:${apiPort}/codec`,
});

const webPort = Number(env.LATCHKEY_WEB_PORT ?? 5173);
const childEnv: NodeJS.ProcessEnv = {
  ...env,
  DATABASE_URL: databaseUrl,
  // Migrated above: the api and worker never hold the owner role's password.
  DATABASE_OWNER_URL: undefined,
  TEMPORAL_ADDRESS: temporal.address,
  TEMPORAL_NAMESPACE: temporal.namespace,
  LATCHKEY_MASTER_KEYS: masterKeys,
  PORT: String(apiPort),
  ...(temporal.uiUrl ? { LATCHKEY_TEMPORAL_UI_URL: temporal.uiUrl } : {}),
  LATCHKEY_TEMPORAL_UI_ORIGINS:
    env.LATCHKEY_TEMPORAL_UI_ORIGINS ??
    `http://127.0.0.1:${env.LATCHKEY_TEMPORAL_UI_PORT ?? 8233},http://localhost:${env.LATCHKEY_TEMPORAL_UI_PORT ?? 8233}`,
  // The console's dev server is the platform's own: connecting from it returns there.
  LATCHKEY_CONSOLE_ORIGINS:
    env.LATCHKEY_CONSOLE_ORIGINS ?? `http://127.0.0.1:${webPort},http://localhost:${webPort}`,
};
await writeFile(
  path.join(dataDir, 'dev.env'),
  [
    `DATABASE_URL=${databaseUrl}`,
    ...(ownerUrl ? [`DATABASE_OWNER_URL=${ownerUrl}`] : []),
    `TEMPORAL_ADDRESS=${temporal.address}`,
    `TEMPORAL_NAMESPACE=${temporal.namespace}`,
    `LATCHKEY_API_URL=http://127.0.0.1:${apiPort}`,
    '',
  ].join('\n'),
  { mode: 0o600 },
);

const mcpPort = Number(env.MCP_PORT ?? 3100);
const children = [
  startApp('api', [path.join(REPO_ROOT, 'apps/api/src/main.ts')]),
  startApp('worker', [path.join(REPO_ROOT, 'apps/worker/src/main.ts')]),
  // MCP over Streamable HTTP (for assistants, e.g. through mcp-remote), in front of the api.
  startApp('mcp', [path.join(REPO_ROOT, 'apps/mcp/src/main.ts')], {
    env: { LATCHKEY_API_URL: `http://127.0.0.1:${apiPort}`, MCP_PORT: String(mcpPort) },
  }),
  // The console's dev server (hot reload) proxies /trpc, /oauth and /connect to the api.
  startApp('web', [path.join(REPO_ROOT, 'apps/web/node_modules/vite/bin/vite.js')], {
    cwd: path.join(REPO_ROOT, 'apps/web'),
    env: { LATCHKEY_API_URL: `http://127.0.0.1:${apiPort}`, LATCHKEY_WEB_PORT: String(webPort) },
  }),
];

say('');
say(`Console      http://127.0.0.1:${webPort}/   (sign in with an API key)`);
say(
  `API          http://127.0.0.1:${apiPort}/trpc   (health: http://127.0.0.1:${apiPort}/healthz)`,
);
say(`MCP          http://127.0.0.1:${mcpPort}/mcp   (Authorization: Bearer <API key>)`);
say(`Temporal     ${temporal.address}${temporal.uiUrl ? `   UI: ${temporal.uiUrl}` : ''}`);
if (temporal.uiUrl) {
  // The signed-in page names the UI settings that send the session cookie (README: Inspecting runs).
  say(`Codec        http://127.0.0.1:${apiPort}/codec/login   (sign in to decode runs in the UI)`);
}
say(
  `PostgreSQL   ${redactUrl(databaseUrl)}${postgres.embedded ? ' (embedded; api and worker as the app role, migrations as the owner)' : ''}`,
);
say(`Data         ${dataDir}`);
say('Next: `pnpm latchkey tenant create --name acme` prints your first API key. Ctrl-C stops.');

let stopping = false;
async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  say('stopping...');
  await Promise.all(children.map(stopChild));
  await temporal.stop();
  await postgres.stop();
  say('stopped');
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

function startApp(
  name: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): ChildProcess {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), ...args], {
    cwd: options.cwd,
    env: { ...childEnv, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    say(`${name} exited (${signal ?? code}); stopping the rest`);
    void stopAll(1);
  });
  return child;
}

/** A service that cannot start ends `pnpm dev` with what went wrong, not a stack trace. */
function exitWith(what: string) {
  return (error: unknown): never => {
    say(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  };
}

/** A local master key made on first start, kept (0600) so data stays readable across restarts. */
async function localMasterKeys(file: string): Promise<string> {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = `dev-1:${randomBytes(32).toString('base64')}`;
  await writeFile(file, `${value}\n`, { mode: 0o600 });
  say(`created a local master key in ${file} (set LATCHKEY_MASTER_KEYS in production)`);
  return value;
}
