import { oauthSettings, oauthTemplate, resetRule } from './helpers';
import type { IntegrationTemplate } from './schema';

/** Headers GitHub asks every REST client to send. */
export const GITHUB_HEADERS = {
  Accept: 'application/vnd.github+json',
  'X-GitHub-Api-Version': '2022-11-28',
};

/** GitHub's primary and secondary rate limits (Retry-After first, then the reset time). */
export const GITHUB_RATE_LIMIT = resetRule('X-RateLimit-Reset', 'epoch_seconds', {
  remaining: 'X-RateLimit-Remaining',
  retryAfter: true,
});

/** Developer platforms (OAuth). */
export const DEVELOPER_TEMPLATES: IntegrationTemplate[] = [
  oauthTemplate({
    id: 'github',
    name: 'GitHub',
    category: 'developer',
    docsUrl:
      'https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps',
    urlHost: 'https://api.github.com',
    urlPath: '',
    headers: GITHUB_HEADERS,
    instructions:
      'OAuth App tokens do not expire (GitHub App user tokens expire after 8 hours and come with a rotating refresh token). The token endpoint answers JSON only with Accept: application/json. Lists page through the Link header.',
    oauth: oauthSettings({
      authorizeUrl: 'https://github.com/login/oauth/authorize',
      tokenUrl: 'https://github.com/login/oauth/access_token',
      defaultScopes: ['repo', 'read:user', 'user:email'],
      scopes: {
        repo: 'Full access to public and private repositories',
        public_repo: 'Access to public repositories only',
        'read:user': 'Read the user profile',
        'user:email': 'Read email addresses',
        'read:org': 'Read organization membership',
        workflow: 'Update GitHub Actions workflows',
      },
      pkce: 'supported',
      refreshTokens: 'none',
      accessTokenExpires: false,
    }),
    verify: { path: '/user' },
    rateLimit: GITHUB_RATE_LIMIT,
  }),
  oauthTemplate({
    id: 'gitlab',
    name: 'GitLab',
    category: 'developer',
    docsUrl: 'https://docs.gitlab.com/api/oauth2/',
    urlHost: 'https://gitlab.com',
    urlPath: '/api/v4',
    instructions:
      'Self-managed instances use their own host for both OAuth and API. Projects: GET /projects?membership=true; pages with the Link header or page/per_page.',
    oauth: oauthSettings({
      authorizeUrl: 'https://gitlab.com/oauth/authorize',
      tokenUrl: 'https://gitlab.com/oauth/token',
      revokeUrl: 'https://gitlab.com/oauth/revoke',
      defaultScopes: ['api', 'read_user'],
      scopes: {
        api: 'Full API access',
        read_api: 'Read-only API access',
        read_user: 'Read the user profile',
        read_repository: 'Read repositories over Git',
      },
      pkce: 'supported',
      refreshTokens: 'rotating',
      accessTokenExpires: true,
    }),
    verify: { path: '/user' },
    rateLimit: resetRule('RateLimit-Reset', 'epoch_seconds', {
      remaining: 'RateLimit-Remaining',
      retryAfter: true,
    }),
  }),
  oauthTemplate({
    id: 'bitbucket',
    name: 'Bitbucket Cloud',
    category: 'developer',
    docsUrl: 'https://developer.atlassian.com/cloud/bitbucket/rest/intro/',
    urlHost: 'https://api.bitbucket.org',
    urlPath: '/2.0',
    instructions:
      'Scopes are set on the OAuth consumer. Repositories: GET /repositories/{workspace}; pages with next.',
    oauth: oauthSettings({
      authorizeUrl: 'https://bitbucket.org/site/oauth2/authorize',
      tokenUrl: 'https://bitbucket.org/site/oauth2/access_token',
      scopes: {
        repository: 'Read repositories',
        'pullrequest:write': 'Create and update pull requests',
        account: 'Read the account',
      },
      clientAuthMethod: 'client_secret_basic',
      refreshTokens: 'static',
      accessTokenExpires: true,
    }),
    verify: { path: '/user' },
  }),
  oauthTemplate({
    id: 'heroku',
    name: 'Heroku',
    category: 'developer',
    docsUrl: 'https://devcenter.heroku.com/articles/oauth',
    urlHost: 'https://api.heroku.com',
    urlPath: '',
    headers: { Accept: 'application/vnd.heroku+json; version=3' },
    instructions: 'Apps: GET /apps; ranges page with the Range / Next-Range headers.',
    oauth: oauthSettings({
      authorizeUrl: 'https://id.heroku.com/oauth/authorize',
      tokenUrl: 'https://id.heroku.com/oauth/token',
      defaultScopes: ['read'],
      scopes: {
        global: 'Full access',
        identity: 'Read the account only',
        read: 'Read apps and resources (no config vars)',
        write: 'Modify apps and resources (no config vars)',
      },
      refreshTokens: 'static',
      accessTokenExpires: true,
    }),
    verify: { path: '/account' },
  }),
  oauthTemplate({
    id: 'digitalocean',
    name: 'DigitalOcean',
    category: 'developer',
    docsUrl: 'https://docs.digitalocean.com/reference/api/oauth/',
    urlHost: 'https://api.digitalocean.com',
    urlPath: '/v2',
    instructions: 'Droplets: GET /droplets; pages with links.pages.next.',
    oauth: oauthSettings({
      authorizeUrl: 'https://cloud.digitalocean.com/v1/oauth/authorize',
      tokenUrl: 'https://cloud.digitalocean.com/v1/oauth/token',
      revokeUrl: 'https://cloud.digitalocean.com/v1/oauth/revoke',
      defaultScopes: ['read'],
      scopes: { read: 'Read access', write: 'Read and write access' },
      refreshTokens: 'static',
      accessTokenExpires: true,
    }),
    verify: { path: '/account' },
    rateLimit: resetRule('RateLimit-Reset', 'epoch_seconds', {
      remaining: 'RateLimit-Remaining',
      retryAfter: true,
    }),
  }),
  oauthTemplate({
    id: 'netlify',
    name: 'Netlify',
    category: 'developer',
    docsUrl: 'https://docs.netlify.com/api/get-started/#authentication',
    urlHost: 'https://api.netlify.com',
    urlPath: '/api/v1',
    instructions: 'Sites: GET /sites; deploys: GET /sites/{site_id}/deploys.',
    oauth: oauthSettings({
      authorizeUrl: 'https://app.netlify.com/authorize',
      tokenUrl: 'https://api.netlify.com/oauth/token',
      refreshTokens: 'none',
      accessTokenExpires: false,
    }),
    verify: { path: '/user' },
    rateLimit: resetRule('X-RateLimit-Reset', 'epoch_seconds', {
      remaining: 'X-RateLimit-Remaining',
    }),
  }),
  oauthTemplate({
    id: 'linear',
    name: 'Linear',
    category: 'developer',
    docsUrl: 'https://linear.app/developers/oauth-2-0-authentication',
    urlHost: 'https://api.linear.app',
    urlPath: '/graphql',
    instructions:
      'GraphQL only: POST with {"query": "..."} to the base URL; connections page with first/after.',
    oauth: oauthSettings({
      authorizeUrl: 'https://linear.app/oauth/authorize',
      tokenUrl: 'https://api.linear.app/oauth/token',
      revokeUrl: 'https://api.linear.app/oauth/revoke',
      defaultScopes: ['read', 'write'],
      scopes: {
        read: 'Read access (always granted)',
        write: 'Write access',
        'issues:create': 'Create issues and attachments',
        'comments:create': 'Create comments',
        admin: 'Admin-level access',
      },
      scopeSeparator: ',',
      pkce: 'supported',
      refreshTokens: 'rotating',
      accessTokenExpires: true,
    }),
    verify: { method: 'POST', path: '', body: { query: '{ viewer { id } }' } },
    rateLimit: resetRule('X-RateLimit-Requests-Reset', 'epoch_ms', {
      remaining: 'X-RateLimit-Requests-Remaining',
    }),
  }),
];
