import { createApiKey, createTenant } from '@latchkey/api';
import { CONFIG_EXIT_CODE, ConfigError, readProcessEnv, temporalEnv } from '@latchkey/config';
import {
  API_KEY_SCOPES,
  type ApiKeyScope,
  createDb,
  type Db,
  databaseEnv,
  findTenantByName,
  migrateToLatest,
} from '@latchkey/db';
import { ensureSearchAttributes } from '@latchkey/temporal';
import { createVault, type Vault, vaultOptionsFromConfig } from '@latchkey/vault';
import { Connection } from '@temporalio/client';
import { Command, InvalidArgumentError } from 'commander';
import { readCliEnv } from './env';

/**
 * Operator commands that run against the database directly, for the things no API key can do
 * yet (the first tenant and key) and for key rotation. In production: `node dist/cli.js ...`
 * with DATABASE_URL and LATCHKEY_MASTER_KEYS set; in development `pnpm latchkey ...` runs
 * dev-cli.ts, which first reads the addresses `pnpm dev` chose.
 */

async function withServices<T>(fn: (db: Db, vault: Vault) => Promise<T>): Promise<T> {
  const env = readCliEnv();
  const db = createDb({ connectionString: env.DATABASE_URL, max: 2 });
  const vault = await createVault({ db, ...vaultOptionsFromConfig(env) });
  try {
    return await fn(db, vault);
  } finally {
    vault.close();
    await db.destroy();
  }
}

async function tenantIdByName(db: Db, name: string): Promise<string> {
  const tenant = await findTenantByName(db, name);
  if (!tenant) throw new Error(`No tenant named '${name}'`);
  return tenant.id;
}

function parseScopes(value: string): ApiKeyScope[] {
  const scopes = value.split(',').map((s) => s.trim());
  for (const scope of scopes) {
    if (!(API_KEY_SCOPES as readonly string[]).includes(scope)) {
      throw new InvalidArgumentError(
        `unknown scope '${scope}' (one of: ${API_KEY_SCOPES.join(', ')})`,
      );
    }
  }
  return scopes as ApiKeyScope[];
}

const print = (json: boolean, value: Record<string, unknown>, text: string) =>
  console.log(json ? JSON.stringify(value) : text);

const program = new Command('latchkey').description('Latchkey operator commands');

const tenant = program.command('tenant').description('tenants');
tenant
  .command('create')
  .description('create a tenant, its data key and a first admin API key (shown once)')
  .requiredOption('--name <name>', 'unique tenant name')
  .option('--json', 'print JSON')
  .action((opts: { name: string; json?: boolean }) =>
    withServices(async (db, vault) => {
      const created = await createTenant(db, vault, { name: opts.name, actor: 'cli' });
      print(
        Boolean(opts.json),
        { tenantId: created.tenantId, name: created.name, apiKey: created.apiKey.key },
        [
          `tenant ${created.name} (${created.tenantId}) created`,
          `API key (shown once, keep it safe): ${created.apiKey.key}`,
        ].join('\n'),
      );
    }),
  );

const apiKey = program.command('apikey').description('API keys');
apiKey
  .command('create')
  .description('create an API key for a tenant (shown once)')
  .requiredOption('--tenant <name>', 'tenant name')
  .option('--name <name>', 'a label for the key', 'cli key')
  .option('--scopes <list>', `comma-separated: ${API_KEY_SCOPES.join(', ')}`, parseScopes, [
    'admin',
  ])
  .option('--json', 'print JSON')
  .action((opts: { tenant: string; name: string; scopes: ApiKeyScope[]; json?: boolean }) =>
    withServices(async (db) => {
      const tenantId = await tenantIdByName(db, opts.tenant);
      const created = await createApiKey(db, {
        tenantId,
        name: opts.name,
        scopes: opts.scopes,
        actor: 'cli',
      });
      print(
        Boolean(opts.json),
        { id: created.id, apiKey: created.key, scopes: created.scopes },
        created.key,
      );
    }),
  );

const vaultCommand = program.command('vault').description('keys and re-sealing');
vaultCommand
  .command('rotate-tenant-key')
  .description('start sealing a tenant’s new secrets with a new data key (old ones stay readable)')
  .requiredOption('--tenant <name>', 'tenant name')
  .action((opts: { tenant: string }) =>
    withServices(async (db, vault) => {
      const key = await vault.rotateTenantKey(await tenantIdByName(db, opts.tenant));
      console.log(
        `tenant key rotated: now version ${key.version}; run \`latchkey vault reseal\` next`,
      );
    }),
  );
vaultCommand
  .command('rewrap')
  .description('after adding a new active master key: re-wrap every tenant key with it')
  .option('--batch-size <n>', 'rows per batch', Number, 100)
  .action((opts: { batchSize: number }) =>
    withServices(async (_db, vault) => {
      const result = await vault.rewrapTenantKeys({
        batchSize: opts.batchSize,
        onProgress: (p) => console.log(`rewrapped ${p.rewrapped} of ${p.scanned} scanned`),
      });
      console.log(`done: ${JSON.stringify(result)}`);
      if (result.failed > 0) {
        // Failures list ids and error codes only; the rows stay on their old version.
        process.exitCode = 1;
      }
    }),
  );
vaultCommand
  .command('reseal')
  .description('re-seal every stored secret with its tenant’s active key version')
  .option('--tenant <name>', 'only this tenant')
  .option('--batch-size <n>', 'rows per batch', Number, 200)
  .action((opts: { tenant?: string; batchSize: number }) =>
    withServices(async (db, vault) => {
      const tenantId = opts.tenant ? await tenantIdByName(db, opts.tenant) : undefined;
      const result = await vault.resealAll({
        batchSize: opts.batchSize,
        tenantId,
        onProgress: (p) =>
          console.log(
            `${p.table}.${p.column}: ${p.scanned}/${p.total} scanned, ${p.resealed} re-sealed`,
          ),
      });
      console.log(`done: ${JSON.stringify(result)}`);
      if (result.failed > 0) {
        // Failures list ids and error codes only; the rows stay on their old version.
        process.exitCode = 1;
      }
    }),
  );

program
  .command('migrate')
  .description('bring the database schema up to date (run as the owner role before a deploy)')
  .action(async () => {
    const env = readProcessEnv('latchkey CLI', databaseEnv);
    const db = createDb({ connectionString: env.DATABASE_URL, max: 1 });
    try {
      const applied = await migrateToLatest(db);
      console.log(applied.length ? `migrated: ${applied.join(', ')}` : 'schema is up to date');
    } finally {
      await db.destroy();
    }
  });

program
  .command('temporal-setup')
  .description('register Latchkey’s search attributes on a Temporal namespace (once per cluster)')
  .action(async () => {
    const env = readProcessEnv('latchkey CLI', temporalEnv);
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    try {
      await ensureSearchAttributes(connection, env.TEMPORAL_NAMESPACE);
      console.log(`search attributes registered on namespace ${env.TEMPORAL_NAMESPACE}`);
    } finally {
      await connection.close();
    }
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `error: ${errorText(error)}`);
  process.exitCode = error instanceof ConfigError ? CONFIG_EXIT_CODE : 1;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
