import { oauthSettings, oauthTemplate, RETRY_AFTER } from './helpers';
import type { IntegrationTemplate, TemplateCategory } from './schema';

/**
 * Microsoft identity platform (v2.0 endpoints) for Microsoft Graph. `common` accepts work, school
 * and personal accounts; single-tenant apps replace it with their tenant id. offline_access is
 * what yields a refresh token, and each refresh returns a new one to store.
 * https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow
 */
const MICROSOFT_LOGIN = 'https://login.microsoftonline.com/common/oauth2/v2.0';
const GRAPH_DOCS = 'https://learn.microsoft.com/en-us/graph/api/overview?view=graph-rest-1.0';
const BASE_SCOPES = ['offline_access', 'User.Read'];

interface GraphProduct {
  id: string;
  name: string;
  category: TemplateCategory;
  docsUrl?: string;
  /** Delegated Graph permissions beyond offline_access and User.Read, with descriptions. */
  scopes: Record<string, string>;
  instructions: string;
}

function graphProduct(p: GraphProduct): IntegrationTemplate {
  return oauthTemplate({
    id: p.id,
    name: p.name,
    category: p.category,
    docsUrl: p.docsUrl ?? GRAPH_DOCS,
    urlHost: 'https://graph.microsoft.com',
    urlPath: '/v1.0',
    instructions: `${p.instructions} Lists page with @odata.nextLink.`,
    // User.Read is in every template's scopes.
    verify: { path: '/me', query: { $select: 'id' } },
    rateLimit: RETRY_AFTER,
    oauth: oauthSettings({
      authorizeUrl: `${MICROSOFT_LOGIN}/authorize`,
      tokenUrl: `${MICROSOFT_LOGIN}/token`,
      defaultScopes: [...BASE_SCOPES, ...Object.keys(p.scopes)],
      scopes: {
        offline_access: 'Issue a refresh token',
        'User.Read': 'Sign in and read the user profile',
        ...p.scopes,
      },
      pkce: 'supported',
      clientAuthMethod: 'client_secret_post',
      refreshTokens: 'rotating',
      accessTokenExpires: true,
      // offline_access alone yields the refresh token; a consent prompt on every connect would not.
      offlineAccessConsent: false,
    }),
  });
}

export const MICROSOFT_TEMPLATES: IntegrationTemplate[] = [
  graphProduct({
    id: 'microsoft-graph',
    name: 'Microsoft Graph',
    category: 'productivity',
    scopes: {},
    instructions:
      'Generic Microsoft 365 access: add the delegated permissions you need (Mail.Read, Files.Read.All, ...).',
  }),
  graphProduct({
    id: 'outlook-mail',
    name: 'Outlook Mail (Microsoft 365)',
    category: 'email',
    docsUrl: 'https://learn.microsoft.com/en-us/graph/api/resources/mail-api-overview',
    scopes: { 'Mail.ReadWrite': 'Read and write mail', 'Mail.Send': 'Send mail as the user' },
    instructions: 'Messages: GET /me/messages; send with POST /me/sendMail.',
  }),
  graphProduct({
    id: 'outlook-calendar',
    name: 'Outlook Calendar (Microsoft 365)',
    category: 'scheduling',
    docsUrl: 'https://learn.microsoft.com/en-us/graph/api/resources/calendar',
    scopes: { 'Calendars.ReadWrite': 'Read and write calendars' },
    instructions: 'Events: GET /me/events or /me/calendarView?startDateTime=...&endDateTime=....',
  }),
  graphProduct({
    id: 'onedrive',
    name: 'OneDrive',
    category: 'storage',
    docsUrl: 'https://learn.microsoft.com/en-us/onedrive/developer/rest-api/',
    scopes: { 'Files.ReadWrite.All': 'Read and write all files the user can access' },
    instructions: 'Files: GET /me/drive/root/children; download with /me/drive/items/{id}/content.',
  }),
  graphProduct({
    id: 'sharepoint',
    name: 'SharePoint (Microsoft Graph)',
    category: 'storage',
    docsUrl: 'https://learn.microsoft.com/en-us/graph/api/resources/sharepoint',
    scopes: { 'Sites.ReadWrite.All': 'Read and write items in all site collections' },
    instructions: 'Sites: GET /sites?search=...; lists under /sites/{site-id}/lists.',
  }),
  graphProduct({
    id: 'microsoft-teams',
    name: 'Microsoft Teams',
    category: 'communication',
    docsUrl: 'https://learn.microsoft.com/en-us/graph/api/resources/teams-api-overview',
    scopes: {
      'Team.ReadBasic.All': 'Read the teams the user belongs to',
      'Channel.ReadBasic.All': 'Read channel names and descriptions',
      'ChannelMessage.Send': 'Send channel messages',
      'Chat.ReadWrite': 'Read and send chat messages',
    },
    instructions:
      'Teams: GET /me/joinedTeams; post with POST /teams/{team-id}/channels/{channel-id}/messages.',
  }),
  graphProduct({
    id: 'microsoft-todo',
    name: 'Microsoft To Do',
    category: 'productivity',
    docsUrl: 'https://learn.microsoft.com/en-us/graph/api/resources/todo-overview',
    scopes: { 'Tasks.ReadWrite': 'Read and write tasks' },
    instructions: 'Lists: GET /me/todo/lists; tasks under /me/todo/lists/{id}/tasks.',
  }),
  graphProduct({
    id: 'onenote',
    name: 'OneNote',
    category: 'productivity',
    docsUrl: 'https://learn.microsoft.com/en-us/graph/api/resources/onenote-api-overview',
    scopes: { 'Notes.ReadWrite': 'Read and write notebooks' },
    instructions:
      'Notebooks: GET /me/onenote/notebooks; pages: POST /me/onenote/sections/{id}/pages (HTML).',
  }),
  graphProduct({
    id: 'microsoft-planner',
    name: 'Microsoft Planner',
    category: 'productivity',
    docsUrl: 'https://learn.microsoft.com/en-us/graph/api/resources/planner-overview',
    scopes: {
      'Tasks.ReadWrite': 'Read and write tasks and plans',
      'Group.Read.All': 'Read the groups that own plans',
    },
    instructions: 'Tasks: GET /me/planner/tasks; plans: GET /groups/{id}/planner/plans.',
  }),
  graphProduct({
    id: 'excel-online',
    name: 'Excel (Microsoft 365)',
    category: 'productivity',
    docsUrl: 'https://learn.microsoft.com/en-us/graph/api/resources/excel',
    scopes: { 'Files.ReadWrite': 'Read and write the user’s files' },
    instructions:
      "Workbooks are drive items: GET /me/drive/items/{id}/workbook/worksheets/{name}/range(address='A1:C10').",
  }),
  graphProduct({
    id: 'outlook-contacts',
    name: 'Outlook Contacts (Microsoft 365)',
    category: 'crm',
    docsUrl: 'https://learn.microsoft.com/en-us/graph/api/resources/contact',
    scopes: { 'Contacts.ReadWrite': 'Read and write contacts' },
    instructions: 'Contacts: GET /me/contacts; create: POST /me/contacts.',
  }),
  graphProduct({
    id: 'microsoft-entra-id',
    name: 'Microsoft Entra ID (users and groups)',
    category: 'productivity',
    docsUrl: 'https://learn.microsoft.com/en-us/graph/api/resources/users',
    scopes: {
      'User.Read.All': 'Read all users (admin consent)',
      'Group.Read.All': 'Read all groups (admin consent)',
    },
    instructions: 'Users: GET /users?$select=id,displayName,mail; groups: GET /groups.',
  }),
  graphProduct({
    id: 'microsoft-bookings',
    name: 'Microsoft Bookings',
    category: 'scheduling',
    docsUrl: 'https://learn.microsoft.com/en-us/graph/api/resources/booking-api-overview',
    scopes: { 'Bookings.ReadWrite.All': 'Read and write bookings' },
    instructions: 'Businesses: GET /solutions/bookingBusinesses; appointments under each business.',
  }),
];
