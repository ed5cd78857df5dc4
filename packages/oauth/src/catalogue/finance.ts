import { oauthSettings, oauthTemplate, RETRY_AFTER } from './helpers';
import type { IntegrationTemplate } from './schema';

/** Accounting, payroll and invoicing (OAuth). */
export const FINANCE_TEMPLATES: IntegrationTemplate[] = [
  oauthTemplate({
    id: 'xero',
    name: 'Xero',
    category: 'finance',
    docsUrl: 'https://developer.xero.com/documentation/guides/oauth2/auth-flow',
    urlHost: 'https://api.xero.com',
    urlPath: '/api.xro/2.0',
    credentialNames: ['tenant_id'],
    headers: { 'xero-tenant-id': '<<tenant_id>>', Accept: 'application/json' },
    instructions:
      'tenant_id comes from GET https://api.xero.com/connections after the flow. Invoices: GET /Invoices?page=1. A refresh token works once and lasts 60 days.',
    oauth: oauthSettings({
      authorizeUrl: 'https://login.xero.com/identity/connect/authorize',
      tokenUrl: 'https://identity.xero.com/connect/token',
      revokeUrl: 'https://identity.xero.com/connect/revocation',
      defaultScopes: [
        'openid',
        'profile',
        'email',
        'accounting.transactions',
        'accounting.contacts',
        'accounting.settings',
        'offline_access',
      ],
      scopes: {
        'accounting.transactions': 'Read and write invoices, payments, bank transactions',
        'accounting.contacts': 'Read and write contacts',
        'accounting.settings': 'Read and write organisation settings and accounts',
        'accounting.reports.read': 'Read reports',
        offline_access: 'Issue a refresh token',
      },
      pkce: 'supported',
      clientAuthMethod: 'client_secret_basic',
      refreshTokens: 'rotating',
      accessTokenExpires: true,
      offlineAccessConsent: false,
    }),
    verify: { path: '/Organisation' },
    rateLimit: RETRY_AFTER,
  }),
  oauthTemplate({
    id: 'quickbooks',
    name: 'QuickBooks Online',
    category: 'finance',
    docsUrl:
      'https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0',
    urlHost: 'https://quickbooks.api.intuit.com',
    urlPath: '/v3/company/<<realm_id>>',
    credentialNames: ['realm_id'],
    headers: { Accept: 'application/json' },
    instructions:
      'realm_id (the company id) arrives as realmId on the redirect. Queries: GET /query?query=SELECT * FROM Invoice STARTPOSITION 1 MAXRESULTS 100. Sandbox: sandbox-quickbooks.api.intuit.com. Always store the latest refresh token.',
    oauth: oauthSettings({
      authorizeUrl: 'https://appcenter.intuit.com/connect/oauth2',
      tokenUrl: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
      revokeUrl: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
      defaultScopes: ['com.intuit.quickbooks.accounting'],
      scopes: {
        'com.intuit.quickbooks.accounting': 'QuickBooks Online accounting',
        'com.intuit.quickbooks.payment': 'QuickBooks Payments',
        openid: 'Sign in with Intuit',
      },
      clientAuthMethod: 'client_secret_basic',
      refreshTokens: 'rotating',
      accessTokenExpires: true,
    }),
    verify: { path: '/companyinfo/<<realm_id>>' },
  }),
  oauthTemplate({
    id: 'freshbooks',
    name: 'FreshBooks',
    category: 'finance',
    docsUrl: 'https://www.freshbooks.com/api/authentication',
    urlHost: 'https://api.freshbooks.com',
    urlPath: '',
    instructions:
      'GET /auth/api/v1/users/me gives the account_id; invoices: GET /accounting/account/{account_id}/invoices/invoices. A refresh token works once.',
    oauth: oauthSettings({
      authorizeUrl: 'https://auth.freshbooks.com/oauth/authorize',
      tokenUrl: 'https://api.freshbooks.com/auth/oauth/token',
      defaultScopes: ['user:profile:read', 'user:clients:read', 'user:invoices:read'],
      scopes: {
        'user:profile:read': 'Read the user profile (required for /users/me)',
        'user:clients:read': 'Read clients',
        'user:invoices:read': 'Read invoices',
        'user:invoices:write': 'Create and edit invoices',
      },
      refreshTokens: 'rotating',
      accessTokenExpires: true,
    }),
    verify: { path: '/auth/api/v1/users/me' },
  }),
  oauthTemplate({
    id: 'gusto',
    name: 'Gusto',
    category: 'hr',
    docsUrl: 'https://docs.gusto.com/app-integrations/docs/authentication',
    urlHost: 'https://api.gusto.com',
    urlPath: '/v1',
    instructions:
      'GET /token_info names the company; employees: GET /companies/{company_uuid}/employees. A refresh token works once. Demo: api.gusto-demo.com.',
    oauth: oauthSettings({
      authorizeUrl: 'https://api.gusto.com/oauth/authorize',
      tokenUrl: 'https://api.gusto.com/oauth/token',
      revokeUrl: 'https://api.gusto.com/oauth/revoke',
      refreshTokens: 'rotating',
      accessTokenExpires: true,
    }),
    verify: { path: '/token_info' },
  }),
];
