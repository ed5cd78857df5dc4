import { LatchkeyClient, LatchkeyError } from '@latchkey/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectInBrowser, openStartUrl } from './browser-flow';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { type OAuthFixture, startOAuthFixture } from './oauth-fixture';
import { startTestWorker } from './worker-harness';

const CLIENT_SECRET = 'doc-oauth-client-secret-5555-hhhh';
const HUBSPOT_SECRET = 'hubspot-client-secret-6666-iiii';
const API_TOKEN = 'doc-api-token-7777-jjjj-kkkk';

async function failure(promise: Promise<unknown>): Promise<LatchkeyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LatchkeyError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('inputs as the documentation writes them: strict, aliased, round-tripped', () => {
  let api: TestApi;
  let target: LoopbackServer;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let acme: LatchkeyClient;

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startTestWorker(api);
    target = await startLoopbackServer((request, res) => {
      if (request.headers.authorization !== `Bearer ${API_TOKEN}`) return json(res, 401, {});
      json(res, 200, { items: [{ id: 1 }, { id: 2 }] });
    });
    api.allowEgress(target.url);
    acme = new LatchkeyClient({
      endpoint: api.url.replace(/\/trpc$/, ''),
      apiKey: (await api.createTenant('acme')).apiKey,
    });
    await acme.upsertIntegration({
      id: 'items-api',
      urlHost: target.url,
      auth: { type: 'bearer', credential: 'token' },
      credentials: { token: API_TOKEN },
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await target?.close();
    await api?.close();
  });

  it('refuses an unknown key, names it and the key meant, and writes nothing', async () => {
    const typo = await failure(
      acme.upsertIntegration({
        id: 'typo',
        urlHost: 'https://api.example.com',
        specificInstruction: 'Use live Stripe API with rate limiting',
      } as never),
    );
    expect(typo.code).toBe('BAD_REQUEST');
    expect(typo.message).toContain(
      "unknown key 'specificInstruction'; did you mean 'specificInstructions'?",
    );
    const nested = await failure(
      acme.upsertIntegration({
        id: 'typo',
        urlHost: 'https://x.test',
        oauth: { clientSecrt: 'x' },
      } as never),
    );
    expect(nested.message).toContain(
      "oauth: unknown key 'clientSecrt'; did you mean 'clientSecret'?",
    );
    const execute = await failure(acme.executeWorkflow({ workflowID: 'x' } as never));
    expect(execute.message).toContain("did you mean 'workflowId'?");
    const far = await failure(
      acme.upsertIntegration({ id: 'typo', urlHost: 'https://x.test', colour: 'blue' } as never),
    );
    expect(far.message).toMatch(/unknown key 'colour' \(known keys: .*urlHost/);
    expect((await acme.listIntegrations()).map((i) => i.id)).not.toContain('typo');
  });

  it('stores the documentation’s names: specificInstructions, documentationUrl, a path in urlHost', async () => {
    const created = await acme.upsertIntegration({
      id: 'docs-names',
      urlHost: 'https://api.example.com/v2/',
      specificInstructions: 'Use live Stripe API with rate limiting',
      documentationUrl: 'https://docs.example.com/api',
    });
    expect(created).toMatchObject({
      urlHost: 'https://api.example.com',
      urlPath: '/v2',
      instructions: 'Use live Stripe API with rate limiting',
      docsUrl: 'https://docs.example.com/api',
    });
    const both = await failure(
      acme.upsertIntegration({
        id: 'docs-names',
        instructions: 'one thing',
        specificInstructions: 'another',
      }),
    );
    expect(both.code).toBe('BAD_REQUEST');
    expect(both.message).toMatch(/specificInstructions: is another name for 'instructions'/);
    expect((await acme.getIntegration('docs-names')).instructions).toBe(
      'Use live Stripe API with rate limiting',
    );
  });

  it('takes an integration as read back unchanged, keeping its sealed secrets', async () => {
    await acme.upsertIntegration({
      id: 'round',
      urlHost: target.url,
      auth: { type: 'bearer', credential: 'token' },
      credentials: { token: API_TOKEN },
      oauth: { clientId: 'app', clientSecret: CLIENT_SECRET, tokenUrl: 'https://id.test/token' },
    });
    const read = await acme.getIntegration('round');
    const again = await acme.upsertIntegration(read);
    const { version, updatedAt, applied, ...same } = again;
    expect(version).toBe(read.version + 1);
    expect(same).toEqual({ ...read, version: undefined, updatedAt: undefined, applied: undefined });
    expect(again.credentials.map((c) => c.name)).toEqual(['token']);
    expect(again.oauth?.clientSecret).toEqual(read.oauth?.clientSecret);
    const listed = (await acme.listIntegrations()).find((i) => i.id === 'round');
    if (!listed) throw new Error('listed');
    await acme.upsertIntegration('round', listed);
  });

  it('takes Basic with an empty password, and a template integration read back with one', async () => {
    // Chargebee's template: the key is the Basic username, the password is empty ('').
    const fromTemplate = await acme.upsertIntegration({
      id: 'billing',
      templateId: 'chargebee',
      credentials: { api_key: API_TOKEN, site: 'acme' },
    });
    expect(fromTemplate.auth).toEqual({ type: 'basic', username: 'api_key', password: '' });
    const again = await acme.upsertIntegration(await acme.getIntegration('billing'));
    expect(again.version).toBe(fromTemplate.version + 1);
    expect(again.credentials.map((c) => c.name).sort()).toEqual(['api_key', 'site']);
    const custom = await acme.upsertIntegration({
      id: 'basic-key-only',
      urlHost: target.url,
      auth: { type: 'basic', username: 'key', password: '' },
      credentials: { key: API_TOKEN },
    });
    expect(custom.auth).toEqual({ type: 'basic', username: 'key', password: '' });
  });

  it('runs a built workflow passed back as is, and records its stored version', async () => {
    const built = await acme.buildWorkflow({
      id: 'list-items',
      instruction: 'List the items',
      integrationIds: ['items-api'],
      steps: [{ id: 'items', integrationId: 'items-api', method: 'GET', path: '/items' }],
    });
    expect(built.inputSchema).toBeNull();
    expect(built.responseSchema).toBeNull();
    const run = await acme.executeWorkflow({ workflow: built });
    expect(run).toMatchObject({ status: 'succeeded', workflowId: 'list-items' });
    expect(run.workflowVersion).toBe(built.version);
    expect(run.output).toEqual({ items: [{ id: 1 }, { id: 2 }] });

    const changed = await acme.executeWorkflow({
      workflow: { ...built, steps: [{ ...built.steps[0], path: '/items?x=1' }] },
    });
    expect(changed).toMatchObject({ status: 'succeeded', workflowVersion: 0 });
    const read = await acme.getWorkflow('list-items');
    expect((await acme.executeWorkflow({ workflow: read })).status).toBe('succeeded');
    const rebuilt = await acme.buildWorkflow(built);
    expect(rebuilt.version).toBe(built.version + 1);
  });

  it('accepts null where a returned object carries null, as if absent', async () => {
    const run = await acme.executeWorkflow({
      workflowId: 'list-items',
      userId: null,
      credentials: null,
      integrationIds: null,
      workflowVersion: null,
    });
    expect(run.status).toBe('succeeded');
  });
});

describe('OAuth as the documentation sets it up: client and tokens given in credentials', () => {
  let api: TestApi;
  let oauth: OAuthFixture;
  let auth: OAuthFixture['auth'];
  let resource: LoopbackServer;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let acme: LatchkeyClient;
  const responses: unknown[] = [];
  const keep = <T>(value: T): T => {
    responses.push(value);
    return value;
  };

  beforeAll(async () => {
    api = await startTestApi();
    oauth = await startOAuthFixture(api, {
      clientId: 'doc-app',
      clientSecret: CLIENT_SECRET,
      accessTokenTtlSeconds: 3_600,
      refreshTokenRotation: true,
    });
    auth = oauth.auth;
    resource = await oauth.startResourceServer();
    worker = await startTestWorker(api, { refresh: { marginMs: 5_000 } });
    acme = new LatchkeyClient({
      endpoint: api.url.replace(/\/trpc$/, ''),
      apiKey: (await api.createTenant('acme')).apiKey,
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await oauth?.close();
    await api?.close();
  });

  const oauthEndpoints = () => ({
    authorizeUrl: auth.authorizeUrl,
    tokenUrl: auth.tokenUrl,
    scopes: ['openid', 'offline_access', 'read'],
    extraAuthorizeParams: { prompt: 'consent' },
    requiredScopes: ['read'],
  });

  async function connectWithoutUser(integrationId: string) {
    const { url } = await acme.trpc.oauth.authorizeUrl.mutate({ integrationId });
    const response = await connectInBrowser(auth, url, { accountId: 'owner' });
    expect(response.status).toBe(200);
  }

  async function ownTokens(integrationId: string) {
    const row = await api.db
      .selectFrom('connections')
      .selectAll()
      .where('integration_id', '=', integrationId)
      .where('user_id', '=', '')
      .executeTakeFirstOrThrow();
    return api.vault.openJson<{ access_token: string; refresh_token: string }>(
      { tenantId: row.tenant_id, kind: 'connection.credentials', recordId: row.id, userId: '' },
      row.encrypted_credentials as Buffer,
    );
  }

  it('HubSpot by host: client_id and client_secret become the OAuth client of the template', async () => {
    const created = keep(
      await acme.upsertIntegration('hubspot-oauth', {
        id: 'hubspot-oauth',
        name: 'HubSpot OAuth',
        urlHost: 'https://api.hubapi.com',
        credentials: { client_id: 'your_hubspot_client_id', client_secret: HUBSPOT_SECRET },
        specificInstructions: 'Use OAuth2 with contacts and deals scopes',
      }),
    );
    expect(created).toMatchObject({
      templateId: 'hubspot',
      applied: { templateSource: 'urlHost', oauthFromCredentials: ['client_id', 'client_secret'] },
      credentials: [],
      instructions: 'Use OAuth2 with contacts and deals scopes',
      oauth: { clientId: 'your_hubspot_client_id', clientSecret: { set: true } },
    });
    expect(created.oauth?.scopes).toContain('crm.objects.contacts.read');
    const { url } = await acme.trpc.oauth.authorizeUrl.mutate({
      integrationId: 'hubspot-oauth',
      userId: 'user-1',
    });
    // The user's browser opens the start URL and is sent on to HubSpot.
    const authorize = new URL((await openStartUrl(url)).providerUrl);
    expect(authorize.origin).toBe('https://app.hubspot.com');
    expect(authorize.searchParams.get('client_id')).toBe('your_hubspot_client_id');
  });

  it('an ambiguous host applies no template and says which ones matched', async () => {
    const created = keep(
      await acme.upsertIntegration({ id: 'hubspot-plain', urlHost: 'https://api.hubapi.com' }),
    );
    expect(created.templateId).toBeNull();
    expect(created.applied.ambiguousTemplates).toEqual(['hubspot', 'hubspot-private-app']);
  });

  it('a custom OAuth integration connected without a user: runs without a user use its tokens', async () => {
    keep(
      await acme.upsertIntegration({
        id: 'crm-own',
        urlHost: resource.url,
        auth: { type: 'oauth2' },
        credentials: { client_id: 'doc-app', client_secret: CLIENT_SECRET },
        oauth: oauthEndpoints(),
      }),
    );
    await connectWithoutUser('crm-own');
    const read = keep(await acme.getIntegration('crm-own'));
    expect(read.connection).toMatchObject({ userId: null, status: 'active', refreshes: true });
    const run = keep(
      await acme.executeWorkflow({
        workflow: {
          instruction: 'who am I',
          integrationIds: ['crm-own'],
          steps: [{ id: 'me', integrationId: 'crm-own', method: 'GET', path: '/me' }],
        },
      }),
    );
    expect(run).toMatchObject({ status: 'succeeded', output: { me: 'owner' } });
  });

  it('tokens given by hand (the stored-tokens sample) are refreshed when they expire', async () => {
    const given = await ownTokens('crm-own');
    const created = keep(
      await acme.upsertIntegration({
        id: 'crm-given',
        urlHost: resource.url,
        auth: { type: 'oauth2' },
        oauth: { ...oauthEndpoints(), extraAuthorizeParams: undefined },
        credentials: {
          access_token: given.access_token,
          refresh_token: given.refresh_token,
          client_id: 'doc-app',
          client_secret: CLIENT_SECRET,
          expires_at: new Date(Date.now() - 1_000).toISOString(),
        },
      }),
    );
    expect(created.applied.oauthFromCredentials).toEqual([
      'client_id',
      'client_secret',
      'access_token',
      'refresh_token',
      'expires_at',
    ]);
    expect(created.credentials).toEqual([]);
    expect(created.connection?.credentials.map((c) => c.name)).toEqual([
      'access_token',
      'refresh_token',
    ]);
    const calls = auth.tokenEndpointCalls();
    const run = keep(
      await acme.executeWorkflow({
        workflow: {
          instruction: 'who am I',
          integrationIds: ['crm-given'],
          steps: [{ id: 'me', integrationId: 'crm-given', method: 'GET', path: '/me' }],
        },
      }),
    );
    expect(run).toMatchObject({ status: 'succeeded', output: { me: 'owner' } });
    expect(auth.tokenEndpointCalls() - calls).toBe(1);
    const refreshed = await ownTokens('crm-given');
    expect(refreshed.refresh_token).not.toBe(given.refresh_token);
  });

  it('the stored-tokens sample without a host: the template comes from the id', async () => {
    const created = keep(
      await acme.upsertIntegration({
        id: 'hubspot-crm',
        credentials: {
          access_token: 'pat-na1-doc-access-8888',
          refresh_token: 'refresh_token_here_9999',
          client_id: 'your_app_client_id',
          client_secret: 'your_app_client_secret_0000',
        },
      }),
    );
    expect(created).toMatchObject({
      templateId: 'hubspot',
      urlHost: 'https://api.hubapi.com',
      applied: { templateSource: 'id' },
      credentials: [],
      connection: { userId: null, status: 'active' },
    });
  });

  it('a bad expires_at is refused by name, and nothing is written', async () => {
    const error = await failure(
      acme.upsertIntegration({
        id: 'crm-bad-expiry',
        urlHost: resource.url,
        oauth: oauthEndpoints(),
        credentials: { access_token: 'x-access-1', expires_at: 'next tuesday' },
      }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/credentials\.expires_at: must be an ISO 8601 date/);
    expect((await acme.listIntegrations()).map((i) => i.id)).not.toContain('crm-bad-expiry');
  });

  it('no client secret or token in responses, logs or audit rows', async () => {
    const audit = JSON.stringify(await api.db.selectFrom('audit_events').selectAll().execute());
    const everything = JSON.stringify(responses) + audit + api.logs();
    for (const secret of [
      CLIENT_SECRET,
      HUBSPOT_SECRET,
      'pat-na1-doc-access-8888',
      'refresh_token_here_9999',
      'your_app_client_secret_0000',
    ]) {
      expect(everything).not.toContain(secret);
    }
  });
});
