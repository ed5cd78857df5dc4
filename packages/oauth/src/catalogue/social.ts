import { oauthSettings, oauthTemplate } from './helpers';
import type { IntegrationTemplate } from './schema';

/** The Graph API version used for Facebook's endpoints (versions live about two years). */
export const META_GRAPH_VERSION = 'v23.0';

/** Social networks and media platforms (OAuth). */
export const SOCIAL_TEMPLATES: IntegrationTemplate[] = [
  oauthTemplate({
    id: 'twitter',
    name: 'X (Twitter)',
    category: 'social',
    docsUrl: 'https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code',
    urlHost: 'https://api.x.com',
    urlPath: '/2',
    instructions:
      'User context: GET /users/me; posts: POST /tweets. Access needs a paid tier for most reads; pages with pagination_token.',
    oauth: oauthSettings({
      authorizeUrl: 'https://x.com/i/oauth2/authorize',
      tokenUrl: 'https://api.x.com/2/oauth2/token',
      revokeUrl: 'https://api.x.com/2/oauth2/revoke',
      defaultScopes: ['tweet.read', 'users.read', 'offline.access'],
      scopes: {
        'tweet.read': 'Read posts',
        'tweet.write': 'Post and delete posts',
        'users.read': 'Read user profiles',
        'offline.access': 'Issue a refresh token',
      },
      pkce: 'required',
      clientAuthMethod: 'client_secret_basic',
      refreshTokens: 'rotating',
      accessTokenExpires: true,
    }),
  }),
  oauthTemplate({
    id: 'linkedin',
    name: 'LinkedIn',
    category: 'social',
    docsUrl:
      'https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow',
    urlHost: 'https://api.linkedin.com',
    urlPath: '/v2',
    instructions:
      'Profile: GET /userinfo (OpenID). Access tokens last 60 days; refresh tokens only for approved partners, otherwise re-consent. Versioned APIs live under /rest with a LinkedIn-Version header.',
    oauth: oauthSettings({
      authorizeUrl: 'https://www.linkedin.com/oauth/v2/authorization',
      tokenUrl: 'https://www.linkedin.com/oauth/v2/accessToken',
      revokeUrl: 'https://www.linkedin.com/oauth/v2/revoke',
      defaultScopes: ['openid', 'profile', 'email', 'w_member_social'],
      scopes: {
        openid: 'Sign in with OpenID Connect',
        profile: 'Read name and photo',
        email: 'Read the primary email address',
        w_member_social: 'Post on behalf of the member',
      },
      refreshTokens: 'none',
      accessTokenExpires: true,
    }),
  }),
  oauthTemplate({
    id: 'reddit',
    name: 'Reddit',
    category: 'social',
    docsUrl: 'https://github.com/reddit-archive/reddit/wiki/OAuth2',
    urlHost: 'https://oauth.reddit.com',
    urlPath: '',
    instructions:
      'A descriptive User-Agent is required. Listings page with after/before. duration=permanent is what yields a refresh token.',
    oauth: oauthSettings({
      authorizeUrl: 'https://www.reddit.com/api/v1/authorize',
      tokenUrl: 'https://www.reddit.com/api/v1/access_token',
      revokeUrl: 'https://www.reddit.com/api/v1/revoke_token',
      defaultScopes: ['identity', 'read'],
      scopes: {
        identity: 'Read the username',
        read: 'Read posts and comments',
        submit: 'Submit links and comments',
        history: 'Read voting and saved history',
      },
      clientAuthMethod: 'client_secret_basic',
      extraAuthorizeParams: { duration: 'permanent' },
      refreshTokens: 'static',
      accessTokenExpires: true,
    }),
  }),
  oauthTemplate({
    id: 'facebook',
    name: 'Facebook (Meta Graph API)',
    category: 'social',
    docsUrl: 'https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow',
    urlHost: 'https://graph.facebook.com',
    urlPath: `/${META_GRAPH_VERSION}`,
    instructions:
      'No refresh tokens: exchange the short-lived token for a 60-day one (grant_type=fb_exchange_token). Page actions need a Page access token from GET /me/accounts. Pages with paging.next.',
    oauth: oauthSettings({
      authorizeUrl: `https://www.facebook.com/${META_GRAPH_VERSION}/dialog/oauth`,
      tokenUrl: `https://graph.facebook.com/${META_GRAPH_VERSION}/oauth/access_token`,
      defaultScopes: ['public_profile', 'email'],
      scopes: {
        public_profile: 'Read the public profile',
        email: 'Read the email address',
        pages_show_list: 'List the Pages the user manages',
        pages_read_engagement: 'Read Page content and engagement',
      },
      scopeSeparator: ',',
      refreshTokens: 'none',
      accessTokenExpires: true,
    }),
  }),
  oauthTemplate({
    id: 'pinterest',
    name: 'Pinterest',
    category: 'social',
    docsUrl:
      'https://developers.pinterest.com/docs/getting-started/set-up-authentication-and-authorization/',
    urlHost: 'https://api.pinterest.com',
    urlPath: '/v5',
    instructions: 'Boards: GET /boards; pins: GET /pins; pages with bookmark.',
    oauth: oauthSettings({
      authorizeUrl: 'https://www.pinterest.com/oauth/',
      tokenUrl: 'https://api.pinterest.com/v5/oauth/token',
      defaultScopes: ['user_accounts:read', 'boards:read', 'pins:read'],
      scopes: {
        'user_accounts:read': 'Read the account',
        'boards:read': 'Read boards',
        'boards:write': 'Create and edit boards',
        'pins:read': 'Read pins',
        'pins:write': 'Create and edit pins',
      },
      scopeSeparator: ',',
      clientAuthMethod: 'client_secret_basic',
      refreshTokens: 'static',
      accessTokenExpires: true,
    }),
  }),
  oauthTemplate({
    id: 'strava',
    name: 'Strava',
    category: 'social',
    docsUrl: 'https://developers.strava.com/docs/authentication/',
    urlHost: 'https://www.strava.com',
    urlPath: '/api/v3',
    instructions:
      'Activities: GET /athlete/activities (page/per_page). A refresh may return a new refresh token; always keep the latest.',
    oauth: oauthSettings({
      authorizeUrl: 'https://www.strava.com/oauth/authorize',
      tokenUrl: 'https://www.strava.com/oauth/token',
      defaultScopes: ['read', 'activity:read_all'],
      scopes: {
        read: 'Read public data',
        activity: 'Read activities visible to everyone',
        'activity:read_all': 'Read all activities, including private ones',
        'activity:write': 'Create and edit activities',
      },
      scopeSeparator: ',',
      refreshTokens: 'rotating',
      accessTokenExpires: true,
    }),
  }),
  oauthTemplate({
    id: 'spotify',
    name: 'Spotify',
    category: 'media',
    docsUrl: 'https://developer.spotify.com/documentation/web-api/tutorials/code-flow',
    urlHost: 'https://api.spotify.com',
    urlPath: '/v1',
    instructions:
      'Profile: GET /me; playlists: GET /me/playlists; pages with next. A refresh may return a new refresh token; keep the latest.',
    oauth: oauthSettings({
      authorizeUrl: 'https://accounts.spotify.com/authorize',
      tokenUrl: 'https://accounts.spotify.com/api/token',
      defaultScopes: ['user-read-email', 'user-read-private', 'playlist-read-private'],
      scopes: {
        'user-read-email': 'Read the email address',
        'user-read-private': 'Read subscription details and country',
        'playlist-read-private': 'Read private playlists',
        'playlist-modify-private': 'Edit private playlists',
        'user-read-recently-played': 'Read recently played tracks',
      },
      pkce: 'supported',
      clientAuthMethod: 'client_secret_basic',
      refreshTokens: 'static',
      accessTokenExpires: true,
    }),
  }),
  oauthTemplate({
    id: 'twitch',
    name: 'Twitch',
    category: 'media',
    docsUrl: 'https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/',
    urlHost: 'https://api.twitch.tv',
    urlPath: '/helix',
    credentialNames: ['client_id'],
    headers: { 'Client-Id': '<<client_id>>' },
    instructions:
      'Every Helix request needs the Client-Id header (the app’s client id) with the token. Users: GET /users; pages with pagination.cursor.',
    oauth: oauthSettings({
      authorizeUrl: 'https://id.twitch.tv/oauth2/authorize',
      tokenUrl: 'https://id.twitch.tv/oauth2/token',
      revokeUrl: 'https://id.twitch.tv/oauth2/revoke',
      defaultScopes: ['user:read:email'],
      scopes: {
        'user:read:email': 'Read the email address',
        'channel:read:subscriptions': 'Read subscribers',
        'moderator:read:followers': 'Read followers',
      },
      refreshTokens: 'static',
      accessTokenExpires: true,
    }),
  }),
];
