import { LatchkeyClient, LatchkeyError } from '@latchkey/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';

const STRIPE_KEY = 'sk_test_51HxStripeSecretValue0000aaaaBBBB';
const ROTATED_KEY = 'sk_test_51HxRotatedSecretValue1111ccccDDDD';
const WEBHOOK_SECRET = 'whsec_webhookSecretValue2222eeee';
const CLIENT_SECRET = 'oauth-client-secret-value-3333-ffff';
const USER_TOKEN_A = 'user-a-access-token-4444-gggg-hhhh';
const USER_TOKEN_B = 'user-b-access-token-5555-iiii-jjjj';
const DB_PASSWORD = 'p@ss/w:rd-6666-kkkk';
const ALL_SECRETS = [
  STRIPE_KEY,
  ROTATED_KEY,
  WEBHOOK_SECRET,
  CLIENT_SECRET,
  USER_TOKEN_A,
  USER_TOKEN_B,
  DB_PASSWORD,
];

async function failure(promise: Promise<unknown>): Promise<LatchkeyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LatchkeyError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('integrations and connections over HTTP with the typed client', () => {
  let api: TestApi;
  let acme: LatchkeyClient;
  let globex: LatchkeyClient;
  const responses: unknown[] = [];
  const keep = <T>(value: T): T => {
    responses.push(value);
    return value;
  };

  beforeAll(async () => {
    api = await startTestApi();
    const endpoint = api.url.replace(/\/trpc$/, '');
    acme = new LatchkeyClient({ endpoint, apiKey: (await api.createTenant('acme')).apiKey });
    globex = new LatchkeyClient({ endpoint, apiKey: (await api.createTenant('globex')).apiKey });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('creates an integration, sealing credentials and showing masked hints only', async () => {
    const created = keep(
      await acme.upsertIntegration({
        id: 'stripe',
        urlHost: 'https://api.stripe.com/v1',
        auth: { type: 'bearer', credential: 'secret_key' },
        credentials: { secret_key: STRIPE_KEY, webhook_secret: WEBHOOK_SECRET },
        instructions: 'Stripe list endpoints paginate with starting_after',
      }),
    );
    expect(created).toMatchObject({
      id: 'stripe',
      // No templateId given: the host says Stripe, and the response says so.
      name: 'Stripe',
      templateId: 'stripe',
      applied: { templateId: 'stripe', templateSource: 'urlHost' },
      urlHost: 'https://api.stripe.com',
      urlPath: '/v1',
      auth: { type: 'bearer', credential: 'secret_key' },
    });
    expect(created.credentials.map((c) => c.name)).toEqual(['secret_key', 'webhook_secret']);
    expect(created.credentials[0]?.hint).toMatch(/…BBBB$/);

    const row = await api.db
      .selectFrom('integrations')
      .selectAll()
      .where('id', '=', 'stripe')
      .executeTakeFirstOrThrow();
    expect(row.encrypted_credentials?.includes(Buffer.from(STRIPE_KEY))).toBe(false);
    const opened = await api.vault.openJson(
      {
        tenantId: row.tenant_id,
        kind: 'integration.credentials',
        recordId: 'stripe',
        userId: null,
      },
      row.encrypted_credentials as Buffer,
    );
    expect(opened).toEqual({ secret_key: STRIPE_KEY, webhook_secret: WEBHOOK_SECRET });
  });

  it('updates idempotently, keeping credentials that are not mentioned', async () => {
    const again = keep(await acme.upsertIntegration('stripe', { name: 'Stripe' }));
    expect(again.name).toBe('Stripe');
    expect(again.credentials.map((c) => c.name)).toEqual(['secret_key', 'webhook_secret']);
    const rotated = keep(
      await acme.upsertIntegration('stripe', { credentials: { secret_key: ROTATED_KEY } }),
    );
    expect(rotated.credentials.find((c) => c.name === 'secret_key')?.hint).toMatch(/…DDDD$/);
    expect(rotated.credentials.map((c) => c.name)).toEqual(['secret_key', 'webhook_secret']);
    const removed = keep(
      await acme.upsertIntegration('stripe', { removeCredentials: ['webhook_secret'] }),
    );
    expect(removed.credentials.map((c) => c.name)).toEqual(['secret_key']);
    expect(removed.urlHost).toBe('https://api.stripe.com');
    expect(removed.version).toBe(4);
  });

  it('keeps the OAuth client secret sealed and shows whether it is set', async () => {
    const github = keep(
      await acme.upsertIntegration({
        id: 'github',
        templateId: 'github',
        oauth: { clientId: 'Iv1.abc', clientSecret: CLIENT_SECRET, scopes: ['repo'] },
      }),
    );
    expect(github.urlHost).toMatch(/^https:\/\/api\.github\.com/);
    expect(github.oauth).toMatchObject({
      clientId: 'Iv1.abc',
      scopes: ['repo'],
      clientSecret: { set: true },
    });
    expect(JSON.stringify(github)).not.toContain(CLIENT_SECRET);
  });

  it('reads, lists and deletes integrations', async () => {
    const got = keep(await acme.getIntegration('stripe'));
    expect(got.id).toBe('stripe');
    const listed = keep(await acme.listIntegrations());
    expect(listed.map((i) => i.id)).toEqual(['github', 'stripe']);
    keep(await acme.upsertIntegration({ id: 'to-delete', urlHost: 'https://example.com' }));
    await acme.deleteIntegration('to-delete');
    const gone = await failure(acme.getIntegration('to-delete'));
    expect(gone.code).toBe('NOT_FOUND');
  });

  it('stores per-user connections, each sealed for its own user', async () => {
    const a = keep(
      await acme.upsertConnection({
        integrationId: 'github',
        userId: 'user-a',
        credentials: { access_token: USER_TOKEN_A },
        grantedScopes: ['repo'],
        expiresAt: new Date('2030-01-01T00:00:00Z'),
      }),
    );
    const b = keep(
      await acme.upsertConnection({
        integrationId: 'github',
        userId: 'user-b',
        credentials: { access_token: USER_TOKEN_B },
      }),
    );
    expect(a).toMatchObject({
      integrationId: 'github',
      userId: 'user-a',
      status: 'active',
      grantedScopes: ['repo'],
    });
    expect(new Date(a.expiresAt ?? 0).toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(a.credentials).toEqual([
      { name: 'access_token', hint: expect.stringMatching(/…hhhh$/) },
    ]);
    expect(b.id).not.toBe(a.id);

    const rows = await api.db.selectFrom('connections').selectAll().execute();
    const rowA = rows.find((r) => r.user_id === 'user-a');
    const rowB = rows.find((r) => r.user_id === 'user-b');
    if (!rowA?.encrypted_credentials || !rowB) throw new Error('connections missing');
    // A's sealed tokens do not open as B's: the user is bound into the ciphertext.
    await expect(
      api.vault.openJson(
        {
          tenantId: rowB.tenant_id,
          kind: 'connection.credentials',
          recordId: rowB.id,
          userId: 'user-b',
        },
        rowA.encrypted_credentials,
      ),
    ).rejects.toThrow();

    const listed = keep(await acme.listConnections({ integrationId: 'github' }));
    expect(listed.map((c) => c.userId)).toEqual(['user-a', 'user-b']);
    const onlyA = keep(await acme.getConnection({ integrationId: 'github', userId: 'user-a' }));
    expect(onlyA.id).toBe(a.id);
  });

  it('accepts the database URL form with placeholders and a password full of URL syntax', async () => {
    const pg = keep(
      await acme.upsertIntegration({
        id: 'warehouse',
        urlHost: 'postgresql://<<user>>:<<password>>@<<host>>:<<port>>',
        urlPath: '/<<database_name>>',
        auth: { type: 'database' },
        credentials: {
          user: 'reporter',
          password: DB_PASSWORD,
          host: '127.0.0.1',
          port: 5432,
          database: 'sales',
        },
      }),
    );
    expect(pg.credentials.map((c) => c.name)).toEqual([
      'database',
      'host',
      'password',
      'port',
      'user',
    ]);
  });

  it('rejects bad input with BAD_REQUEST naming the field, writing nothing', async () => {
    const cases: [() => Promise<unknown>, RegExp][] = [
      [
        () => acme.upsertIntegration({ id: 'bad id!', urlHost: 'https://x.test' }),
        /^Invalid input: id:/,
      ],
      [
        () => acme.upsertIntegration({ id: 'tpl', templateId: 'no-such-template' }),
        /templateId: unknown template 'no-such-template'/,
      ],
      [
        () => acme.upsertIntegration({ id: 'url', urlHost: 'not a url' }),
        /urlHost: must be an absolute URL/,
      ],
      [
        () => acme.upsertIntegration({ id: 'ftp', urlHost: 'ftp://files.test' }),
        /urlHost: unsupported scheme 'ftp'/,
      ],
      [() => acme.upsertIntegration({ id: 'nohost' }), /urlHost: required/],
      [
        () =>
          acme.upsertIntegration({
            id: 'nested',
            urlHost: 'https://x.test',
            credentials: { key: { deep: 'x' } as unknown as string },
          }),
        /credentials\.key: credential values must be strings or numbers/,
      ],
      [
        () =>
          acme.upsertIntegration({
            id: 'huge',
            urlHost: 'https://x.test',
            credentials: { key: 'x'.repeat(17 * 1024) },
          }),
        /credentials\.key: value is larger than 16 KiB/,
      ],
      [() => acme.upsertConnection({ integrationId: 'github', userId: '' }), /userId:/],
    ];
    for (const [call, message] of cases) {
      const error = await failure(call());
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(message);
    }
    const ids = (await acme.listIntegrations()).map((i) => i.id);
    expect(ids).toEqual(['github', 'stripe', 'warehouse']);
  });

  it('keeps tenants apart on every procedure', async () => {
    expect(await globex.listIntegrations()).toEqual([]);
    expect(await globex.listConnections()).toEqual([]);
    for (const attempt of [
      () => globex.getIntegration('stripe'),
      () => globex.deleteIntegration('stripe'),
      () => globex.getConnection({ integrationId: 'github', userId: 'user-a' }),
      () => globex.deleteConnection({ integrationId: 'github', userId: 'user-a' }),
      () =>
        globex.upsertConnection({
          integrationId: 'github',
          userId: 'user-a',
          credentials: { access_token: 'stolen' },
        }),
    ]) {
      expect((await failure(attempt())).code).toBe('NOT_FOUND');
    }
    // Globex may use the same id for its own integration; acme's is untouched.
    const own = await globex.upsertIntegration({
      id: 'stripe',
      urlHost: 'https://api.stripe.com',
      credentials: { secret_key: 'globex-key-value-9999' },
    });
    expect(own.credentials.map((c) => c.name)).toEqual(['secret_key']);
    const acmeStripe = await acme.getIntegration('stripe');
    expect(acmeStripe.credentials.find((c) => c.name === 'secret_key')?.hint).toMatch(/…DDDD$/);
    expect(acmeStripe.name).toBe('Stripe');
    const a = await acme.getConnection({ integrationId: 'github', userId: 'user-a' });
    expect(a.credentials[0]?.hint).toMatch(/…hhhh$/);
  });

  it('deletes connections, and an integration takes its connections with it', async () => {
    await acme.deleteConnection({ integrationId: 'github', userId: 'user-b' });
    expect((await acme.listConnections()).map((c) => c.userId)).toEqual(['user-a']);
    await acme.deleteIntegration('github');
    expect(await acme.listConnections()).toEqual([]);
  });

  it('audits every write by name, and no secret appears in responses, logs or audit rows', async () => {
    const audit = await api.db.selectFrom('audit_events').selectAll().execute();
    const actions = audit.map((a) => a.action);
    for (const action of [
      'integration.create',
      'integration.update',
      'integration.delete',
      'connection.create',
      'connection.delete',
    ]) {
      expect(actions).toContain(action);
    }
    const rotation = audit.find(
      (a) => a.action === 'integration.update' && JSON.stringify(a.details).includes('secret_key'),
    );
    expect(rotation?.details).toMatchObject({ credentialsSet: ['secret_key'] });
    const haystacks = [JSON.stringify(responses), api.logs(), JSON.stringify(audit)];
    for (const secret of ALL_SECRETS) {
      for (const haystack of haystacks) {
        expect(haystack).not.toContain(secret);
        expect(haystack).not.toContain(encodeURIComponent(secret));
      }
    }
  });
});
