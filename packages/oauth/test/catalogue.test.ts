import { authSchemeSchema, listPlaceholders, mapRequest } from '@latchkey/credential-mapper';
import { describe, expect, it } from 'vitest';
import {
  getTemplate,
  type IntegrationTemplate,
  integrationTemplateSchema,
  joinScopes,
  listTemplates,
  pageTemplates,
  TEMPLATE_CATEGORIES,
  TEMPLATES,
  TemplateValidationError,
  templateKind,
  templateVerifies,
  validateTemplate,
  validateTemplates,
  verificationRequest,
} from '../src/catalogue';

const byKind = (kind: 'oauth2' | 'api_key' | 'database') =>
  TEMPLATES.filter((t) => templateKind(t) === kind);
const isHttps = (url: string) => new URL(url.replace(/<<[^<>]+>>/g, 'x')).protocol === 'https:';
const stripe = () => structuredClone(getTemplate('stripe')!);
const hubspot = () => structuredClone(getTemplate('hubspot')!);

describe('catalogue contents', () => {
  it('every template passes the schema', () => {
    for (const t of TEMPLATES) {
      const result = integrationTemplateSchema.safeParse(t);
      expect(result.success, `${t.id}: ${result.error?.message}`).toBe(true);
    }
  });

  it("every template's auth passes the api's auth-scheme rules (tenants are held to the same)", () => {
    for (const t of TEMPLATES) {
      const result = authSchemeSchema.safeParse(t.auth);
      expect(result.success, `${t.id}: ${result.error?.message}`).toBe(true);
    }
    // Chargebee sends its key as the Basic username with an empty password.
    expect(TEMPLATES.find((t) => t.id === 'chargebee')?.auth).toEqual({
      type: 'basic',
      username: 'api_key',
      password: '',
    });
  });

  it('ids are unique lowercase slugs', () => {
    const ids = TEMPLATES.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it('has at least 400 templates: OAuth, API key and databases', () => {
    expect(TEMPLATES.length).toBeGreaterThanOrEqual(400);
    expect(byKind('oauth2').length).toBeGreaterThanOrEqual(100);
    expect(byKind('api_key').length).toBeGreaterThanOrEqual(200);
    expect(byKind('database').map((t) => t.id)).toEqual(
      expect.arrayContaining(['postgres', 'mysql', 'supabase-postgres', 'neon', 'cockroachdb']),
    );
    // Basic auth and the client credentials grant are represented.
    expect(TEMPLATES.filter((t) => t.auth.type === 'basic').length).toBeGreaterThanOrEqual(30);
    expect(
      TEMPLATES.filter((t) => t.oauth?.grantTypes.includes('client_credentials')).length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('at least 300 templates declare a verification request and 100 their rate-limit headers', () => {
    expect(TEMPLATES.filter((t) => t.verify).length).toBeGreaterThanOrEqual(300);
    expect(TEMPLATES.filter((t) => t.rateLimit).length).toBeGreaterThanOrEqual(100);
  });

  it('managed PostgreSQL templates require TLS and keep the credential names of postgres', () => {
    const postgres = getTemplate('postgres')!;
    for (const t of byKind('database').filter((t) => t.urlHost.startsWith('postgresql://'))) {
      expect(t.credentialNames, t.id).toEqual(postgres.credentialNames);
      if (t.id !== 'postgres') expect(t.urlPath, t.id).toBe('/<<database>>?sslmode=require');
    }
  });

  it('covers the providers the issue names', () => {
    const oauth = [
      'google-sheets',
      'gmail',
      'google-drive',
      'google-calendar',
      'hubspot',
      'salesforce',
      'github',
      'slack',
      'microsoft-graph',
      'notion',
      'jira',
      'confluence',
      'shopify',
      'zoom',
      'dropbox',
      'xero',
      'quickbooks',
      'asana',
      'linear',
      'airtable',
      'intercom',
      'zendesk',
      'pipedrive',
      'calendly',
      'box',
      'discord',
      'gitlab',
      'linkedin',
      'spotify',
      'twitch',
      'stripe-connect',
      'mailchimp',
      'zoho-crm',
      'docusign',
    ];
    const apiKey = [
      'stripe',
      'sendgrid',
      'openai',
      'twilio',
      'mailgun',
      'postmark',
      'airtable-pat',
      'anthropic',
    ];
    for (const [ids, kind] of [
      [oauth, 'oauth2'],
      [apiKey, 'api_key'],
    ] as const) {
      for (const id of ids) {
        const t = getTemplate(id);
        expect(t, id).toBeDefined();
        if (t) expect(templateKind(t), id).toBe(kind);
      }
    }
  });

  it('uses https everywhere except database connection strings', () => {
    for (const t of TEMPLATES) {
      expect(isHttps(t.docsUrl), `${t.id} docsUrl`).toBe(true);
      if (templateKind(t) === 'database') {
        expect(t.urlHost, t.id).toMatch(/^(postgresql|mysql):\/\//);
      } else {
        expect(isHttps(t.urlHost), `${t.id} urlHost`).toBe(true);
      }
      const o = t.oauth;
      if (o) {
        for (const url of [o.authorizeUrl, o.tokenUrl, o.refreshUrl, o.revokeUrl]) {
          if (url !== undefined) expect(isHttps(url), `${t.id} ${url}`).toBe(true);
        }
      }
    }
  });

  it('every OAuth template has https authorize and token URLs, a scope separator and grants', () => {
    for (const t of byKind('oauth2')) {
      const o = t.oauth!;
      expect(o.authorizeUrl.startsWith('https://'), t.id).toBe(true);
      expect(o.tokenUrl.startsWith('https://'), t.id).toBe(true);
      expect([' ', ',', '+'], t.id).toContain(o.scopeSeparator);
      expect(o.grantTypes.length, t.id).toBeGreaterThan(0);
    }
  });

  it('templates whose auth is oauth2 have an oauth block, and OAuth templates send the access token', () => {
    for (const t of TEMPLATES) {
      if (t.auth.type === 'oauth2') expect(t.oauth, t.id).toBeDefined();
      if (t.oauth) {
        const credential = 'credential' in t.auth ? t.auth.credential : undefined;
        expect(t.auth.type === 'oauth2' ? (credential ?? 'access_token') : credential, t.id).toBe(
          'access_token',
        );
      }
    }
  });

  it('every placeholder in urlHost, urlPath, headers and OAuth URLs is a credential name', () => {
    for (const t of TEMPLATES) {
      const used = listPlaceholders([
        t.urlHost,
        t.urlPath,
        t.headers ?? {},
        t.oauth?.authorizeUrl ?? '',
        t.oauth?.tokenUrl ?? '',
      ]);
      for (const name of used) expect(t.credentialNames, `${t.id} <<${name}>>`).toContain(name);
    }
  });

  it('API-key templates name where the key goes, with credentials the user supplies', () => {
    for (const t of byKind('api_key')) {
      expect(t.credentialNames.length, t.id).toBeGreaterThan(0);
      expect(['bearer', 'header', 'query', 'basic'], t.id).toContain(t.auth.type);
    }
  });

  it('uses known categories only', () => {
    for (const t of TEMPLATES) expect(TEMPLATE_CATEGORIES, t.id).toContain(t.category);
  });

  it('Google products share Google’s endpoints and ask for offline access with consent', () => {
    const google = TEMPLATES.filter((t) => t.oauth?.authorizeUrl.includes('accounts.google.com'));
    expect(google.length).toBeGreaterThanOrEqual(10);
    for (const t of google) {
      expect(t.oauth).toMatchObject({
        authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
        tokenUrl: 'https://oauth2.googleapis.com/token',
        revokeUrl: 'https://oauth2.googleapis.com/revoke',
        extraAuthorizeParams: { access_type: 'offline', prompt: 'consent' },
      });
      for (const scope of t.oauth!.defaultScopes) expect(scope).toMatch(/^https:\/\//);
    }
    expect(getTemplate('google-sheets')!.oauth!.defaultScopes).toEqual([
      'https://www.googleapis.com/auth/spreadsheets',
    ]);
  });

  it('Atlassian and Microsoft templates carry their provider settings', () => {
    const jira = getTemplate('jira')!;
    expect(jira.oauth!.extraAuthorizeParams).toEqual({
      audience: 'api.atlassian.com',
      prompt: 'consent',
    });
    expect(jira.oauth!.refreshTokens).toBe('rotating');
    expect(jira.oauth!.defaultScopes).toContain('offline_access');
    expect(jira.credentialNames).toEqual(['cloud_id']);
    const graph = getTemplate('microsoft-graph')!;
    expect(graph.oauth!.tokenUrl).toBe(
      'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    );
    expect(graph.oauth!.defaultScopes).toContain('offline_access');
  });

  it('spot checks: Stripe, Twilio, Postmark, Shopify, Postgres', () => {
    expect(getTemplate('stripe')).toMatchObject({
      urlHost: 'https://api.stripe.com',
      urlPath: '/v1',
      auth: { type: 'bearer', credential: 'secret_key' },
      credentialNames: ['secret_key'],
    });
    expect(getTemplate('twilio')).toMatchObject({
      urlHost: 'https://api.twilio.com',
      urlPath: '/2010-04-01',
      auth: { type: 'basic', username: 'account_sid', password: 'auth_token' },
    });
    expect(getTemplate('postmark')!.auth).toEqual({
      type: 'header',
      name: 'X-Postmark-Server-Token',
      credential: 'server_token',
    });
    expect(getTemplate('shopify')).toMatchObject({
      urlHost: 'https://<<shop>>.myshopify.com',
      credentialNames: ['shop'],
      auth: { type: 'header', name: 'X-Shopify-Access-Token', credential: 'access_token' },
    });
    expect(getTemplate('postgres')).toMatchObject({
      urlHost: 'postgresql://<<user>>:<<password>>@<<host>>:<<port>>',
      urlPath: '/<<database>>',
      auth: { type: 'database' },
      credentialNames: ['user', 'password', 'host', 'port', 'database'],
    });
    expect(getTemplate('mysql')!.urlHost).toBe('mysql://<<user>>:<<password>>@<<host>>:<<port>>');
  });

  it('is frozen, so no caller can change a template for everyone', () => {
    const t = getTemplate('stripe')!;
    expect(Object.isFrozen(TEMPLATES)).toBe(true);
    expect(Object.isFrozen(t)).toBe(true);
    expect(Object.isFrozen(getTemplate('hubspot')!.oauth!.defaultScopes)).toBe(true);
    expect(() => {
      (t as { urlHost: string }).urlHost = 'https://evil.example';
    }).toThrow(TypeError);
  });
});

/** The credentials a template's auth scheme sends (the access token for OAuth templates). */
function authCredentials(t: IntegrationTemplate): string[] {
  if (t.oauth) return ['access_token'];
  if (t.auth.type === 'basic') {
    return [t.auth.username, t.auth.password].filter((n): n is string => !!n);
  }
  return 'credential' in t.auth && t.auth.credential ? [t.auth.credential] : [];
}

describe('a template needs nothing but its credentials (credential mapper round trip)', () => {
  const fakeValue = (name: string) => (name === 'port' ? '5432' : `val${name.replace(/_/g, '')}`);

  it.each(TEMPLATES.map((t) => [t.id, t] as const))('%s', (_id, t: IntegrationTemplate) => {
    const credentials = Object.fromEntries(t.credentialNames.map((n) => [n, fakeValue(n)]));
    const out = mapRequest({
      integration: { id: t.id, urlHost: t.urlHost, urlPath: t.urlPath, auth: t.auth, credentials },
      connectionCredentials: t.oauth ? { access_token: 'tokensecretvalue' } : undefined,
      request: { method: 'GET', path: '/ping', headers: t.headers },
    });
    if (templateKind(t) === 'database') {
      expect(out.kind).toBe('database');
      if (out.kind === 'database') expect(out.connectionString).not.toContain('<<');
      return;
    }
    expect(out.kind).toBe('http');
    if (out.kind !== 'http') return;
    expect(out.url.startsWith('https://')).toBe(true);
    expect(out.url).not.toContain('<<');
    for (const value of Object.values(out.headers)) expect(value).not.toContain('<<');
    // The secret went somewhere: a header or the query string.
    const placed = out.explanation.filter(
      (e) => e.placedIn.startsWith('header:') || e.placedIn.startsWith('query:'),
    );
    expect(placed.length).toBeGreaterThan(0);
    const authNames = authCredentials(t);
    expect(authNames.length).toBeGreaterThan(0);
    for (const name of authNames) expect(placed.map((e) => e.credential)).toContain(name);
  });
});

describe('every verification request can be built from the declared credentials', () => {
  const withVerify = TEMPLATES.filter((t) => t.verify);
  const dummy = (name: string) => `dummy${name.replace(/_/g, '')}`;

  it.each(withVerify.map((t) => [t.id, t] as const))('%s', (_id, t: IntegrationTemplate) => {
    const verify = t.verify!;
    const credentials = Object.fromEntries(t.credentialNames.map((n) => [n, dummy(n)]));
    const out = mapRequest({
      integration: { id: t.id, urlHost: t.urlHost, urlPath: t.urlPath, credentials },
      templateAuth: t.auth,
      connectionCredentials: t.oauth ? { access_token: 'dummyaccesstoken' } : undefined,
      request: verificationRequest(t),
    });
    expect(out.kind).toBe('http');
    if (out.kind !== 'http') return;
    const url = new URL(out.url);
    const base = new URL(
      (t.urlHost + t.urlPath).replace(/<<([^<>]+)>>/g, (_m, name: string) => dummy(name)),
    );
    // It stays on the template's own API: same origin, below the base path.
    expect(url.origin).toBe(base.origin);
    expect(url.pathname.startsWith(base.pathname.replace(/\/$/, ''))).toBe(true);
    expect(out.url).not.toContain('<<');
    expect(out.method).toBe(verify.method ?? 'GET');
    if (verify.body !== undefined) expect(JSON.parse(out.body ?? 'null')).toEqual(verify.body);
    // The credentials went with it, where the auth scheme puts them.
    const placed = out.explanation
      .filter((e) => e.placedIn.startsWith('header:') || e.placedIn.startsWith('query:'))
      .map((e) => e.credential);
    for (const name of authCredentials(t)) expect(placed, name).toContain(name);
  });
});

describe('getTemplate and listTemplates', () => {
  it('finds the well-known templates', () => {
    for (const id of ['stripe', 'google-sheets', 'hubspot', 'github', 'postgres']) {
      expect(getTemplate(id)?.id).toBe(id);
    }
    expect(getTemplate(' Stripe ')?.id).toBe('stripe');
    expect(getTemplate('nope')).toBeUndefined();
  });

  it('searches names and ids case-insensitively', () => {
    expect(listTemplates({ search: 'GOOGLE SHEETS' }).map((t) => t.id)).toEqual(['google-sheets']);
    expect(listTemplates({ search: 'hubSpot' }).map((t) => t.id)).toContain('hubspot');
    expect(listTemplates({ search: 'quickbooks online' }).map((t) => t.id)).toEqual(['quickbooks']);
    expect(listTemplates({ search: 'people api' }).map((t) => t.id)).toEqual(['google-contacts']);
    expect(listTemplates({ search: 'zzz-not-a-provider' })).toEqual([]);
  });

  it('filters by category and kind', () => {
    const databases = listTemplates({ category: 'database', kind: 'database' });
    expect(databases.map((t) => t.id).slice(0, 2)).toEqual(['postgres', 'mysql']);
    expect(databases.every((t) => t.auth.type === 'database')).toBe(true);
    const oauthCrm = listTemplates({ category: 'crm', kind: 'oauth2' });
    expect(oauthCrm.map((t) => t.id)).toContain('hubspot');
    expect(oauthCrm.every((t) => t.oauth)).toBe(true);
    const keys = listTemplates({ kind: 'api_key', search: 'stripe' });
    expect(keys.map((t) => t.id)).toEqual(['stripe']);
    expect(listTemplates()).toHaveLength(TEMPLATES.length);
  });

  it('pages through the matching templates with a total', () => {
    const first = pageTemplates({ limit: 100 });
    expect(first).toMatchObject({ total: TEMPLATES.length, offset: 0, nextOffset: 100 });
    expect(first.templates.map((t) => t.id)).toEqual(TEMPLATES.slice(0, 100).map((t) => t.id));
    const ids: string[] = [];
    for (let offset: number | null = 0; offset !== null; ) {
      const page = pageTemplates({ offset, limit: 150 });
      ids.push(...page.templates.map((t) => t.id));
      offset = page.nextOffset;
    }
    expect(ids).toEqual(TEMPLATES.map((t) => t.id));

    const crm = pageTemplates({ category: 'crm', limit: 5 });
    expect(crm.total).toBe(listTemplates({ category: 'crm' }).length);
    expect(crm.templates).toHaveLength(5);
    expect(crm.templates.every((t) => t.category === 'crm')).toBe(true);
    expect(pageTemplates({ search: 'stripe', offset: 50 })).toEqual({
      templates: [],
      total: listTemplates({ search: 'stripe' }).length,
      offset: 50,
      nextOffset: null,
    });
    // No paging asked for: everything, as listTemplates.
    expect(pageTemplates().templates).toHaveLength(TEMPLATES.length);
    expect(pageTemplates().nextOffset).toBeNull();
  });

  it('turns a verification request into a request for the mapper, with the template headers', () => {
    expect(verificationRequest(getTemplate('github')!)).toEqual({
      method: 'GET',
      path: '/user',
      headers: getTemplate('github')!.headers,
    });
    expect(verificationRequest(getTemplate('linear-api-key')!)).toEqual({
      method: 'POST',
      path: '',
      body: { query: '{ viewer { id } }' },
    });
    expect(verificationRequest(getTemplate('google-sheets')!)).toBeUndefined();
  });

  it('says which templates a credential test can verify', () => {
    expect(templateVerifies(getTemplate('stripe')!)).toBe(true);
    expect(templateVerifies(getTemplate('postgres')!)).toBe(true);
    expect(templateVerifies(getTemplate('google-sheets')!)).toBe(false);
  });

  it('joins scopes with the provider separator', () => {
    expect(joinScopes(getTemplate('slack')!.oauth!)).toBe('channels:read,chat:write,users:read');
    expect(joinScopes(getTemplate('github')!.oauth!, ['repo', 'read:user'])).toBe('repo read:user');
  });
});

describe('schema rejects malformed templates, naming the template and field', () => {
  const rejects = (input: unknown, pattern: RegExp) => {
    expect(() => validateTemplate(input)).toThrow(TemplateValidationError);
    expect(() => validateTemplate(input)).toThrow(pattern);
  };

  it('a non-https token URL', () => {
    const t = hubspot();
    t.oauth!.tokenUrl = 'http://api.hubapi.com/oauth/v1/token';
    rejects(t, /"hubspot".*oauth\.tokenUrl: must be an absolute https:\/\/ URL/);
  });

  it('oauth2 auth without an oauth block', () => {
    const { oauth: _oauth, ...t } = hubspot();
    rejects(t, /"hubspot".*oauth: required when auth is oauth2/);
  });

  it('a placeholder that is not a credential name', () => {
    const t = stripe();
    t.urlHost = 'https://<<region>>.stripe.com';
    rejects(t, /"stripe".*urlHost: uses <<region>> which is not in credentialNames/);
  });

  it('an auth credential that is not listed', () => {
    const t = stripe();
    t.auth = { type: 'bearer', credential: 'api_key' };
    rejects(t, /"stripe".*auth: names credential "api_key"/);
  });

  it('a bad id, a missing field, an unknown field, a bad separator', () => {
    rejects({ ...stripe(), id: 'Not A Slug' }, /"Not A Slug".*id: must be a lowercase slug/);
    const { docsUrl: _docs, ...noDocs } = stripe();
    rejects(noDocs, /"stripe".*docsUrl/);
    rejects({ ...stripe(), colour: 'blue' }, /"stripe".*colour/);
    const t = hubspot();
    (t.oauth as { scopeSeparator: string }).scopeSeparator = ';';
    rejects(t, /"hubspot".*oauth\.scopeSeparator/);
  });

  it('a path in urlHost and a non-database scheme', () => {
    rejects(
      { ...stripe(), urlHost: 'https://api.stripe.com/v1' },
      /"stripe".*urlHost: must be scheme and authority only/,
    );
    rejects(
      { ...stripe(), urlHost: 'postgresql://x' },
      /"stripe".*urlHost: must be an absolute https/,
    );
  });

  it('a verification request with a query in its path, a placeholder not listed, or on a database', () => {
    rejects(
      { ...stripe(), verify: { path: '/account?x=1' } },
      /"stripe".*verify\.path: must start with "\/"/,
    );
    rejects(
      { ...stripe(), verify: { path: '/accounts/<<account_id>>' } },
      /"stripe".*verify: uses <<account_id>> which is not in credentialNames/,
    );
    const postgres = structuredClone(getTemplate('postgres')!);
    rejects({ ...postgres, verify: { path: '/' } }, /"postgres".*verify: a database template/);
  });

  it('rate-limit rules without any header, or with an unknown reset format', () => {
    rejects({ ...stripe(), rateLimit: { remaining: 'X-Left' } }, /"stripe".*rateLimit/);
    rejects(
      { ...stripe(), rateLimit: { reset: [{ header: 'X-Reset', format: 'minutes' }] } },
      /"stripe".*rateLimit\.reset\.0\.format/,
    );
  });

  it('duplicate ids in a list', () => {
    expect(() => validateTemplates([stripe(), stripe()])).toThrow(/"stripe".*id: is not unique/);
  });

  it('accepts a well-formed template and returns it', () => {
    expect(validateTemplate(stripe())).toEqual(getTemplate('stripe'));
  });
});
