import { oauthSettings, oauthTemplate } from './helpers';
import type { IntegrationTemplate, OAuthSettings, TemplateCategory, VerifyRequest } from './schema';

/**
 * Google: one OAuth client serves every Google API; each product template has its own API host
 * and scopes. access_type=offline + prompt=consent make Google return a refresh token every time
 * (without prompt=consent it is only returned on the first consent).
 * https://developers.google.com/identity/protocols/oauth2/web-server
 */
const googleOAuth = (defaultScopes: string[], scopes: Record<string, string>): OAuthSettings =>
  oauthSettings({
    authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    revokeUrl: 'https://oauth2.googleapis.com/revoke',
    defaultScopes,
    scopes,
    pkce: 'supported',
    clientAuthMethod: 'client_secret_post',
    extraAuthorizeParams: { access_type: 'offline', prompt: 'consent' },
    refreshTokens: 'static',
    accessTokenExpires: true,
  });

/** `https://www.googleapis.com/auth/<name>`, the form of most Google scopes. */
const scope = (name: string) => `https://www.googleapis.com/auth/${name}`;

interface GoogleProduct {
  id: string;
  name: string;
  category: TemplateCategory;
  docsUrl: string;
  urlHost: string;
  urlPath: string;
  /** Scope names below https://www.googleapis.com/auth/ (or a full scope URL), with descriptions. */
  scopes: Record<string, string>;
  /** Keys of `scopes` requested by default. */
  defaultScopes: string[];
  instructions?: string;
  verify?: VerifyRequest;
  /** Fixed headers, e.g. Google Ads' developer-token (its placeholder is a credential). */
  headers?: Record<string, string>;
  credentialNames?: string[];
}

function googleProduct(p: GoogleProduct): IntegrationTemplate {
  const full = (name: string) => (name.startsWith('https://') ? name : scope(name));
  const scopes = Object.fromEntries(Object.entries(p.scopes).map(([k, v]) => [full(k), v]));
  const { scopes: _scopes, defaultScopes, ...rest } = p;
  return oauthTemplate({ ...rest, oauth: googleOAuth(defaultScopes.map(full), scopes) });
}

export const GOOGLE_TEMPLATES: IntegrationTemplate[] = [
  googleProduct({
    id: 'google-sheets',
    name: 'Google Sheets',
    category: 'productivity',
    docsUrl: 'https://developers.google.com/workspace/sheets/api/reference/rest',
    urlHost: 'https://sheets.googleapis.com',
    urlPath: '/v4',
    scopes: {
      spreadsheets: 'Read and write all spreadsheets',
      'spreadsheets.readonly': 'Read all spreadsheets',
      'drive.file': 'Only files the app created or the user opened with it',
    },
    defaultScopes: ['spreadsheets'],
    instructions:
      'Ranges use A1 notation: GET /spreadsheets/{spreadsheetId}/values/{range}; writes need valueInputOption.',
  }),
  googleProduct({
    id: 'google-drive',
    name: 'Google Drive',
    category: 'storage',
    docsUrl: 'https://developers.google.com/workspace/drive/api/reference/rest/v3',
    urlHost: 'https://www.googleapis.com',
    urlPath: '/drive/v3',
    scopes: {
      drive: 'Full access to all Drive files',
      'drive.readonly': 'Read all Drive files',
      'drive.file': 'Only files the app created or the user opened with it',
      'drive.metadata.readonly': 'Read file metadata',
    },
    defaultScopes: ['drive'],
    instructions:
      'List with GET /files?q=...&pageToken=...; uploads go to https://www.googleapis.com/upload/drive/v3/files.',
    verify: { path: '/about', query: { fields: 'user' } },
  }),
  googleProduct({
    id: 'gmail',
    name: 'Gmail',
    category: 'email',
    docsUrl: 'https://developers.google.com/workspace/gmail/api/reference/rest',
    urlHost: 'https://gmail.googleapis.com',
    urlPath: '/gmail/v1',
    scopes: {
      'gmail.readonly': 'Read messages and settings',
      'gmail.send': 'Send messages only',
      'gmail.modify': 'Read, send and modify (no permanent delete)',
      'gmail.compose': 'Manage drafts and send',
      'https://mail.google.com/': 'Full mailbox access, including permanent delete',
    },
    defaultScopes: ['gmail.modify'],
    instructions:
      'Paths are per user: /users/me/messages; sending takes a base64url RFC 2822 message in "raw".',
    verify: { path: '/users/me/profile' },
  }),
  googleProduct({
    id: 'google-calendar',
    name: 'Google Calendar',
    category: 'scheduling',
    docsUrl: 'https://developers.google.com/workspace/calendar/api/v3/reference',
    urlHost: 'https://www.googleapis.com',
    urlPath: '/calendar/v3',
    scopes: {
      calendar: 'Read and write all calendars',
      'calendar.readonly': 'Read all calendars',
      'calendar.events': 'Read and write events',
    },
    defaultScopes: ['calendar'],
    instructions:
      'Events: /calendars/primary/events (timeMin/timeMax in RFC 3339, singleEvents=true to expand recurrences).',
    verify: { path: '/users/me/calendarList', query: { maxResults: '1' } },
  }),
  googleProduct({
    id: 'google-docs',
    name: 'Google Docs',
    category: 'productivity',
    docsUrl: 'https://developers.google.com/workspace/docs/api/reference/rest',
    urlHost: 'https://docs.googleapis.com',
    urlPath: '/v1',
    scopes: {
      documents: 'Read and write all documents',
      'documents.readonly': 'Read all documents',
      'drive.file': 'Only files the app created or the user opened with it',
    },
    defaultScopes: ['documents'],
    instructions: 'Edits go through POST /documents/{documentId}:batchUpdate.',
  }),
  googleProduct({
    id: 'google-slides',
    name: 'Google Slides',
    category: 'productivity',
    docsUrl: 'https://developers.google.com/workspace/slides/api/reference/rest',
    urlHost: 'https://slides.googleapis.com',
    urlPath: '/v1',
    scopes: {
      presentations: 'Read and write all presentations',
      'presentations.readonly': 'Read all presentations',
    },
    defaultScopes: ['presentations'],
  }),
  googleProduct({
    id: 'google-forms',
    name: 'Google Forms',
    category: 'forms',
    docsUrl: 'https://developers.google.com/workspace/forms/api/reference/rest',
    urlHost: 'https://forms.googleapis.com',
    urlPath: '/v1',
    scopes: {
      'forms.body': 'Read and write forms',
      'forms.body.readonly': 'Read forms',
      'forms.responses.readonly': 'Read form responses',
    },
    defaultScopes: ['forms.body', 'forms.responses.readonly'],
  }),
  googleProduct({
    id: 'google-tasks',
    name: 'Google Tasks',
    category: 'productivity',
    docsUrl: 'https://developers.google.com/workspace/tasks/reference/rest',
    urlHost: 'https://tasks.googleapis.com',
    urlPath: '/tasks/v1',
    scopes: { tasks: 'Read and write tasks', 'tasks.readonly': 'Read tasks' },
    defaultScopes: ['tasks'],
    verify: { path: '/users/@me/lists', query: { maxResults: '1' } },
  }),
  googleProduct({
    id: 'google-contacts',
    name: 'Google Contacts (People API)',
    category: 'crm',
    docsUrl: 'https://developers.google.com/people/api/rest',
    urlHost: 'https://people.googleapis.com',
    urlPath: '/v1',
    scopes: {
      contacts: 'Read and write contacts',
      'contacts.readonly': 'Read contacts',
      'directory.readonly': 'Read the Workspace directory',
    },
    defaultScopes: ['contacts'],
    instructions:
      'List with GET /people/me/connections?personFields=names,emailAddresses (personFields is required).',
    verify: { path: '/people/me', query: { personFields: 'names' } },
  }),
  googleProduct({
    id: 'youtube',
    name: 'YouTube Data API',
    category: 'media',
    docsUrl: 'https://developers.google.com/youtube/v3/docs',
    urlHost: 'https://www.googleapis.com',
    urlPath: '/youtube/v3',
    scopes: {
      youtube: 'Manage the YouTube account',
      'youtube.readonly': 'View the YouTube account',
      'youtube.upload': 'Upload videos',
      'youtube.force-ssl': 'Manage videos, ratings, comments and captions',
    },
    defaultScopes: ['youtube.readonly'],
    instructions: 'Most list calls need part=snippet (and mine=true for the signed-in channel).',
    verify: { path: '/channels', query: { part: 'id', mine: 'true' } },
  }),
  googleProduct({
    id: 'google-analytics',
    name: 'Google Analytics (GA4 Data API)',
    category: 'analytics',
    docsUrl: 'https://developers.google.com/analytics/devguides/reporting/data/v1/rest',
    urlHost: 'https://analyticsdata.googleapis.com',
    urlPath: '/v1beta',
    scopes: {
      'analytics.readonly': 'Read Analytics data',
      analytics: 'Read and manage Analytics data',
    },
    defaultScopes: ['analytics.readonly'],
    instructions:
      'Reports: POST /properties/{propertyId}:runReport; list properties with the Admin API (analyticsadmin.googleapis.com).',
  }),
  googleProduct({
    id: 'google-search-console',
    name: 'Google Search Console',
    category: 'analytics',
    docsUrl: 'https://developers.google.com/webmaster-tools/v1/api_reference_index',
    urlHost: 'https://www.googleapis.com',
    urlPath: '/webmasters/v3',
    scopes: {
      'webmasters.readonly': 'Read Search Console data',
      webmasters: 'Read and manage Search Console data',
    },
    defaultScopes: ['webmasters.readonly'],
    instructions:
      'Search analytics: POST /sites/{siteUrl, URL-encoded}/searchAnalytics/query with startDate/endDate.',
    verify: { path: '/sites' },
  }),
  googleProduct({
    id: 'google-bigquery',
    name: 'Google BigQuery',
    category: 'analytics',
    docsUrl: 'https://cloud.google.com/bigquery/docs/reference/rest',
    urlHost: 'https://bigquery.googleapis.com',
    urlPath: '/bigquery/v2',
    scopes: {
      bigquery: 'Read and write BigQuery data and run jobs',
      'bigquery.readonly': 'Read BigQuery data',
    },
    defaultScopes: ['bigquery'],
    instructions:
      'Run SQL with POST /projects/{projectId}/queries {"query": "...", "useLegacySql": false}.',
    verify: { path: '/projects', query: { maxResults: '1' } },
  }),
  googleProduct({
    id: 'google-admin',
    name: 'Google Workspace Admin (Directory API)',
    category: 'productivity',
    docsUrl: 'https://developers.google.com/workspace/admin/directory/reference/rest',
    urlHost: 'https://admin.googleapis.com',
    urlPath: '/admin/directory/v1',
    scopes: {
      'admin.directory.user.readonly': 'Read users',
      'admin.directory.user': 'Manage users',
      'admin.directory.group.readonly': 'Read groups',
    },
    defaultScopes: ['admin.directory.user.readonly', 'admin.directory.group.readonly'],
    instructions: 'Needs a Workspace admin; list users with GET /users?customer=my_customer.',
    verify: { path: '/users', query: { customer: 'my_customer', maxResults: '1' } },
  }),
  googleProduct({
    id: 'google-sign-in',
    name: 'Sign in with Google (OpenID Connect)',
    category: 'productivity',
    docsUrl: 'https://developers.google.com/identity/openid-connect/openid-connect',
    urlHost: 'https://openidconnect.googleapis.com',
    urlPath: '/v1',
    scopes: {
      'userinfo.email': 'Read the email address',
      'userinfo.profile': 'Read the name and picture',
    },
    defaultScopes: ['userinfo.email', 'userinfo.profile'],
    instructions: 'The user profile: GET /userinfo.',
    verify: { path: '/userinfo' },
  }),
  googleProduct({
    id: 'google-chat',
    name: 'Google Chat',
    category: 'communication',
    docsUrl: 'https://developers.google.com/workspace/chat/api/reference/rest',
    urlHost: 'https://chat.googleapis.com',
    urlPath: '/v1',
    scopes: {
      'chat.spaces.readonly': 'List and read spaces',
      'chat.messages': 'Read and send messages',
      'chat.messages.create': 'Send messages only',
    },
    defaultScopes: ['chat.spaces.readonly', 'chat.messages'],
    instructions: 'Post: POST /spaces/{space}/messages {text}.',
    verify: { path: '/spaces', query: { pageSize: '1' } },
  }),
  googleProduct({
    id: 'google-meet',
    name: 'Google Meet',
    category: 'communication',
    docsUrl: 'https://developers.google.com/workspace/meet/api/reference/rest',
    urlHost: 'https://meet.googleapis.com',
    urlPath: '/v2',
    scopes: {
      'meetings.space.created': 'Create and manage meeting spaces the app created',
      'meetings.space.readonly': 'Read meeting spaces and conference records',
    },
    defaultScopes: ['meetings.space.created', 'meetings.space.readonly'],
    instructions: 'Create a meeting: POST /spaces; past meetings: GET /conferenceRecords.',
    verify: { path: '/conferenceRecords', query: { pageSize: '1' } },
  }),
  googleProduct({
    id: 'google-classroom',
    name: 'Google Classroom',
    category: 'productivity',
    docsUrl: 'https://developers.google.com/workspace/classroom/reference/rest',
    urlHost: 'https://classroom.googleapis.com',
    urlPath: '/v1',
    scopes: {
      'classroom.courses.readonly': 'Read courses',
      'classroom.rosters.readonly': 'Read rosters',
      'classroom.coursework.students.readonly': 'Read coursework and grades',
    },
    defaultScopes: ['classroom.courses.readonly', 'classroom.rosters.readonly'],
    instructions: 'Courses: GET /courses; students: GET /courses/{id}/students.',
    verify: { path: '/courses', query: { pageSize: '1' } },
  }),
  googleProduct({
    id: 'google-tag-manager',
    name: 'Google Tag Manager',
    category: 'analytics',
    docsUrl: 'https://developers.google.com/tag-platform/tag-manager/api/reference/rest',
    urlHost: 'https://tagmanager.googleapis.com',
    urlPath: '/tagmanager/v2',
    scopes: {
      'tagmanager.readonly': 'Read containers and tags',
      'tagmanager.edit.containers': 'Edit containers',
    },
    defaultScopes: ['tagmanager.readonly'],
    instructions: 'Accounts: GET /accounts; containers: GET /accounts/{id}/containers.',
    verify: { path: '/accounts' },
  }),
  googleProduct({
    id: 'google-analytics-admin',
    name: 'Google Analytics Admin API',
    category: 'analytics',
    docsUrl: 'https://developers.google.com/analytics/devguides/config/admin/v1/rest',
    urlHost: 'https://analyticsadmin.googleapis.com',
    urlPath: '/v1beta',
    scopes: {
      'analytics.readonly': 'Read Analytics configuration',
      'analytics.edit': 'Edit Analytics configuration',
    },
    defaultScopes: ['analytics.readonly'],
    instructions: 'Accounts and properties: GET /accountSummaries.',
    verify: { path: '/accountSummaries', query: { pageSize: '1' } },
  }),
  googleProduct({
    id: 'google-ads',
    name: 'Google Ads',
    category: 'marketing',
    docsUrl: 'https://developers.google.com/google-ads/api/rest/overview',
    urlHost: 'https://googleads.googleapis.com',
    urlPath: '/v20',
    credentialNames: ['developer_token'],
    headers: { 'developer-token': '<<developer_token>>' },
    scopes: { adwords: 'Manage Google Ads accounts' },
    defaultScopes: ['adwords'],
    instructions:
      'developer_token comes from the Google Ads API Center; manager accounts also send login-customer-id. Reports: POST /customers/{id}/googleAds:search {query}.',
    verify: { path: '/customers:listAccessibleCustomers' },
  }),
  googleProduct({
    id: 'google-cloud-storage',
    name: 'Google Cloud Storage',
    category: 'storage',
    docsUrl: 'https://cloud.google.com/storage/docs/json_api',
    urlHost: 'https://storage.googleapis.com',
    urlPath: '/storage/v1',
    scopes: {
      'devstorage.read_only': 'Read buckets and objects',
      'devstorage.read_write': 'Read and write buckets and objects',
    },
    defaultScopes: ['devstorage.read_write'],
    instructions:
      'Objects: GET /b/{bucket}/o; downloads add ?alt=media; uploads go to /upload/storage/v1.',
  }),
  googleProduct({
    id: 'google-translate',
    name: 'Google Cloud Translation',
    category: 'ai',
    docsUrl: 'https://cloud.google.com/translate/docs/reference/rest',
    urlHost: 'https://translation.googleapis.com',
    urlPath: '/language/translate/v2',
    scopes: { 'cloud-translation': 'Use Cloud Translation' },
    defaultScopes: ['cloud-translation'],
    instructions:
      'Translate: POST the base URL with {q, target}; bill to a project with x-goog-user-project.',
    verify: { path: '/languages' },
  }),
  googleProduct({
    id: 'blogger',
    name: 'Blogger',
    category: 'social',
    docsUrl: 'https://developers.google.com/blogger/docs/3.0/reference',
    urlHost: 'https://www.googleapis.com',
    urlPath: '/blogger/v3',
    scopes: { blogger: 'Manage blogs', 'blogger.readonly': 'Read blogs' },
    defaultScopes: ['blogger'],
    instructions: 'Blogs: GET /users/self/blogs; posts: POST /blogs/{blogId}/posts.',
    verify: { path: '/users/self' },
  }),
];
