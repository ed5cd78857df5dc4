import { LatchkeyClient, LatchkeyError } from '@latchkey/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakePostgres, startFakePostgres } from './fake-postgres';
import { startTestApi, type TestApi } from './harness';
import { startTestWorker } from './worker-harness';

const STORED_PASSWORD = 'stored-db-password-7777-never-sent';
const RUNTIME_PASSWORD = 'runtime-db-password-8888';
const API_KEY = 'sk_live_storedApiKey9999zzzzYYYY';
const USER_TOKEN = 'user-token-of-the-old-origin-1234';
const CLIENT_SECRET = 'oauth-client-secret-bound-to-token-url';

async function failure(promise: Promise<unknown>): Promise<LatchkeyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LatchkeyError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('stored secrets go only where they were stored for (issue 15)', () => {
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let fake: FakePostgres;
  let admin: LatchkeyClient;
  let runner: LatchkeyClient;

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startTestWorker(api);
    fake = await startFakePostgres();
    // Allowed through the egress policy, so what stops a run here is the binding rule.
    api.allowEgress(`postgresql://127.0.0.1:${fake.port}`);
    const endpoint = api.url.replace(/\/trpc$/, '');
    const { apiKey } = await api.createTenant('acme');
    admin = new LatchkeyClient({ endpoint, apiKey });
    // The attacker holds a key with the `runs` scope only.
    const runs = await api.client(apiKey).apiKeys.create.mutate({ name: 'runs', scopes: ['runs'] });
    runner = new LatchkeyClient({ endpoint, apiKey: runs.key });

    await admin.upsertIntegration({
      id: 'main-db',
      urlHost: 'postgresql://<<user>>:<<password>>@<<host>>:<<port>>',
      urlPath: '/<<database>>',
      auth: { type: 'database' },
      credentials: {
        user: 'app',
        password: STORED_PASSWORD,
        host: 'db.internal.invalid',
        port: 5432,
        database: 'main',
      },
    });
    await admin.buildWorkflow({
      id: 'db-query',
      instruction: 'One row',
      integrationIds: ['main-db'],
      steps: [{ id: 'one', type: 'sql', integrationId: 'main-db', sql: 'select 1 as one' }],
    });
  }, 180_000);
  afterAll(async () => {
    await worker?.stop();
    await fake?.close();
    await api?.close();
  });

  describe('a runtime host and port against a listener that asks for a cleartext password', () => {
    it('runtime { host, port }: the run fails naming the missing credential, nothing is sent', async () => {
      const run = await runner.executeWorkflow({
        workflowId: 'db-query',
        credentials: { host: '127.0.0.1', port: fake.port },
      });
      expect(run.status).toBe('failed');
      expect(run.error).toContain('<<user>>');
      expect(run.error).toContain('"host" given with the run');
      expect(fake.connections()).toBe(0);
      expect(fake.received()).not.toContain(STORED_PASSWORD);
    });

    it('runtime { host, port, user }: fails naming the password', async () => {
      const run = await runner.executeWorkflow({
        workflowId: 'db-query',
        credentials: { host: '127.0.0.1', port: fake.port, user: 'mallory', database: 'x' },
      });
      expect(run.status).toBe('failed');
      expect(run.error).toContain('<<password>>');
      expect(fake.connections()).toBe(0);
    });

    it('every part at run time: the listener gets the run’s password, never the stored one', async () => {
      const run = await runner.executeWorkflow({
        workflowId: 'db-query',
        credentials: {
          host: '127.0.0.1',
          port: fake.port,
          user: 'mallory',
          password: RUNTIME_PASSWORD,
          database: 'x',
        },
      });
      expect(run.status).toBe('failed');
      expect(fake.passwords()).toEqual([RUNTIME_PASSWORD]);
      expect(fake.received()).not.toContain(STORED_PASSWORD);
      expect(run.error).not.toContain(RUNTIME_PASSWORD);
    });

    it('a runtime database URL without a password: the stored password is not added', async () => {
      const run = await runner.executeWorkflow({
        workflowId: 'db-query',
        credentials: { database_url: `postgresql://mallory@127.0.0.1:${fake.port}/x` },
      });
      expect(run.status).toBe('failed');
      expect(fake.received()).not.toContain(STORED_PASSWORD);
      expect(fake.passwords()).not.toContain(STORED_PASSWORD);
    });
  });

  describe('changing the origin drops what was stored for the old one', () => {
    it('a new urlHost host without new secrets removes stored credentials and connections', async () => {
      await admin.upsertIntegration({
        id: 'billing',
        urlHost: 'https://api.billing.example',
        auth: { type: 'bearer' },
        credentials: { api_key: API_KEY, region: 'eu' },
      });
      await admin.upsertConnection({
        integrationId: 'billing',
        userId: 'user-1',
        credentials: { access_token: USER_TOKEN },
      });
      const moved = await admin.upsertIntegration({
        id: 'billing',
        urlHost: 'https://attacker.example',
      });
      expect(moved.applied.destinationChanged).toMatchObject({
        credentialsRemoved: ['api_key', 'region'],
        connectionsRemoved: 1,
        clientSecretRemoved: false,
      });
      expect(moved.applied.destinationChanged?.message).toContain('Give new ones');
      expect(moved.credentials).toEqual([]);
      expect(await admin.listConnections({ integrationId: 'billing' })).toEqual([]);
      expect(JSON.stringify(moved)).not.toContain(API_KEY);
    });

    it('a new port counts as a new origin; new secrets given in the same call are kept', async () => {
      await admin.upsertIntegration({
        id: 'svc',
        urlHost: 'https://svc.example:8443',
        auth: { type: 'bearer' },
        credentials: { api_key: API_KEY, other: 'x-other-value' },
      });
      const moved = await admin.upsertIntegration({
        id: 'svc',
        urlHost: 'https://svc.example:9443',
        credentials: { api_key: 'sk_new_key_for_new_origin' },
      });
      expect(moved.applied.destinationChanged?.credentialsRemoved).toEqual(['other']);
      expect(moved.credentials.map((c) => c.name)).toEqual(['api_key']);
    });

    it('a new stored host credential moves the destination too', async () => {
      const moved = await admin.upsertIntegration({
        id: 'main-db',
        credentials: { host: '127.0.0.1', port: fake.port },
      });
      expect(moved.applied.destinationChanged?.credentialsRemoved).toEqual(
        expect.arrayContaining(['password', 'user', 'database']),
      );
      expect(moved.credentials.map((c) => c.name).sort()).toEqual(['host', 'port']);
      const run = await admin.executeWorkflow({ workflowId: 'db-query' });
      expect(run.status).toBe('failed');
      expect(fake.received()).not.toContain(STORED_PASSWORD);
    });

    it('a connection’s own host (instance) moved by hand drops its stored tokens', async () => {
      await admin.upsertIntegration({
        id: 'sf',
        urlHost: 'https://<<instance>>.my.example',
        urlPath: '/services/data',
        auth: { type: 'oauth2' },
      });
      await admin.upsertConnection({
        integrationId: 'sf',
        userId: 'user-1',
        credentials: { instance: 'acme', access_token: USER_TOKEN },
      });
      const moved = await admin.upsertConnection({
        integrationId: 'sf',
        userId: 'user-1',
        credentials: { instance: 'attacker' },
      });
      expect(moved.credentials.map((c) => c.name)).toEqual(['instance']);
      expect(moved.warnings.join(' ')).toContain('access_token');
      // New tokens given with the new host are kept; the same host keeps what is stored.
      const renewed = await admin.upsertConnection({
        integrationId: 'sf',
        userId: 'user-1',
        credentials: { instance: 'other', access_token: 'fresh-token-1' },
      });
      expect(renewed.credentials.map((c) => c.name)).toEqual(['access_token', 'instance']);
      const same = await admin.upsertConnection({
        integrationId: 'sf',
        userId: 'user-1',
        credentials: { refresh_token: 'refresh-token-2' },
      });
      expect(same.credentials.map((c) => c.name)).toEqual([
        'access_token',
        'instance',
        'refresh_token',
      ]);
      expect(same.warnings.join(' ')).not.toContain('destination changed');
    });

    it('a path change, a scheme-case change or a round trip keeps everything', async () => {
      await admin.upsertIntegration({
        id: 'keep',
        urlHost: 'https://keep.example',
        auth: { type: 'bearer' },
        credentials: { api_key: API_KEY },
      });
      const pathOnly = await admin.upsertIntegration({ id: 'keep', urlPath: '/v2' });
      expect(pathOnly.applied.destinationChanged).toBeNull();
      const withPath = await admin.upsertIntegration({
        id: 'keep',
        urlHost: 'HTTPS://keep.example/v3',
      });
      expect(withPath.applied.destinationChanged).toBeNull();
      const roundTrip = await admin.upsertIntegration(await admin.getIntegration('keep'));
      expect(roundTrip.applied.destinationChanged).toBeNull();
      expect(roundTrip.credentials.map((c) => c.name)).toEqual(['api_key']);
    });

    it('a new token URL drops the OAuth client secret unless a new one is given', async () => {
      await admin.upsertIntegration({
        id: 'crm',
        urlHost: 'https://api.crm.example',
        auth: { type: 'oauth2' },
        oauth: {
          clientId: 'client-1',
          clientSecret: CLIENT_SECRET,
          authorizeUrl: 'https://auth.crm.example/authorize',
          tokenUrl: 'https://auth.crm.example/token',
        },
      });
      const moved = await admin.upsertIntegration({
        id: 'crm',
        oauth: { tokenUrl: 'https://attacker.example/token' },
      });
      expect(moved.applied.destinationChanged?.clientSecretRemoved).toBe(true);
      expect(moved.oauth?.clientSecret).toBeNull();
      const renewed = await admin.upsertIntegration({
        id: 'crm',
        oauth: { tokenUrl: 'https://auth2.crm.example/token', clientSecret: 'a-new-secret-value' },
      });
      expect(renewed.applied.destinationChanged).toBeNull();
      expect(renewed.oauth?.clientSecret).toMatchObject({ set: true });
    });
  });

  describe('no secrets in urlHost or urlPath', () => {
    it('a literal password in userinfo is a BAD_REQUEST on urlHost that says what to do', async () => {
      const error = await failure(
        admin.upsertIntegration({
          id: 'leaky',
          urlHost: 'postgresql://app:hunter2pw@db.example/db',
        }),
      );
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toContain('urlHost');
      expect(error.message).toContain('credentials');
      expect(error.message).toContain('<<password>>');
      expect(error.message).not.toContain('hunter2pw');
      await expect(admin.getIntegration('leaky')).rejects.toThrow(/No integration/);
    });

    it('a literal value for a secret-named query parameter is refused, in urlHost or urlPath', async () => {
      for (const [field, input] of [
        ['urlPath', { urlHost: 'https://maps.example', urlPath: '/v1?api_key=AIzaLiteral1' }],
        ['urlHost', { urlHost: 'https://maps.example/v1?token=tok-literal-2' }],
        ['urlPath', { urlHost: 'https://maps.example', urlPath: '/x?format=json&accessToken=t3' }],
      ] as const) {
        const error = await failure(admin.upsertIntegration({ id: 'maps', ...input }));
        expect(error.code).toBe('BAD_REQUEST');
        expect(error.message).toContain(field);
        expect(error.message).toMatch(/<<(api_key|token|accessToken)>>/);
        expect(error.message).not.toMatch(/AIzaLiteral1|tok-literal-2|=t3/);
      }
    });

    it('placeholders, a user without password and ordinary parameters are fine', async () => {
      await admin.upsertIntegration({
        id: 'ok-db',
        urlHost: 'postgresql://reporting@db.example:5432',
        urlPath: '/main?sslmode=require',
      });
      await admin.upsertIntegration({
        id: 'ok-api',
        urlHost: 'https://maps.example',
        urlPath: '/v1?api_key=<<api_key>>&format=json&api-version=2024-01-01',
      });
    });
  });

  it('no secret reaches a log', () => {
    const logs = api.logs();
    for (const secret of [STORED_PASSWORD, RUNTIME_PASSWORD, API_KEY, USER_TOKEN, CLIENT_SECRET]) {
      expect(logs).not.toContain(secret);
    }
  });
});
