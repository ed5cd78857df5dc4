import { describe, expect, it } from 'vitest';
import type { CredentialName, CredentialSource } from '../src/index';
import { ALIAS_GROUPS, aliasGroupOf, NamePool, normaliseName, tokenize } from '../src/index';

const pool = (names: Partial<Record<CredentialSource, string[]>>, id = 'stripe') =>
  new NamePool<CredentialName>(
    (['runtime', 'connection', 'integration'] as const).flatMap((source) =>
      (names[source] ?? []).map((name) => ({ name, source })),
    ),
    id,
  );

const resolved = (p: NamePool<CredentialName>, name: string) => {
  const res = p.resolve(name);
  return res.status === 'resolved' ? `${res.credential.source}:${res.credential.name}` : res.status;
};

describe('tokenize and normaliseName', () => {
  it.each([
    ['api_key', ['api', 'key']],
    ['API-KEY', ['api', 'key']],
    ['apiKey', ['api', 'key']],
    ['APIKey', ['api', 'key']],
    ['X-Service API key', ['x', 'service', 'api', 'key']],
    ['oauth2Token', ['oauth2', 'token']],
    ['__', []],
  ])('%s', (name, tokens) => {
    expect(tokenize(name)).toEqual(tokens);
  });

  it('drops a leading x and the integration id, never the whole name', () => {
    expect(normaliseName('X-Api-Key').key).toBe('apikey');
    expect(normaliseName('STRIPE_SECRET_KEY', 'stripe')).toEqual({
      tokens: ['secret', 'key'],
      key: 'secretkey',
      prefixed: true,
    });
    expect(normaliseName('x-stripe-api-key', 'stripe').key).toBe('apikey');
    expect(normaliseName('stripe', 'stripe').key).toBe('stripe');
    expect(normaliseName('x').key).toBe('x');
    expect(normaliseName('stripe-dev-42_token', 'stripe-dev-42').key).toBe('token');
  });

  it('drops a word of the integration id that names the provider (the documentation’s my-stripe)', () => {
    expect(normaliseName('stripe_secret_key', 'my-stripe')).toEqual({
      tokens: ['secret', 'key'],
      key: 'secretkey',
      prefixed: true,
    });
    expect(normaliseName('stripe_secret_key', 'stripe-dev-42').key).toBe('secretkey');
    expect(normaliseName('hubspot_api_key', 'hubspot-crm').key).toBe('apikey');
    // Short, numeric and generic words are no prefix: `my_token` stays as it is.
    expect(normaliseName('my_token', 'my-stripe').key).toBe('mytoken');
    expect(normaliseName('42_token', 'stripe-dev-42').key).toBe('42token');
    expect(normaliseName('key_id', 'key-store').key).toBe('keyid');
    // Another provider's name is not ours.
    expect(normaliseName('hubspot_api_key', 'my-stripe').key).toBe('hubspotapikey');
  });

  it('alias groups cover the names of the issue', () => {
    for (const name of ['api_key', 'apikey', 'key', 'token', 'api_token', 'access_key', 'APIKey']) {
      expect(aliasGroupOf(name)).toBe('api_key');
    }
    expect(['database_name', 'database', 'db', 'dbname'].map((n) => aliasGroupOf(n))).toEqual(
      Array(4).fill('database'),
    );
    expect(['pass', 'password', 'pwd'].map((n) => aliasGroupOf(n))).toEqual(
      Array(3).fill('password'),
    );
    expect(['user', 'username', 'login'].map((n) => aliasGroupOf(n))).toEqual(
      Array(3).fill('username'),
    );
    expect(aliasGroupOf('hostname')).toBe('host');
    expect(aliasGroupOf('refresh_token')).toBeUndefined();
    expect(aliasGroupOf('client_secret')).toBeUndefined();
  });

  it('no name belongs to two groups', () => {
    const keys = Object.values(ALIAS_GROUPS).flatMap((names) => [
      ...new Set(names.map((n) => normaliseName(n).key)),
    ]);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('NamePool.resolve', () => {
  it('exact name', () => {
    const p = pool({ integration: ['secret_key', 'api_key'] });
    expect(p.resolve('secret_key')).toMatchObject({ status: 'resolved', match: 'exact' });
  });

  it('integration-prefixed runtime name', () => {
    const p = pool({ runtime: ['stripe_secret_key', 'stripe_api_key'] });
    expect(resolved(p, 'secret_key')).toBe('runtime:stripe_secret_key');
    expect(resolved(p, 'api_key')).toBe('runtime:stripe_api_key');
    expect(p.resolve('api_key')).toMatchObject({ match: 'prefixed' });
    // another integration's prefix is not ours
    expect(resolved(pool({ runtime: ['hubspot_api_key'] }), 'api_key')).toBe('unresolved');
  });

  it('normalised spelling', () => {
    expect(pool({ connection: ['API-KEY'] }).resolve('api_key')).toMatchObject({
      status: 'resolved',
      match: 'normalised',
    });
  });

  it('alias groups', () => {
    expect(pool({ connection: ['database'] }).resolve('database_name')).toMatchObject({
      status: 'resolved',
      match: 'alias',
      group: 'database',
    });
    expect(resolved(pool({ connection: ['pwd'] }), 'password')).toBe('connection:pwd');
    expect(resolved(pool({ connection: ['login'] }), 'user')).toBe('connection:login');
    expect(resolved(pool({ connection: ['hostname'] }), 'host')).toBe('connection:hostname');
  });

  it('the exact slot wins over other members of its alias group', () => {
    expect(resolved(pool({ connection: ['api_key', 'token'] }), 'api_key')).toBe(
      'connection:api_key',
    );
    expect(pool({ connection: ['token', 'key'] }).resolve('api_key')).toEqual({
      status: 'ambiguous',
      candidates: ['key', 'token'],
    });
  });

  it('trailing parts: qualifiers before a known name are dropped', () => {
    const p = pool({ connection: ['api_key', 'password'] }, 'acme');
    expect(p.resolve('X-SERVICE-API-KEY')).toMatchObject({
      status: 'resolved',
      trailing: 'api key',
      credential: { name: 'api_key' },
    });
    expect(resolved(p, 'admin_password')).toBe('connection:password');
    // the longest trailing part wins
    expect(
      resolved(pool({ connection: ['api_key', 'service_api_key'] }), 'x-service-api-key'),
    ).toBe('connection:service_api_key');
  });

  it('a lone generic word never counts as a trailing part', () => {
    const p = pool({ connection: ['api_key', 'user', 'host'] }, 'acme');
    expect(resolved(p, 'client_key')).toBe('unresolved');
    expect(resolved(p, 'refresh_token')).toBe('unresolved');
    expect(resolved(p, 'client_secret')).toBe('unresolved');
    expect(resolved(p, 'db_host')).toBe('unresolved');
    expect(resolved(p, 'admin_user')).toBe('unresolved');
  });

  it('precedence within a slot: source, then prefixed, then exact spelling', () => {
    expect(resolved(pool({ integration: ['api_key'], connection: ['apiKey'] }), 'api_key')).toBe(
      'connection:apiKey',
    );
    expect(
      resolved(pool({ integration: ['api_key'], runtime: ['stripe_api_key'] }), 'api_key'),
    ).toBe('runtime:stripe_api_key');
    expect(resolved(pool({ runtime: ['api_key', 'stripe_api_key'] }), 'api_key')).toBe(
      'runtime:stripe_api_key',
    );
    expect(resolved(pool({ runtime: ['api_key', 'API_KEY'] }), 'API_KEY')).toBe('runtime:API_KEY');
    expect(pool({ runtime: ['api_key', 'API_KEY'] }).resolve('Api-Key')).toEqual({
      status: 'ambiguous',
      candidates: ['api_key', 'API_KEY'],
    });
  });

  it('lists overridden credentials', () => {
    const res = pool({ integration: ['secret_key'], runtime: ['stripe_secret_key'] }).resolve(
      'secret_key',
    );
    expect(res).toMatchObject({ overrides: [{ name: 'secret_key', source: 'integration' }] });
  });

  it('unresolved lists every available name', () => {
    expect(pool({ runtime: ['b'], integration: ['a', 'b'] }).resolve('zzz')).toEqual({
      status: 'unresolved',
      candidates: ['a', 'b'],
    });
  });

  it('a name without letters still resolves to the same exact name', () => {
    expect(resolved(pool({ connection: ['__'] }), '__')).toBe('connection:__');
  });

  it('resolveGroup needs exactly one slot of the group', () => {
    expect(
      pool({ connection: ['access_token', 'refresh_token'] }).resolveGroup('api_key'),
    ).toMatchObject({
      status: 'resolved',
      credential: { name: 'access_token' },
    });
    expect(pool({ connection: ['api_key', 'token'] }).resolveGroup('api_key').status).toBe(
      'ambiguous',
    );
    expect(pool({}).resolveGroup('api_key').status).toBe('unresolved');
  });

  it('resolves the same once its table of known names has been refilled', () => {
    const names = pool({ connection: ['stripe_api_key', 'password'] });
    const before = names.resolve('X-SERVICE-API-KEY');
    for (let i = 0; i < 2000; i++) names.resolve(`name_${i}`);
    expect(names.resolve('X-SERVICE-API-KEY')).toEqual(before);
    expect(aliasGroupOf('X-Stripe-Pwd', 'stripe')).toBe('password');
  });
});
