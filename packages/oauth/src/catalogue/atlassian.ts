import { oauthSettings, oauthTemplate, RETRY_AFTER } from './helpers';
import type { IntegrationTemplate } from './schema';

/**
 * Atlassian Cloud OAuth 2.0 (3LO): one app for Jira and Confluence. audience=api.atlassian.com
 * and prompt=consent are required on the authorize URL; offline_access yields a rotating refresh
 * token. API calls go through api.atlassian.com with the site's cloud id, which comes from
 * GET https://api.atlassian.com/oauth/token/accessible-resources after the flow.
 * https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 */
const atlassianOAuth = (defaultScopes: string[], scopes: Record<string, string>) =>
  oauthSettings({
    authorizeUrl: 'https://auth.atlassian.com/authorize',
    tokenUrl: 'https://auth.atlassian.com/oauth/token',
    defaultScopes: [...defaultScopes, 'offline_access'],
    scopes: { ...scopes, offline_access: 'Issue a refresh token' },
    clientAuthMethod: 'client_secret_post',
    extraAuthorizeParams: { audience: 'api.atlassian.com', prompt: 'consent' },
    refreshTokens: 'rotating',
    accessTokenExpires: true,
  });

const CLOUD_ID_HINT =
  'cloud_id comes from GET https://api.atlassian.com/oauth/token/accessible-resources (one entry per site).';

export const ATLASSIAN_TEMPLATES: IntegrationTemplate[] = [
  oauthTemplate({
    id: 'jira',
    name: 'Jira Cloud',
    category: 'productivity',
    docsUrl: 'https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/',
    urlHost: 'https://api.atlassian.com',
    urlPath: '/ex/jira/<<cloud_id>>/rest/api/3',
    credentialNames: ['cloud_id'],
    instructions: `${CLOUD_ID_HINT} Search issues with GET /search/jql?jql=...; bodies use Atlassian Document Format.`,
    oauth: atlassianOAuth(['read:jira-work', 'write:jira-work', 'read:jira-user'], {
      'read:jira-work': 'Read issues, projects and search',
      'write:jira-work': 'Create and edit issues and comments',
      'read:jira-user': 'Read user information',
      'manage:jira-project': 'Manage project settings',
    }),
    verify: { path: '/myself' },
    rateLimit: RETRY_AFTER,
  }),
  oauthTemplate({
    id: 'jira-service-management',
    name: 'Jira Service Management',
    category: 'support',
    docsUrl: 'https://developer.atlassian.com/cloud/jira/service-desk/rest/intro/',
    urlHost: 'https://api.atlassian.com',
    urlPath: '/ex/jira/<<cloud_id>>/rest/servicedeskapi',
    credentialNames: ['cloud_id'],
    instructions: `${CLOUD_ID_HINT} Requests: GET /request; service desks: GET /servicedesk.`,
    oauth: atlassianOAuth(
      ['read:servicedesk-request', 'write:servicedesk-request', 'read:jira-work'],
      {
        'read:servicedesk-request': 'Read customer requests',
        'write:servicedesk-request': 'Create and edit customer requests',
        'manage:servicedesk-customer': 'Manage customers and organizations',
        'read:jira-work': 'Read issues',
      },
    ),
    verify: { path: '/servicedesk', query: { limit: '1' } },
    rateLimit: RETRY_AFTER,
  }),
  oauthTemplate({
    id: 'confluence',
    name: 'Confluence Cloud',
    category: 'productivity',
    docsUrl: 'https://developer.atlassian.com/cloud/confluence/rest/v2/intro/',
    urlHost: 'https://api.atlassian.com',
    urlPath: '/ex/confluence/<<cloud_id>>/wiki/api/v2',
    credentialNames: ['cloud_id'],
    instructions: `${CLOUD_ID_HINT} Pages: GET /pages; results page with the cursor in _links.next.`,
    oauth: atlassianOAuth(
      ['read:page:confluence', 'write:page:confluence', 'read:space:confluence'],
      {
        'read:page:confluence': 'Read pages',
        'write:page:confluence': 'Create and update pages',
        'read:space:confluence': 'Read spaces',
        'search:confluence': 'Search content (v1 search API)',
      },
    ),
    verify: { path: '/spaces', query: { limit: '1' } },
    rateLimit: RETRY_AFTER,
  }),
  oauthTemplate({
    id: 'jira-software',
    name: 'Jira Software (boards and sprints)',
    category: 'productivity',
    docsUrl: 'https://developer.atlassian.com/cloud/jira/software/rest/intro/',
    urlHost: 'https://api.atlassian.com',
    urlPath: '/ex/jira/<<cloud_id>>/rest/agile/1.0',
    credentialNames: ['cloud_id'],
    instructions: `${CLOUD_ID_HINT} Boards: GET /board; sprints: GET /board/{boardId}/sprint.`,
    oauth: atlassianOAuth(
      ['read:board-scope:jira-software', 'read:sprint:jira-software', 'read:jira-work'],
      {
        'read:board-scope:jira-software': 'Read boards',
        'read:sprint:jira-software': 'Read sprints',
        'write:sprint:jira-software': 'Create and update sprints',
        'read:jira-work': 'Read issues',
      },
    ),
    verify: { path: '/board', query: { maxResults: '1' } },
    rateLimit: RETRY_AFTER,
  }),
];
