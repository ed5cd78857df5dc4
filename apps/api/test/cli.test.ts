import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateMasterKey } from '@latchkey/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

describe('latchkey CLI', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  function cli(args: string[], env: Record<string, string>) {
    return run(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: { PATH: process.env.PATH, LATCHKEY_DATA_DIR: '/nonexistent', ...env },
    });
  }

  it('creates a tenant whose first key works against the api', async () => {
    const masterKeys = generateMasterKey('cli');
    const { stdout } = await cli(['tenant', 'create', '--name', 'cli-made', '--json'], {
      DATABASE_URL: api.dbUrl,
      LATCHKEY_MASTER_KEYS: masterKeys,
    });
    const created = JSON.parse(stdout) as { tenantId: string; apiKey: string };
    const me = await api.client(created.apiKey).tenant.me.query();
    expect(me).toMatchObject({ tenantId: created.tenantId, name: 'cli-made', scopes: ['admin'] });
    const keys = await api.db.selectFrom('tenant_keys').selectAll().execute();
    expect(keys.map((k) => k.tenant_id)).toContain(created.tenantId);
  });

  it('says which variable is wrong, without echoing key material', async () => {
    const badKey = 'main:c2hvcnQ=';
    const failure = await cli(['tenant', 'create', '--name', 'nope'], {
      DATABASE_URL: api.dbUrl,
      LATCHKEY_MASTER_KEYS: badKey,
    }).then(
      () => undefined,
      (error: { stderr: string; code: number }) => error,
    );
    expect(failure?.code).toBe(78);
    expect(failure?.stderr).toContain('LATCHKEY_MASTER_KEYS');
    expect(failure?.stderr).not.toContain('c2hvcnQ=');
  });
});
