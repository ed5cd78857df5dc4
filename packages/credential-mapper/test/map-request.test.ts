import { describe, expect, it } from 'vitest';
import type { MappedDatabaseConnection, MappedHttpRequest, MapRequestInput } from '../src/index';
import { CredentialMappingError, mapRequest } from '../src/index';

function http(input: MapRequestInput): MappedHttpRequest {
  const out = mapRequest(input);
  if (out.kind !== 'http') throw new Error('expected an HTTP request');
  return out;
}

function database(input: MapRequestInput): MappedDatabaseConnection {
  const out = mapRequest(input);
  if (out.kind !== 'database') throw new Error('expected a database connection');
  return out;
}

function mappingError(run: () => unknown): CredentialMappingError {
  try {
    run();
  } catch (error) {
    if (error instanceof CredentialMappingError) return error;
    throw error;
  }
  throw new Error('expected a CredentialMappingError');
}

const basicHeader = (user: string, pass: string) =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('the issue table', () => {
  it('Stripe: secret key as Bearer from the declared scheme', () => {
    const out = http({
      integration: {
        id: 'stripe',
        urlHost: 'https://api.stripe.com',
        urlPath: '/v1',
        auth: { type: 'bearer' },
        credentials: { secret_key: 'sk_test_51Habc' },
      },
      request: { path: '/customers', query: { limit: 10 } },
    });
    expect(out.method).toBe('GET');
    expect(out.url).toBe('https://api.stripe.com/v1/customers?limit=10');
    expect(out.headers).toEqual({ Authorization: 'Bearer sk_test_51Habc' });
    expect(out.explanation).toEqual([
      expect.objectContaining({
        credential: 'secret_key',
        source: 'integration',
        placedIn: 'header:Authorization',
      }),
    ]);
  });

  it('Stripe: a Bearer placeholder in the template', () => {
    const out = http({
      integration: { id: 'stripe', urlHost: 'https://api.stripe.com', urlPath: '/v1' },
      connectionCredentials: { secret_key: 'sk_live_xyz' },
      request: { headers: { Authorization: 'Bearer <<secret_key>>' } },
    });
    expect(out.headers).toEqual({ Authorization: 'Bearer sk_live_xyz' });
    expect(out.explanation).toHaveLength(1);
  });

  it('HubSpot private app token, sent as Bearer by default', () => {
    const out = http({
      integration: { id: 'hubspot', urlHost: 'https://api.hubapi.com' },
      connectionCredentials: { private_app_token: 'pat-na1-1234' },
      request: { path: '/crm/v3/objects/contacts' },
    });
    expect(out.url).toBe('https://api.hubapi.com/crm/v3/objects/contacts');
    expect(out.headers.Authorization).toBe('Bearer pat-na1-1234');
    expect(out.explanation[0]?.reason).toContain('default placement');
  });

  it('X-SERVICE-API-KEY header placeholder fed by a credential named api_key', () => {
    const out = http({
      integration: { id: 'acme', urlHost: 'https://service.example.com' },
      connectionCredentials: { api_key: 'k-123456' },
      request: { headers: { 'X-SERVICE-API-KEY': '<<X-SERVICE-API-KEY>>' } },
    });
    expect(out.headers).toEqual({ 'X-SERVICE-API-KEY': 'k-123456' });
    expect(out.explanation[0]).toMatchObject({
      credential: 'api_key',
      placedIn: 'header:X-SERVICE-API-KEY',
    });
    expect(out.explanation[0]?.reason).toContain('trailing part "api key"');
  });

  it('X-SERVICE-API-KEY from a header scheme without a credential name', () => {
    const out = http({
      integration: {
        id: 'service',
        urlHost: 'https://service.example.com',
        auth: { type: 'header', name: 'X-SERVICE-API-KEY' },
        credentials: { api_key: 'k-abcdef' },
      },
    });
    expect(out.headers).toEqual({ 'X-SERVICE-API-KEY': 'k-abcdef' });
  });

  it('a query-parameter key, percent-encoded', () => {
    const out = http({
      integration: {
        id: 'weather',
        urlHost: 'https://api.weather.example',
        urlPath: '/data/2.5',
        auth: { type: 'query', name: 'appid' },
      },
      connectionCredentials: { api_key: 'a&b=c d+e' },
      request: { path: '/weather', query: { q: 'London' } },
    });
    const url = new URL(out.url);
    expect(url.searchParams.get('appid')).toBe('a&b=c d+e');
    expect(url.searchParams.get('q')).toBe('London');
    expect(out.url).toContain('appid=a%26b%3Dc%20d%2Be');
    expect(out.explanation[0]?.placedIn).toBe('query:appid');
  });

  it('a query key through a placeholder in the query map', () => {
    const out = http({
      integration: { id: 'maps', urlHost: 'https://maps.example.com' },
      runtimeCredentials: { key: 'AIza/+?' },
      request: { query: { key: '<<key>>' } },
    });
    expect(new URL(out.url).searchParams.get('key')).toBe('AIza/+?');
    expect(out.explanation[0]?.placedIn).toBe('query:key');
    expect(out.headers).toEqual({});
  });

  it('Basic auth with declared names', () => {
    const out = http({
      integration: {
        id: 'jira',
        urlHost: 'https://acme.atlassian.net',
        auth: { type: 'basic', username: 'email', password: 'api_token' },
        credentials: { email: 'ops@acme.test' },
      },
      connectionCredentials: { api_token: 'ATATT3x:y' },
    });
    expect(out.headers.Authorization).toBe(basicHeader('ops@acme.test', 'ATATT3x:y'));
    expect(out.explanation.map((e) => e.credential)).toEqual(['email', 'api_token']);
    expect(out.secrets).toContain(Buffer.from('ops@acme.test:ATATT3x:y').toString('base64'));
  });

  it('Basic auth with the default names and aliases (user / pass)', () => {
    const out = http({
      integration: { id: 'legacy', urlHost: 'https://legacy.example.com', auth: { type: 'basic' } },
      connectionCredentials: { user: 'bob', pass: 'hunter22' },
    });
    expect(out.headers.Authorization).toBe(basicHeader('bob', 'hunter22'));
  });

  it('Basic auth as the default when there is no key or token', () => {
    const out = http({
      integration: { id: 'legacy', urlHost: 'https://legacy.example.com' },
      connectionCredentials: { username: 'bob', password: 'hunter22' },
    });
    expect(out.headers.Authorization).toBe(basicHeader('bob', 'hunter22'));
  });

  it('Basic with an empty password (key as username)', () => {
    const out = http({
      integration: {
        id: 'stripe',
        urlHost: 'https://api.stripe.com',
        auth: { type: 'basic', username: 'secret_key', password: '' },
      },
      connectionCredentials: { secret_key: 'sk_test_1' },
    });
    expect(out.headers.Authorization).toBe(basicHeader('sk_test_1', ''));
  });

  it('an OAuth access token as Bearer', () => {
    const out = http({
      integration: {
        id: 'google',
        urlHost: 'https://www.googleapis.com',
        auth: { type: 'oauth2' },
        credentials: { client_id: 'cid.apps', client_secret: 'GOCSPX-secret' },
      },
      connectionCredentials: { access_token: 'ya29.token', refresh_token: '1//refresh' },
      request: { path: '/drive/v3/files' },
    });
    expect(out.headers).toEqual({ Authorization: 'Bearer ya29.token' });
    expect(out.explanation).toEqual([
      expect.objectContaining({ credential: 'access_token', source: 'connection' }),
    ]);
    expect(out.secrets).not.toContain('1//refresh');
    expect(out.secrets).not.toContain('GOCSPX-secret');
  });

  it('the OAuth scheme from the template when the integration declares none', () => {
    const out = http({
      integration: { id: 'hubspot', urlHost: 'https://api.hubapi.com', templateId: 'hubspot' },
      templateAuth: { type: 'oauth2' },
      connectionCredentials: { access_token: 'CJ-token', refresh_token: 'r' },
    });
    expect(out.headers.Authorization).toBe('Bearer CJ-token');
    expect(out.explanation[0]?.reason).toContain('declared by the template');
  });

  it('Postgres URL with a password containing @, / and :', () => {
    const password = 'p@ss/w:rd#?%';
    const out = database({
      integration: {
        id: 'warehouse',
        urlHost: 'postgresql://<<user>>:<<password>>@<<host>>:<<port>>',
        urlPath: '/<<database_name>>',
      },
      connectionCredentials: {
        user: 'analyst',
        password,
        host: 'db.internal',
        port: '5432',
        database: 'sales data',
      },
    });
    expect(out.connectionString).toBe(
      'postgresql://analyst:p%40ss%2Fw%3Ard%23%3F%25@db.internal:5432/sales%20data',
    );
    const url = new URL(out.connectionString);
    expect(decodeURIComponent(url.username)).toBe('analyst');
    expect(decodeURIComponent(url.password)).toBe(password);
    expect(url.hostname).toBe('db.internal');
    expect(url.port).toBe('5432');
    expect(decodeURIComponent(url.pathname.slice(1))).toBe('sales data');
    expect(out.explanation.map((e) => [e.credential, e.placedIn])).toEqual([
      ['user', 'connectionString'],
      ['password', 'connectionString'],
      ['host', 'connectionString'],
      ['port', 'connectionString'],
      ['database', 'connectionString'],
    ]);
    // host and port are routing details, not secrets
    expect(out.secrets).toContain(password);
    expect(out.secrets).not.toContain('db.internal');
    expect(out.secrets).not.toContain('5432');
  });

  it('runtime names with the integration prefix', () => {
    const out = http({
      integration: {
        id: 'stripe',
        urlHost: 'https://api.stripe.com',
        urlPath: '/v1',
        credentials: { secret_key: 'sk_stored' },
      },
      runtimeCredentials: { stripe_secret_key: 'sk_runtime', stripe_api_key: 'ak_runtime' },
      request: {
        headers: { Authorization: 'Bearer <<secret_key>>', 'X-Other': '<<api_key>>' },
      },
    });
    expect(out.headers).toEqual({ Authorization: 'Bearer sk_runtime', 'X-Other': 'ak_runtime' });
    expect(out.explanation[0]).toMatchObject({
      credential: 'stripe_secret_key',
      source: 'runtime',
    });
    expect(out.explanation[0]?.reason).toContain('integration id "stripe"');
    expect(out.explanation[0]?.reason).toContain('overrides integration credential secret_key');
  });

  it('unresolved placeholder: typed error with candidate names', () => {
    const error = mappingError(() =>
      mapRequest({
        integration: { id: 'x', urlHost: 'https://x.example', credentials: { api_key: 'sekrit1' } },
        request: { headers: { 'X-Tenant': '<<tenant_secret>>' } },
      }),
    );
    expect(error.code).toBe('UNRESOLVED_PLACEHOLDER');
    expect(error.placeholder).toBe('tenant_secret');
    expect(error.candidates).toEqual(['api_key']);
    expect(error.location).toBe('header:X-Tenant');
    expect(error.message).toContain('<<tenant_secret>>');
    expect(error.message).not.toContain('sekrit1');
  });

  it('ambiguous placeholder: typed error listing both names', () => {
    const error = mappingError(() =>
      mapRequest({
        integration: { id: 'x', urlHost: 'https://x.example' },
        connectionCredentials: { access_token: 'tok-1111', api_key: 'key-2222' },
        request: { headers: { Authorization: 'Bearer <<token>>' } },
      }),
    );
    expect(error.code).toBe('AMBIGUOUS_PLACEHOLDER');
    expect(error.placeholder).toBe('token');
    expect(error.candidates).toEqual(['access_token', 'api_key']);
    expect(error.message).not.toMatch(/tok-1111|key-2222/);
  });

  it('CRLF in a header value: typed error naming the placeholder, not the value', () => {
    const error = mappingError(() =>
      mapRequest({
        integration: { id: 'x', urlHost: 'https://x.example' },
        runtimeCredentials: { api_key: 'abc\r\nX-Evil: 1' },
        request: { headers: { 'X-Api-Key': '<<api_key>>' } },
      }),
    );
    expect(error.code).toBe('INVALID_HEADER_VALUE');
    expect(error.placeholder).toBe('api_key');
    expect(error.location).toBe('header:X-Api-Key');
    expect(error.message).not.toContain('X-Evil');
  });
});

describe('precedence', () => {
  const integration = {
    id: 'acme',
    urlHost: 'https://acme.example',
    credentials: { api_key: 'from-integration' },
  };
  const request = { headers: { 'X-Key': '<<api_key>>' } };

  it('runtime > connection > integration', () => {
    const value = (input: Partial<MapRequestInput>) =>
      http({ integration, request, ...input }).headers['X-Key'];
    expect(value({})).toBe('from-integration');
    expect(value({ connectionCredentials: { api_key: 'from-connection' } })).toBe(
      'from-connection',
    );
    expect(
      value({
        connectionCredentials: { api_key: 'from-connection' },
        runtimeCredentials: { api_key: 'from-runtime' },
      }),
    ).toBe('from-runtime');
  });

  it('applies across spellings of the same name', () => {
    const out = http({ integration, request, runtimeCredentials: { 'API-KEY': 'runtime' } });
    expect(out.headers['X-Key']).toBe('runtime');
    expect(out.explanation[0]?.reason).toContain('ignoring case and separators');
  });

  it('a prefixed runtime name beats a plain runtime name', () => {
    const out = http({
      integration,
      request,
      runtimeCredentials: { api_key: 'generic', acme_api_key: 'specific' },
    });
    expect(out.headers['X-Key']).toBe('specific');
  });

  it('does not choose between different alias names by source', () => {
    const error = mappingError(() =>
      http({
        integration: { ...integration, credentials: { token: 'int-tok' } },
        runtimeCredentials: { access_key: 'rt-key' },
        request: { headers: { 'X-Key': '<<api_key>>' } },
      }),
    );
    expect(error.code).toBe('AMBIGUOUS_PLACEHOLDER');
    expect(error.candidates).toEqual(['access_key', 'token']);
  });
});

describe('variables', () => {
  const integration = { id: 'crm', urlHost: 'https://crm.example', urlPath: '/api' };

  it('resolves dotted paths into path, query, headers and body', () => {
    const out = http({
      integration,
      connectionCredentials: { api_key: 'k-999999' },
      request: {
        method: 'post',
        path: '/customers/<<input.customerId>>/notes',
        query: { after: '<<steps.list.cursor>>' },
        headers: { 'X-Request': 'run-<<input.runId>>', 'X-Key': '<<api_key>>' },
        body: {
          text: 'Hello <<steps.getUser.name>>',
          count: '<<input.count>>',
          tags: '<<steps.list.items>>',
          first: '<<steps.list.items.0>>',
        },
      },
      variables: {
        input: { customerId: 'cus/42', runId: 7, count: 3 },
        steps: { getUser: { name: 'Ada "L"' }, list: { cursor: 'a b', items: ['x', 'y'] } },
      },
    });
    expect(out.method).toBe('POST');
    expect(out.url).toBe('https://crm.example/api/customers/cus%2F42/notes?after=a%20b');
    expect(out.headers).toEqual({
      'X-Request': 'run-7',
      'X-Key': 'k-999999',
      'content-type': 'application/json',
    });
    expect(JSON.parse(out.body ?? '')).toEqual({
      text: 'Hello Ada "L"',
      count: 3,
      tags: ['x', 'y'],
      first: 'x',
    });
    // variables are not secrets and not credentials
    expect(out.explanation.map((e) => e.credential)).toEqual(['api_key']);
    expect(out.secrets).not.toContain('cus/42');
  });

  it('credentials win for plain names, variables fill the rest', () => {
    const out = http({
      integration,
      connectionCredentials: { region: 'eu' },
      request: { headers: { 'X-Region': '<<region>>', 'X-Mode': '<<mode>>' } },
      variables: { region: 'us', mode: 'fast' },
    });
    expect(out.headers).toMatchObject({ 'X-Region': 'eu', 'X-Mode': 'fast' });
  });

  it('a missing variable path is unresolved', () => {
    const error = mappingError(() =>
      http({ integration, request: { path: '/<<input.missing>>' }, variables: { input: {} } }),
    );
    expect(error).toMatchObject({ code: 'UNRESOLVED_PLACEHOLDER', placeholder: 'input.missing' });
  });

  it('does not read inherited properties', () => {
    const error = mappingError(() =>
      http({ integration, request: { path: '/<<input.constructor>>' }, variables: { input: {} } }),
    );
    expect(error.code).toBe('UNRESOLVED_PLACEHOLDER');
  });

  it('substitution is a single pass: values are not expanded again', () => {
    const out = http({
      integration,
      connectionCredentials: { api_key: 'k-111111', other: 'k-222222' },
      request: { headers: { 'X-Note': '<<input.note>>', 'X-Key': '<<api_key>>' } },
      variables: { input: { note: '<<other>>' } },
    });
    expect(out.headers['X-Note']).toBe('<<other>>');
  });
});

describe('bodies', () => {
  const integration = { id: 'svc', urlHost: 'https://svc.example' };
  const creds = { api_key: 'a"b\\c d&e' };

  it('a string body with a JSON content type gets JSON-escaped values', () => {
    const out = http({
      integration,
      connectionCredentials: creds,
      request: {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"key":"<<api_key>>"}',
      },
    });
    expect(JSON.parse(out.body ?? '')).toEqual({ key: creds.api_key });
  });

  it('a form body (string or object) gets form-encoded values', () => {
    const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const fromString = http({
      integration,
      connectionCredentials: creds,
      request: { method: 'POST', headers, body: 'key=<<api_key>>&x=1' },
    });
    const fromObject = http({
      integration,
      connectionCredentials: creds,
      request: { method: 'POST', headers, body: { key: '<<api_key>>', x: 1 } },
    });
    expect(fromString.body).toBe('key=a%22b%5Cc+d%26e&x=1');
    expect(fromObject.body).toBe(fromString.body);
    expect(new URLSearchParams(fromObject.body).get('key')).toBe(creds.api_key);
  });

  it('a plain string body is raw', () => {
    const out = http({
      integration,
      connectionCredentials: creds,
      request: { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'k=<<api_key>>' },
    });
    expect(out.body).toBe(`k=${creds.api_key}`);
  });

  it('keeps __proto__ keys as data', () => {
    const body = JSON.parse('{"__proto__":{"polluted":"<<api_key>>"}}');
    const out = http({
      integration,
      connectionCredentials: { api_key: 'k-333333' },
      request: { method: 'POST', body },
    });
    expect(JSON.parse(out.body ?? '')).toEqual(JSON.parse('{"__proto__":{"polluted":"k-333333"}}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('auth placement', () => {
  it('a declared scheme still applies when placeholders used other credentials', () => {
    const out = http({
      integration: {
        id: 'shopify',
        urlHost: 'https://<<shop>>.myshopify.com',
        urlPath: '/admin/api/2024-10',
        auth: { type: 'header', name: 'X-Shopify-Access-Token' },
      },
      connectionCredentials: { shop: 'acme-store', access_token: 'shpat_1234' },
      request: { path: '/products.json' },
    });
    expect(out.url).toBe('https://acme-store.myshopify.com/admin/api/2024-10/products.json');
    expect(out.headers).toEqual({ 'X-Shopify-Access-Token': 'shpat_1234' });
  });

  it('a declared scheme is skipped when the template sets its header', () => {
    const out = http({
      integration: {
        id: 'x',
        urlHost: 'https://x.example',
        auth: { type: 'bearer' },
        credentials: { api_key: 'k-444444' },
      },
      request: { headers: { authorization: 'Token <<api_key>>' } },
    });
    expect(out.headers).toEqual({ authorization: 'Token k-444444' });
    expect(out.explanation).toHaveLength(1);
  });

  it('a header scheme with a prefix', () => {
    const out = http({
      integration: {
        id: 'x',
        urlHost: 'https://x.example',
        auth: { type: 'header', name: 'Authorization', prefix: 'Token', credential: 'token' },
      },
      connectionCredentials: { token: 't-555555' },
    });
    expect(out.headers).toEqual({ Authorization: 'Token t-555555' });
  });

  it('no default auth when a placeholder used a credential', () => {
    const out = http({
      integration: { id: 'x', urlHost: 'https://x.example' },
      connectionCredentials: { api_key: 'k-666666', account: 'acct_1' },
      request: { path: '/accounts/<<account>>' },
    });
    expect(out.headers).toEqual({});
  });

  it('none: nothing is added', () => {
    const out = http({
      integration: { id: 'x', urlHost: 'https://x.example', auth: { type: 'none' } },
      connectionCredentials: { api_key: 'k-777777' },
    });
    expect(out.headers).toEqual({});
    expect(out.secrets).toEqual([]);
  });

  it('no credentials at all: nothing is added', () => {
    const out = http({ integration: { id: 'x', urlHost: 'https://x.example' } });
    expect(out.headers).toEqual({});
    expect(out.explanation).toEqual([]);
  });

  it('the default refuses to guess between two tokens', () => {
    const error = mappingError(() =>
      http({
        integration: { id: 'x', urlHost: 'https://x.example' },
        connectionCredentials: { api_key: 'k-1', access_token: 't-1' },
      }),
    );
    expect(error).toMatchObject({
      code: 'AMBIGUOUS_CREDENTIAL',
      candidates: ['access_token', 'api_key'],
      location: 'auth:default',
    });
  });

  it('a declared scheme whose credential is missing', () => {
    const error = mappingError(() =>
      http({
        integration: { id: 'x', urlHost: 'https://x.example', auth: { type: 'oauth2' } },
        connectionCredentials: { refresh_token: 'r-1' },
      }),
    );
    expect(error).toMatchObject({
      code: 'UNRESOLVED_CREDENTIAL',
      placeholder: 'access_token',
      candidates: ['refresh_token'],
    });
  });

  it('a Basic username with a colon is rejected', () => {
    const error = mappingError(() =>
      http({
        integration: { id: 'x', urlHost: 'https://x.example', auth: { type: 'basic' } },
        connectionCredentials: { username: 'a:b', password: 'pw-888888' },
      }),
    );
    expect(error.code).toBe('INVALID_CREDENTIAL_VALUE');
    expect(error.message).not.toContain('a:b');
  });

  it('CRLF in a credential placed by the scheme is rejected', () => {
    const error = mappingError(() =>
      http({
        integration: { id: 'x', urlHost: 'https://x.example', auth: { type: 'bearer' } },
        connectionCredentials: { token: 'abc\nInjected: yes' },
      }),
    );
    expect(error).toMatchObject({ code: 'INVALID_HEADER_VALUE', location: 'header:Authorization' });
    expect(error.message).not.toContain('Injected');
  });

  it('CR, LF or NUL in template header text is rejected', () => {
    const error = mappingError(() =>
      http({
        integration: { id: 'x', urlHost: 'https://x.example' },
        request: { headers: { 'X-A': 'a\r\nb' } },
      }),
    );
    expect(error.code).toBe('INVALID_HEADER_VALUE');
  });

  it('an invalid header name is rejected', () => {
    const error = mappingError(() =>
      http({
        integration: { id: 'x', urlHost: 'https://x.example' },
        request: { headers: { 'Bad Header': 'x' } },
      }),
    );
    expect(error.code).toBe('INVALID_HEADER_NAME');
  });

  it('the query scheme is skipped when the template already has the parameter', () => {
    const out = http({
      integration: {
        id: 'x',
        urlHost: 'https://x.example',
        urlPath: '/v1?api_key=<<api_key>>',
        auth: { type: 'query', name: 'api_key' },
      },
      connectionCredentials: { api_key: 'k-999000' },
    });
    expect(out.url).toBe('https://x.example/v1?api_key=k-999000');
  });
});

describe('URLs', () => {
  it('a whole-host placeholder supplies the base URL as is', () => {
    const out = http({
      integration: { id: 'salesforce', urlHost: '<<instance_url>>', urlPath: '/services/data' },
      connectionCredentials: { instance_url: 'https://acme.my.salesforce.com', access_token: 't' },
      request: { path: '/query', query: { q: 'SELECT Id FROM Account' } },
      templateAuth: { type: 'oauth2' },
    });
    expect(out.url).toBe(
      'https://acme.my.salesforce.com/services/data/query?q=SELECT%20Id%20FROM%20Account',
    );
    expect(out.headers.Authorization).toBe('Bearer t');
  });

  it('a whole-host placeholder must be an absolute URL', () => {
    const error = mappingError(() =>
      http({
        integration: { id: 'x', urlHost: '<<base>>' },
        connectionCredentials: { base: 'not a url' },
      }),
    );
    expect(error).toMatchObject({ code: 'INVALID_URL', placeholder: 'base' });
    expect(error.message).not.toContain('not a url');
  });

  it('a host placeholder is one label: it cannot inject a path or another host', () => {
    const ok = http({
      integration: { id: 'x', urlHost: 'https://<<sub>>.example.com' },
      variables: { sub: 'eu-west' },
    });
    expect(ok.url).toBe('https://eu-west.example.com');
    const error = mappingError(() =>
      http({
        integration: { id: 'x', urlHost: 'https://<<sub>>.example.com' },
        variables: { sub: 'evil.com/x?' },
      }),
    );
    expect(error.code).toBe('INVALID_URL');
  });

  it('the integration id itself counts as a qualifier of a placeholder', () => {
    const out = http({
      integration: { id: 'service', urlHost: 'https://service.example.com' },
      connectionCredentials: { api_key: 'k-123456' },
      request: { headers: { 'X-SERVICE-API-KEY': '<<X-SERVICE-API-KEY>>' } },
    });
    expect(out.headers['X-SERVICE-API-KEY']).toBe('k-123456');
  });

  it('non-http schemes are refused for HTTP integrations', () => {
    const error = mappingError(() => http({ integration: { id: 'x', urlHost: 'file:///etc' } }));
    expect(error.code).toBe('INVALID_URL');
  });

  it('a broken URL gives an error without the URL', () => {
    const error = mappingError(() =>
      http({
        integration: { id: 'x', urlHost: 'https://x.example:<<port>>' },
        connectionCredentials: { port: 'sekret-port' },
      }),
    );
    expect(error.code).toBe('INVALID_URL');
    expect(error.message).not.toContain('sekret');
  });

  it('joins host, path and step path with single slashes', () => {
    const out = http({
      integration: { id: 'x', urlHost: 'https://x.example/', urlPath: 'v2/' },
      request: { path: '/items', query: { tag: ['a', 'b'], skip: null, n: 0, on: true } },
    });
    expect(out.url).toBe('https://x.example/v2/items?tag=a&tag=b&n=0&on=true');
  });

  it('rejects a non-word method', () => {
    const error = mappingError(() =>
      http({ integration: { id: 'x', urlHost: 'https://x.example' }, request: { method: 'GE T' } }),
    );
    expect(error.code).toBe('INVALID_METHOD');
  });
});

describe('databases', () => {
  it('inserts userinfo and database when the template has none', () => {
    const out = database({
      integration: {
        id: 'pg',
        urlHost: 'postgres://db.example.com:5432',
        auth: { type: 'database' },
      },
      connectionCredentials: { username: 'app', password: 'a@b:c/d', database: 'main' },
      request: { query: { sslmode: 'require' } },
    });
    expect(out.connectionString).toBe(
      'postgres://app:a%40b%3Ac%2Fd@db.example.com:5432/main?sslmode=require',
    );
    const url = new URL(out.connectionString);
    expect(decodeURIComponent(url.password)).toBe('a@b:c/d');
  });

  it('is detected from the scheme even without a declared auth', () => {
    const out = mapRequest({
      integration: { id: 'my', urlHost: 'mysql://<<user>>:<<pwd>>@localhost:3306/shop' },
      runtimeCredentials: { my_user: 'root', my_password: 'pw' },
    });
    expect(out).toMatchObject({
      kind: 'database',
      connectionString: 'mysql://root:pw@localhost:3306/shop',
    });
  });

  it('a whole connection string credential goes in as is', () => {
    const out = database({
      integration: { id: 'pg', urlHost: '<<database_url>>', auth: { type: 'database' } },
      connectionCredentials: { database_url: 'postgresql://u:p%40@h:1/db' },
    });
    expect(out.connectionString).toBe('postgresql://u:p%40@h:1/db');
  });

  it('an IPv6 host goes in brackets', () => {
    const out = database({
      integration: { id: 'pg', urlHost: 'postgresql://<<host>>:5432/db' },
      connectionCredentials: { host: '::1' },
    });
    expect(out.connectionString).toBe('postgresql://[::1]:5432/db');
  });
});
