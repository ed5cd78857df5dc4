import { describe, expect, it } from 'vitest';
import { getTemplate } from '../src/catalogue';
import {
  configFromTemplate,
  grantedScopesOf,
  OAuthFlowError,
  parseScopes,
  permissionScopes,
  scopesMissing,
  startAuthorization,
} from '../src/flows';

const oauthOf = (id: string) => {
  const oauth = getTemplate(id)?.oauth;
  if (!oauth) throw new Error(`no OAuth template ${id}`);
  return oauth;
};

describe('configFromTemplate', () => {
  it("fills Shopify's <<shop>> and the template's defaults", () => {
    const config = configFromTemplate(
      oauthOf('shopify'),
      { clientId: 'app', clientSecret: 'shh-secret' },
      { shop: 'acme-store' },
    );
    expect(config).toMatchObject({
      authorizeUrl: 'https://acme-store.myshopify.com/admin/oauth/authorize',
      tokenUrl: 'https://acme-store.myshopify.com/admin/oauth/access_token',
      clientId: 'app',
      clientSecret: 'shh-secret',
      clientAuthMethod: 'client_secret_post',
      scopes: ['read_products', 'read_orders', 'read_customers'],
      scopeSeparator: ',',
      pkce: 'unsupported',
    });
  });

  it('names a missing placeholder and refuses values that would change the host', () => {
    const shopify = oauthOf('shopify');
    expect(() => configFromTemplate(shopify, { clientId: 'app' })).toThrow(/<<shop>>/);
    for (const shop of ['evil.example/', 'evil.example?', 'evil.example#', 'a b']) {
      let error: unknown;
      try {
        const config = configFromTemplate(shopify, { clientId: 'app' }, { shop });
        // Anything that parses must still be a host under myshopify.com.
        expect(new URL(config.authorizeUrl).hostname.endsWith('.myshopify.com')).toBe(true);
      } catch (e) {
        error = e;
      }
      if (error) expect(error).toMatchObject({ code: 'invalid_config', kind: 'permanent' });
    }
  });

  it('lets the integration override scopes, endpoints and extra parameters', () => {
    const google = oauthOf('google-sheets');
    const config = configFromTemplate(google, {
      clientId: 'g',
      clientSecret: 's',
      scopes: ['openid'],
      extraAuthorizeParams: { login_hint: 'a@example.com' },
      tokenUrl: 'https://proxy.example/token',
    });
    expect(config.scopes).toEqual(['openid']);
    expect(config.tokenUrl).toBe('https://proxy.example/token');
    expect(config.revokeUrl).toBe(google.revokeUrl);
    expect(config.extraAuthorizeParams).toMatchObject({
      ...google.extraAuthorizeParams,
      login_hint: 'a@example.com',
    });
  });

  it('keeps the separate refresh URL of a template', () => {
    const template = { ...oauthOf('shopify'), refreshUrl: 'https://<<shop>>.example/refresh' };
    const config = configFromTemplate(template, { clientId: 'a' }, { shop: 's1' });
    expect(config.refreshUrl).toBe('https://s1.example/refresh');
  });
});

describe('startAuthorization', () => {
  const base = configFromTemplate(oauthOf('shopify'), { clientId: 'app' }, { shop: 'acme' });

  it('joins scopes with the separator and sends no PKCE where unsupported', async () => {
    const start = await startAuthorization(base, { redirectUri: 'https://app.example/cb' });
    const url = new URL(start.url);
    expect(url.searchParams.get('scope')).toBe('read_products,read_orders,read_customers');
    expect(url.searchParams.has('code_challenge')).toBe(false);
    expect(start.codeVerifier).toBeNull();
    expect(url.searchParams.get('redirect_uri')).toBe('https://app.example/cb');
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(start.state).toMatch(/^[\w-]{20,}$/);
  });

  it('uses a given state, fresh random states otherwise, and never lets extras replace it', async () => {
    const config = { ...base, extraAuthorizeParams: { state: 'evil', prompt: 'consent' } };
    const given = await startAuthorization(config, { redirectUri: 'https://a/cb', state: 'mine' });
    expect(new URL(given.url).searchParams.get('state')).toBe('mine');
    expect(new URL(given.url).searchParams.get('prompt')).toBe('consent');
    const a = await startAuthorization(base, { redirectUri: 'https://a/cb' });
    const b = await startAuthorization(base, { redirectUri: 'https://a/cb' });
    expect(a.state).not.toBe(b.state);
  });

  it('sends "+"-separated scopes as form-encoded spaces', async () => {
    const config = { ...base, scopes: ['a', 'b'], scopeSeparator: '+' as const };
    const start = await startAuthorization(config, { redirectUri: 'https://a/cb' });
    expect(start.url).toContain('scope=a+b');
  });
});

describe('scopes', () => {
  it('parses granted scopes by separator and spaces', () => {
    expect(parseScopes('repo,gist', ',')).toEqual(['repo', 'gist']);
    expect(parseScopes('a, b  c', ',')).toEqual(['a', 'b', 'c']);
    expect(parseScopes('a b', ' ')).toEqual(['a', 'b']);
    expect(parseScopes('a+b c', '+')).toEqual(['a', 'b', 'c']);
    expect(parseScopes('', ' ')).toEqual([]);
  });

  it('lists required scopes that were not granted', () => {
    expect(scopesMissing(['a', 'b', 'b'], ['a'])).toEqual(['b']);
    expect(scopesMissing(['a'], ['A'])).toEqual(['a']);
    expect(scopesMissing(['a'], null)).toEqual([]);
  });

  it('never requires identity and offline-access requests, nor what a provider does not report', () => {
    const requested = ['openid', 'offline_access', 'profile', 'email', 'contacts.read'];
    expect(scopesMissing(requested, ['contacts.read'])).toEqual([]);
    expect(scopesMissing(requested, ['openid'])).toEqual(['contacts.read']);
    expect(scopesMissing(['api', 'refresh_token'], ['api'], ['refresh_token'])).toEqual([]);
    expect(permissionScopes(['openid', 'offline_access'])).toEqual([]);
  });

  it('reads granted scopes as the provider writes them, or not at all', () => {
    const space = { scopeSeparator: ' ' as const };
    expect(grantedScopesOf('a b', space)).toEqual(['a', 'b']);
    expect(grantedScopesOf(undefined, space)).toBeNull();
    expect(grantedScopesOf('a,b', { ...space, grantedScopes: 'comma' as const })).toEqual([
      'a',
      'b',
    ]);
    expect(grantedScopesOf('a b', { ...space, grantedScopes: 'none' as const })).toBeNull();
  });
});

describe('offline access', () => {
  const custom = {
    authorizeUrl: 'https://id.example/authorize',
    tokenUrl: 'https://id.example/token',
    defaultScopes: [],
    scopeSeparator: ' ' as const,
    pkce: 'supported' as const,
    clientAuthMethod: 'client_secret_basic' as const,
    refreshTokens: 'rotating' as const,
    accessTokenExpires: true,
    grantTypes: ['authorization_code' as const],
  };

  it('asks an OpenID Connect server for consent when offline_access is requested', async () => {
    const config = configFromTemplate(custom, {
      clientId: 'app',
      scopes: ['openid', 'offline_access', 'contacts.read'],
    });
    const url = new URL((await startAuthorization(config, { redirectUri: 'https://a/cb' })).url);
    expect(url.searchParams.get('prompt')).toBe('consent');
    const online = configFromTemplate(custom, { clientId: 'app', scopes: ['contacts.read'] });
    expect(online.extraAuthorizeParams?.prompt).toBeUndefined();
  });

  it('keeps a prompt the integration chose, and providers that need none go without', () => {
    const chosen = configFromTemplate(custom, {
      clientId: 'app',
      scopes: ['offline_access'],
      extraAuthorizeParams: { prompt: 'select_account' },
    });
    expect(chosen.extraAuthorizeParams?.prompt).toBe('select_account');
    const graph = configFromTemplate(oauthOf('microsoft-graph'), { clientId: 'app' });
    expect(graph.scopes).toContain('offline_access');
    expect(graph.extraAuthorizeParams?.prompt).toBeUndefined();
    const google = configFromTemplate(oauthOf('google-sheets'), { clientId: 'app' });
    expect(google.extraAuthorizeParams).toMatchObject({ access_type: 'offline' });
  });
});

describe('errors', () => {
  it('is an Error with a kind', () => {
    const error = new OAuthFlowError({ kind: 'transient', code: 'timeout', message: 'x' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('OAuthFlowError');
    expect(error.permanent).toBe(false);
  });
});
