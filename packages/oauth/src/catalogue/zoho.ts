import { oauthSettings, oauthTemplate, tokenHeader } from './helpers';
import type { IntegrationTemplate, TemplateCategory, VerifyRequest } from './schema';

/**
 * Zoho: one accounts server for every Zoho product; comma-separated scopes; access_type=offline
 * for a refresh token, prompt=consent to get one again on re-consent. Tokens are sent as
 * `Authorization: Zoho-oauthtoken <token>`. Accounts in other data centers use that center's
 * hosts (accounts.zoho.eu / zohoapis.eu, .in, .com.au, ...).
 * https://www.zoho.com/accounts/protocol/oauth/web-server-applications.html
 */
const ZOHO_ACCOUNTS = 'https://accounts.zoho.com/oauth/v2';
const DATA_CENTER_HINT =
  'Non-US accounts use their data center hosts (the token response names api_domain).';

interface ZohoProduct {
  id: string;
  name: string;
  category: TemplateCategory;
  docsUrl: string;
  urlHost: string;
  urlPath: string;
  scopes: Record<string, string>;
  instructions: string;
  verify: VerifyRequest;
}

function zohoProduct(p: ZohoProduct): IntegrationTemplate {
  const { scopes, instructions, ...rest } = p;
  return oauthTemplate({
    ...rest,
    auth: tokenHeader('Authorization', 'Zoho-oauthtoken'),
    instructions: `${instructions} ${DATA_CENTER_HINT}`,
    oauth: oauthSettings({
      authorizeUrl: `${ZOHO_ACCOUNTS}/auth`,
      tokenUrl: `${ZOHO_ACCOUNTS}/token`,
      revokeUrl: `${ZOHO_ACCOUNTS}/token/revoke`,
      defaultScopes: Object.keys(scopes),
      scopes,
      scopeSeparator: ',',
      clientAuthMethod: 'client_secret_post',
      extraAuthorizeParams: { access_type: 'offline', prompt: 'consent' },
      refreshTokens: 'static',
      accessTokenExpires: true,
    }),
  });
}

export const ZOHO_TEMPLATES: IntegrationTemplate[] = [
  zohoProduct({
    id: 'zoho-crm',
    name: 'Zoho CRM',
    category: 'crm',
    docsUrl: 'https://www.zoho.com/crm/developer/docs/api/v7/',
    urlHost: 'https://www.zohoapis.com',
    urlPath: '/crm/v7',
    scopes: {
      'ZohoCRM.modules.ALL': 'Read and write all modules (Leads, Contacts, Deals, ...)',
      'ZohoCRM.users.READ': 'Read users',
    },
    instructions:
      'Records: GET /{module}?fields=...; search with GET /{module}/search?criteria=....',
    verify: { path: '/users', query: { type: 'CurrentUser' } },
  }),
  zohoProduct({
    id: 'zoho-books',
    name: 'Zoho Books',
    category: 'finance',
    docsUrl: 'https://www.zoho.com/books/api/v3/introduction/',
    urlHost: 'https://www.zohoapis.com',
    urlPath: '/books/v3',
    scopes: { 'ZohoBooks.fullaccess.all': 'Full access to Zoho Books' },
    instructions:
      'Every call needs ?organization_id= (list organizations with GET /organizations).',
    verify: { path: '/organizations' },
  }),
  zohoProduct({
    id: 'zoho-desk',
    name: 'Zoho Desk',
    category: 'support',
    docsUrl: 'https://desk.zoho.com/DeskAPIDocument',
    urlHost: 'https://desk.zoho.com',
    urlPath: '/api/v1',
    scopes: {
      'Desk.tickets.ALL': 'Read and write tickets',
      'Desk.basic.READ': 'Read organizations and departments',
    },
    instructions: 'Every call needs an orgId header (GET /organizations lists them).',
    verify: { path: '/organizations' },
  }),
  zohoProduct({
    id: 'zoho-bigin',
    name: 'Bigin by Zoho CRM',
    category: 'crm',
    docsUrl: 'https://www.bigin.com/developer/docs/apis/v2/',
    urlHost: 'https://www.zohoapis.com',
    urlPath: '/bigin/v2',
    scopes: {
      'ZohoBigin.modules.ALL': 'Read and write all modules',
      'ZohoBigin.users.READ': 'Read users',
    },
    instructions: 'Records: GET /{module}?fields=... (Contacts, Pipelines, ...).',
    verify: { path: '/users', query: { type: 'CurrentUser' } },
  }),
  zohoProduct({
    id: 'zoho-inventory',
    name: 'Zoho Inventory',
    category: 'commerce',
    docsUrl: 'https://www.zoho.com/inventory/api/v1/introduction/',
    urlHost: 'https://www.zohoapis.com',
    urlPath: '/inventory/v1',
    scopes: { 'ZohoInventory.fullaccess.all': 'Full access to Zoho Inventory' },
    instructions:
      'Every call needs ?organization_id= (GET /organizations lists them). Items: GET /items.',
    verify: { path: '/organizations' },
  }),
  zohoProduct({
    id: 'zoho-invoice',
    name: 'Zoho Invoice',
    category: 'finance',
    docsUrl: 'https://www.zoho.com/invoice/api/v3/introduction/',
    urlHost: 'https://www.zohoapis.com',
    urlPath: '/invoice/v3',
    scopes: { 'ZohoInvoice.fullaccess.all': 'Full access to Zoho Invoice' },
    instructions:
      'Every call needs the X-com-zoho-invoice-organizationid header or organization_id.',
    verify: { path: '/organizations' },
  }),
  zohoProduct({
    id: 'zoho-mail',
    name: 'Zoho Mail',
    category: 'email',
    docsUrl: 'https://www.zoho.com/mail/help/api/overview.html',
    urlHost: 'https://mail.zoho.com',
    urlPath: '/api',
    scopes: {
      'ZohoMail.accounts.READ': 'Read mail accounts',
      'ZohoMail.messages.ALL': 'Read and send messages',
    },
    instructions:
      'Messages: GET /accounts/{accountId}/messages/view; send: POST /accounts/{accountId}/messages.',
    verify: { path: '/accounts' },
  }),
  zohoProduct({
    id: 'zoho-workdrive',
    name: 'Zoho WorkDrive',
    category: 'storage',
    docsUrl: 'https://workdrive.zoho.com/apidocs/v1/overview',
    urlHost: 'https://www.zohoapis.com',
    urlPath: '/workdrive/api/v1',
    scopes: {
      'WorkDrive.files.ALL': 'Read and write files',
      'WorkDrive.users.READ': 'Read users',
      'WorkDrive.team.READ': 'Read teams',
    },
    instructions: 'Teams: GET /users/{user_id}/teams; files: GET /files/{folder_id}/files.',
    verify: { path: '/users/me' },
  }),
  zohoProduct({
    id: 'zoho-recruit',
    name: 'Zoho Recruit',
    category: 'hr',
    docsUrl: 'https://www.zoho.com/recruit/developer-guide/apiv2/',
    urlHost: 'https://recruit.zoho.com',
    urlPath: '/recruit/v2',
    scopes: {
      'ZohoRecruit.modules.ALL': 'Read and write all modules',
      'ZohoRecruit.users.ALL': 'Read users',
    },
    instructions: 'Candidates: GET /Candidates; job openings: GET /Job_Openings.',
    verify: { path: '/users', query: { type: 'CurrentUser' } },
  }),
  zohoProduct({
    id: 'zoho-projects',
    name: 'Zoho Projects',
    category: 'productivity',
    docsUrl: 'https://www.zoho.com/projects/help/rest-api/zohoprojectsapi.html',
    urlHost: 'https://projectsapi.zoho.com',
    urlPath: '/restapi',
    scopes: {
      'ZohoProjects.portals.READ': 'Read portals',
      'ZohoProjects.projects.ALL': 'Read and write projects',
      'ZohoProjects.tasks.ALL': 'Read and write tasks',
    },
    instructions: 'Portals: GET /portals/; projects: GET /portal/{portal_id}/projects/.',
    verify: { path: '/portals/' },
  }),
];
