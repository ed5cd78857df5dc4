import { oauthSettings, oauthTemplate, RETRY_AFTER, resetRule } from './helpers';
import type { IntegrationTemplate } from './schema';

/** CRM and customer-support tools (OAuth). */
export const CRM_TEMPLATES: IntegrationTemplate[] = [
  oauthTemplate({
    id: 'hubspot',
    name: 'HubSpot',
    category: 'crm',
    docsUrl: 'https://developers.hubspot.com/docs/api/oauth-quickstart-guide',
    urlHost: 'https://api.hubapi.com',
    urlPath: '',
    instructions:
      'CRM objects: /crm/v3/objects/{contacts|companies|deals}; search with POST .../search; pages with paging.next.after.',
    oauth: oauthSettings({
      authorizeUrl: 'https://app.hubspot.com/oauth/authorize',
      // The date-versioned endpoint; /oauth/v1/token is deprecated (February 2027).
      tokenUrl: 'https://api.hubapi.com/oauth/2026-03/token',
      defaultScopes: [
        'oauth',
        'crm.objects.contacts.read',
        'crm.objects.contacts.write',
        'crm.objects.companies.read',
        'crm.objects.deals.read',
      ],
      scopes: {
        oauth: 'Required for every OAuth app',
        'crm.objects.contacts.read': 'Read contacts',
        'crm.objects.contacts.write': 'Create and update contacts',
        'crm.objects.companies.read': 'Read companies',
        'crm.objects.deals.read': 'Read deals',
        'crm.objects.deals.write': 'Create and update deals',
      },
      pkce: 'supported',
      clientAuthMethod: 'client_secret_post',
      refreshTokens: 'static',
      accessTokenExpires: true,
    }),
    verify: { path: '/crm/v3/owners', query: { limit: '1' } },
    rateLimit: { retryAfter: ['Retry-After'] },
  }),
  oauthTemplate({
    id: 'salesforce',
    name: 'Salesforce',
    category: 'crm',
    docsUrl:
      'https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_rest.htm',
    urlHost: 'https://<<instance>>.my.salesforce.com',
    urlPath: '/services/data/v62.0',
    credentialNames: ['instance'],
    instructions:
      'instance is the My Domain name from the token response instance_url (https://<instance>.my.salesforce.com). SOQL: GET /query?q=SELECT+Id+FROM+Account. Sandboxes authorize at test.salesforce.com.',
    oauth: oauthSettings({
      authorizeUrl: 'https://login.salesforce.com/services/oauth2/authorize',
      tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
      revokeUrl: 'https://login.salesforce.com/services/oauth2/revoke',
      defaultScopes: ['api', 'refresh_token'],
      scopes: {
        api: 'Access the REST API',
        refresh_token: 'Issue a refresh token (also offline_access)',
        full: 'Everything the user can access',
      },
      pkce: 'supported',
      clientAuthMethod: 'client_secret_post',
      refreshTokens: 'static',
      accessTokenExpires: true,
      // A request for a refresh token, not a permission the token response need list.
      unreportedScopes: ['refresh_token'],
    }),
    verify: { path: '/limits' },
  }),
  oauthTemplate({
    id: 'pipedrive',
    name: 'Pipedrive',
    category: 'crm',
    docsUrl: 'https://pipedrive.readme.io/docs/marketplace-oauth-authorization',
    urlHost: 'https://<<company_domain>>.pipedrive.com',
    urlPath: '/api/v1',
    credentialNames: ['company_domain'],
    instructions:
      'company_domain is the subdomain of api_domain in the token response. Scopes are chosen on the app page, not in the URL. Lists page with start/limit.',
    oauth: oauthSettings({
      authorizeUrl: 'https://oauth.pipedrive.com/oauth/authorize',
      tokenUrl: 'https://oauth.pipedrive.com/oauth/token',
      clientAuthMethod: 'client_secret_basic',
      refreshTokens: 'static',
      accessTokenExpires: true,
    }),
    verify: { path: '/users/me' },
    rateLimit: resetRule('x-ratelimit-reset', 'delta_seconds', {
      remaining: 'x-ratelimit-remaining',
      retryAfter: true,
    }),
  }),
  oauthTemplate({
    id: 'attio',
    name: 'Attio',
    category: 'crm',
    docsUrl: 'https://docs.attio.com/rest-api/overview',
    urlHost: 'https://api.attio.com',
    urlPath: '/v2',
    instructions:
      'Records: POST /objects/{object}/records/query. Scopes are set on the app page; tokens do not expire.',
    oauth: oauthSettings({
      authorizeUrl: 'https://app.attio.com/authorize',
      tokenUrl: 'https://app.attio.com/oauth/token',
      refreshTokens: 'none',
      accessTokenExpires: false,
    }),
    verify: { path: '/self' },
    rateLimit: RETRY_AFTER,
  }),
  oauthTemplate({
    id: 'intercom',
    name: 'Intercom',
    category: 'support',
    docsUrl:
      'https://developers.intercom.com/docs/build-an-integration/learn-more/authentication/setting-up-oauth',
    urlHost: 'https://api.intercom.io',
    urlPath: '',
    instructions:
      'Permissions are set on the app page; tokens do not expire. Send Intercom-Version to pin the API version.',
    oauth: oauthSettings({
      authorizeUrl: 'https://app.intercom.com/oauth',
      tokenUrl: 'https://api.intercom.io/auth/eagle/token',
      refreshTokens: 'none',
      accessTokenExpires: false,
    }),
    verify: { path: '/me' },
    rateLimit: resetRule('X-RateLimit-Reset', 'epoch_seconds', {
      remaining: 'X-RateLimit-Remaining',
    }),
  }),
  oauthTemplate({
    id: 'zendesk',
    name: 'Zendesk',
    category: 'support',
    docsUrl:
      'https://developer.zendesk.com/documentation/ticketing/working-with-oauth/creating-and-using-oauth-tokens-with-the-api/',
    urlHost: 'https://<<subdomain>>.zendesk.com',
    urlPath: '/api/v2',
    credentialNames: ['subdomain'],
    instructions:
      'subdomain is the account part of <subdomain>.zendesk.com. Tickets: GET /tickets; use cursor pagination (page[size]).',
    oauth: oauthSettings({
      authorizeUrl: 'https://<<subdomain>>.zendesk.com/oauth/authorizations/new',
      tokenUrl: 'https://<<subdomain>>.zendesk.com/oauth/tokens',
      defaultScopes: ['read', 'write'],
      scopes: { read: 'Read all resources', write: 'Create, update and delete resources' },
      pkce: 'supported',
      // Since 2025 every token request returns a refresh token; a refresh deletes the previous pair.
      refreshTokens: 'rotating',
      accessTokenExpires: true,
    }),
    verify: { path: '/users/me' },
    rateLimit: RETRY_AFTER,
  }),
  oauthTemplate({
    id: 'front',
    name: 'Front',
    category: 'support',
    docsUrl: 'https://dev.frontapp.com/docs/oauth',
    urlHost: 'https://api2.frontapp.com',
    urlPath: '',
    instructions: 'Conversations: GET /conversations; pages with _pagination.next.',
    oauth: oauthSettings({
      authorizeUrl: 'https://app.frontapp.com/oauth/authorize',
      tokenUrl: 'https://app.frontapp.com/oauth/token',
      clientAuthMethod: 'client_secret_basic',
      refreshTokens: 'static',
      accessTokenExpires: true,
    }),
    verify: { path: '/me' },
    rateLimit: RETRY_AFTER,
  }),
  oauthTemplate({
    id: 'help-scout',
    name: 'Help Scout',
    category: 'support',
    docsUrl: 'https://developer.helpscout.com/mailbox-api/overview/authentication/',
    urlHost: 'https://api.helpscout.net',
    urlPath: '/v2',
    instructions: 'Conversations: GET /conversations; responses are HAL (_embedded, _links.next).',
    oauth: oauthSettings({
      authorizeUrl: 'https://secure.helpscout.net/authentication/authorizeClientApplication',
      tokenUrl: 'https://api.helpscout.net/v2/oauth2/token',
      refreshTokens: 'static',
      accessTokenExpires: true,
    }),
    verify: { path: '/users/me' },
    rateLimit: {
      retryAfter: ['X-RateLimit-Retry-After'],
      remaining: 'X-RateLimit-Remaining-Minute',
    },
  }),
];
