import type { AuthScheme } from '@latchkey/credential-mapper';
import { listPlaceholders } from '@latchkey/credential-mapper';
import { SHOPIFY_API_VERSION } from './commerce';
import { GITHUB_HEADERS } from './developer';
import { NOTION_VERSION } from './productivity';
import type { IntegrationTemplate } from './schema';

const bearer = (credential: string): AuthScheme => ({ type: 'bearer', credential });
const header = (name: string, credential: string, prefix?: string): AuthScheme =>
  prefix ? { type: 'header', name, prefix, credential } : { type: 'header', name, credential };
const query = (name: string, credential: string): AuthScheme => ({
  type: 'query',
  name,
  credential,
});
const basic = (username: string, password: string): AuthScheme => ({
  type: 'basic',
  username,
  password,
});

/**
 * A key-based template. `credentialNames` is derived: the credentials the auth scheme names,
 * then every placeholder of the host, path and headers (account subdomains, app ids).
 */
function apiKeyTemplate(t: Omit<IntegrationTemplate, 'oauth' | 'credentialNames'>) {
  const auth = t.auth;
  const fromAuth =
    auth.type === 'basic'
      ? [auth.username, auth.password]
      : 'credential' in auth
        ? [auth.credential]
        : [];
  const names = [
    ...fromAuth.filter((n): n is string => !!n),
    ...listPlaceholders([t.urlHost, t.urlPath, t.headers ?? {}]),
  ];
  return { ...t, credentialNames: [...new Set(names)] } satisfies IntegrationTemplate;
}

/** APIs used with a key, token or username/password: the user supplies the secret, nothing else. */
export const API_KEY_TEMPLATES: IntegrationTemplate[] = [
  // Payments and commerce
  apiKeyTemplate({
    id: 'stripe',
    name: 'Stripe',
    category: 'payments',
    docsUrl: 'https://docs.stripe.com/api',
    urlHost: 'https://api.stripe.com',
    urlPath: '/v1',
    auth: bearer('secret_key'),
    instructions:
      'Stripe uses form-encoded bodies; list endpoints paginate with starting_after and has_more; amounts are in the smallest currency unit.',
    verify: { path: '/account' },
  }),
  apiKeyTemplate({
    id: 'square-access-token',
    name: 'Square (access token)',
    category: 'payments',
    docsUrl: 'https://developer.squareup.com/docs/build-basics/access-tokens',
    urlHost: 'https://connect.squareup.com',
    urlPath: '/v2',
    auth: bearer('access_token'),
    instructions:
      'Personal access token from the Developer Console. Sandbox: connect.squareupsandbox.com.',
  }),
  apiKeyTemplate({
    id: 'paddle',
    name: 'Paddle Billing',
    category: 'payments',
    docsUrl: 'https://developer.paddle.com/api-reference/overview',
    urlHost: 'https://api.paddle.com',
    urlPath: '',
    auth: bearer('api_key'),
    instructions: 'Sandbox: sandbox-api.paddle.com. Lists page with meta.pagination.next.',
  }),
  apiKeyTemplate({
    id: 'shopify-custom-app',
    name: 'Shopify (custom app token)',
    category: 'commerce',
    docsUrl:
      'https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/generate-app-access-tokens-admin',
    urlHost: 'https://<<shop>>.myshopify.com',
    urlPath: `/admin/api/${SHOPIFY_API_VERSION}`,
    auth: header('X-Shopify-Access-Token', 'admin_api_access_token'),
    instructions:
      'shop is the store subdomain; the Admin API access token of a custom app (shpat_...).',
  }),
  apiKeyTemplate({
    id: 'woocommerce',
    name: 'WooCommerce',
    category: 'commerce',
    docsUrl: 'https://woocommerce.github.io/woocommerce-rest-api-docs/',
    urlHost: 'https://<<store_domain>>',
    urlPath: '/wp-json/wc/v3',
    auth: basic('consumer_key', 'consumer_secret'),
    instructions:
      'store_domain is the shop’s host (shop.example.com). Lists page with page/per_page.',
  }),
  apiKeyTemplate({
    id: 'bigcommerce',
    name: 'BigCommerce',
    category: 'commerce',
    docsUrl: 'https://developer.bigcommerce.com/docs/start/authentication/api-accounts',
    urlHost: 'https://api.bigcommerce.com',
    urlPath: '/stores/<<store_hash>>/v3',
    auth: header('X-Auth-Token', 'access_token'),
    instructions:
      'store_hash is in the API path shown with the store API account. Catalog: GET /catalog/products.',
  }),

  // Email and marketing
  apiKeyTemplate({
    id: 'sendgrid',
    name: 'SendGrid',
    category: 'email',
    docsUrl: 'https://www.twilio.com/docs/sendgrid/api-reference',
    urlHost: 'https://api.sendgrid.com',
    urlPath: '/v3',
    auth: bearer('api_key'),
    instructions: 'Send with POST /mail/send (personalizations, from, subject, content).',
  }),
  apiKeyTemplate({
    id: 'mailgun',
    name: 'Mailgun',
    category: 'email',
    docsUrl: 'https://documentation.mailgun.com/docs/mailgun/api-reference/',
    urlHost: 'https://api.mailgun.net',
    urlPath: '/v3',
    auth: basic('username', 'api_key'),
    credentialDefaults: { username: 'api' },
    instructions:
      'Basic auth with the literal user "api" and the API key. Send with POST /{domain}/messages (form-encoded). EU domains use api.eu.mailgun.net.',
  }),
  apiKeyTemplate({
    id: 'postmark',
    name: 'Postmark',
    category: 'email',
    docsUrl: 'https://postmarkapp.com/developer/api/overview',
    urlHost: 'https://api.postmarkapp.com',
    urlPath: '',
    auth: header('X-Postmark-Server-Token', 'server_token'),
    headers: { Accept: 'application/json' },
    instructions:
      'Send with POST /email. Account-level endpoints take X-Postmark-Account-Token instead.',
  }),
  apiKeyTemplate({
    id: 'resend',
    name: 'Resend',
    category: 'email',
    docsUrl: 'https://resend.com/docs/api-reference/introduction',
    urlHost: 'https://api.resend.com',
    urlPath: '',
    auth: bearer('api_key'),
    instructions: 'Send with POST /emails {from, to, subject, html}.',
  }),
  apiKeyTemplate({
    id: 'brevo',
    name: 'Brevo',
    category: 'marketing',
    docsUrl: 'https://developers.brevo.com/docs/getting-started',
    urlHost: 'https://api.brevo.com',
    urlPath: '/v3',
    auth: header('api-key', 'api_key'),
    instructions: 'Transactional email: POST /smtp/email; contacts: GET /contacts.',
  }),
  apiKeyTemplate({
    id: 'klaviyo',
    name: 'Klaviyo',
    category: 'marketing',
    docsUrl: 'https://developers.klaviyo.com/en/reference/api_overview',
    urlHost: 'https://a.klaviyo.com',
    urlPath: '/api',
    auth: header('Authorization', 'private_api_key', 'Klaviyo-API-Key'),
    headers: { revision: '2025-07-15', Accept: 'application/vnd.api+json' },
    instructions:
      'JSON:API style; the revision header pins the API version. Pages with links.next.',
  }),
  apiKeyTemplate({
    id: 'mailchimp-api-key',
    name: 'Mailchimp (API key)',
    category: 'marketing',
    docsUrl: 'https://mailchimp.com/developer/marketing/docs/fundamentals/',
    urlHost: 'https://<<dc>>.api.mailchimp.com',
    urlPath: '/3.0',
    auth: basic('username', 'api_key'),
    credentialDefaults: { username: 'anystring' },
    instructions: 'dc is the suffix of the API key (…-us6 → us6); Basic auth takes any username.',
  }),
  apiKeyTemplate({
    id: 'activecampaign',
    name: 'ActiveCampaign',
    category: 'marketing',
    docsUrl: 'https://developers.activecampaign.com/reference/overview',
    urlHost: 'https://<<account>>.api-us1.com',
    urlPath: '/api/3',
    auth: header('Api-Token', 'api_key'),
    instructions: 'account and the key are under Settings → Developer. Contacts: GET /contacts.',
  }),
  apiKeyTemplate({
    id: 'kit',
    name: 'Kit (ConvertKit)',
    category: 'marketing',
    docsUrl: 'https://developers.kit.com/v4',
    urlHost: 'https://api.kit.com',
    urlPath: '/v4',
    auth: header('X-Kit-Api-Key', 'api_key'),
    instructions: 'Subscribers: GET /subscribers; pages with after cursors.',
  }),

  // Communication
  apiKeyTemplate({
    id: 'twilio',
    name: 'Twilio',
    category: 'communication',
    docsUrl: 'https://www.twilio.com/docs/usage/api',
    urlHost: 'https://api.twilio.com',
    urlPath: '/2010-04-01',
    auth: basic('account_sid', 'auth_token'),
    instructions:
      'Resources live under /Accounts/{AccountSid}/ (e.g. Messages.json); bodies are form-encoded. An API key SID and secret also work as the Basic pair.',
  }),
  apiKeyTemplate({
    id: 'slack-bot-token',
    name: 'Slack (bot token)',
    category: 'communication',
    docsUrl: 'https://api.slack.com/authentication/token-types',
    urlHost: 'https://slack.com',
    urlPath: '/api',
    auth: bearer('bot_token'),
    instructions:
      'A bot token (xoxb-...) from an installed app. Errors come back as 200 with "ok": false.',
  }),

  // CRM, support and productivity
  apiKeyTemplate({
    id: 'hubspot-private-app',
    name: 'HubSpot (private app)',
    category: 'crm',
    docsUrl: 'https://developers.hubspot.com/docs/api/private-apps',
    urlHost: 'https://api.hubapi.com',
    urlPath: '',
    auth: bearer('private_app_token'),
    instructions:
      'CRM objects: /crm/v3/objects/{contacts|companies|deals}; pages with paging.next.after.',
  }),
  apiKeyTemplate({
    id: 'pipedrive-api-token',
    name: 'Pipedrive (API token)',
    category: 'crm',
    docsUrl: 'https://pipedrive.readme.io/docs/how-to-find-the-api-token',
    urlHost: 'https://api.pipedrive.com',
    urlPath: '/v1',
    auth: query('api_token', 'api_token'),
    instructions:
      'The personal API token goes in the api_token query parameter. Deals: GET /deals.',
  }),
  apiKeyTemplate({
    id: 'intercom-access-token',
    name: 'Intercom (access token)',
    category: 'support',
    docsUrl: 'https://developers.intercom.com/docs/build-an-integration/learn-more/authentication',
    urlHost: 'https://api.intercom.io',
    urlPath: '',
    auth: bearer('access_token'),
    instructions: 'The access token of a private app in the Developer Hub.',
  }),
  apiKeyTemplate({
    id: 'zendesk-api-token',
    name: 'Zendesk (API token)',
    category: 'support',
    docsUrl: 'https://developer.zendesk.com/api-reference/introduction/security-and-auth/',
    urlHost: 'https://<<subdomain>>.zendesk.com',
    urlPath: '/api/v2',
    auth: basic('username', 'api_token'),
    instructions: 'username is the agent email followed by /token (agent@example.com/token).',
  }),
  apiKeyTemplate({
    id: 'freshdesk',
    name: 'Freshdesk',
    category: 'support',
    docsUrl: 'https://developers.freshdesk.com/api/#authentication',
    urlHost: 'https://<<domain>>.freshdesk.com',
    urlPath: '/api/v2',
    auth: basic('api_key', 'password'),
    credentialDefaults: { password: 'X' },
    instructions:
      'Basic auth with the API key as user and any password ("X"). Tickets: GET /tickets.',
  }),
  apiKeyTemplate({
    id: 'jira-api-token',
    name: 'Jira Cloud (API token)',
    category: 'productivity',
    docsUrl: 'https://developer.atlassian.com/cloud/jira/platform/basic-auth-for-rest-apis/',
    urlHost: 'https://<<site>>.atlassian.net',
    urlPath: '/rest/api/3',
    auth: basic('email', 'api_token'),
    instructions:
      'site is the <site>.atlassian.net name; Basic auth with the account email and an API token.',
  }),
  apiKeyTemplate({
    id: 'confluence-api-token',
    name: 'Confluence Cloud (API token)',
    category: 'productivity',
    docsUrl: 'https://developer.atlassian.com/cloud/confluence/basic-auth-for-rest-apis/',
    urlHost: 'https://<<site>>.atlassian.net',
    urlPath: '/wiki/api/v2',
    auth: basic('email', 'api_token'),
    instructions:
      'site is the <site>.atlassian.net name; Basic auth with the account email and an API token.',
  }),
  apiKeyTemplate({
    id: 'notion-internal',
    name: 'Notion (internal integration)',
    category: 'productivity',
    docsUrl: 'https://developers.notion.com/docs/create-a-notion-integration',
    urlHost: 'https://api.notion.com',
    urlPath: '/v1',
    auth: bearer('integration_token'),
    headers: { 'Notion-Version': NOTION_VERSION },
    instructions:
      'Internal integration secret (ntn_...); share pages with the integration to make them visible.',
  }),
  apiKeyTemplate({
    id: 'airtable-pat',
    name: 'Airtable (personal access token)',
    category: 'productivity',
    docsUrl: 'https://airtable.com/developers/web/api/introduction',
    urlHost: 'https://api.airtable.com',
    urlPath: '/v0',
    auth: bearer('personal_access_token'),
    instructions:
      'Records: GET /{baseId}/{tableIdOrName}; pages with offset; 5 requests/s per base.',
  }),
  apiKeyTemplate({
    id: 'asana-pat',
    name: 'Asana (personal access token)',
    category: 'productivity',
    docsUrl: 'https://developers.asana.com/docs/personal-access-token',
    urlHost: 'https://app.asana.com',
    urlPath: '/api/1.0',
    auth: bearer('personal_access_token'),
  }),
  apiKeyTemplate({
    id: 'monday-api-token',
    name: 'monday.com (API token)',
    category: 'productivity',
    docsUrl: 'https://developer.monday.com/api-reference/docs/authentication',
    urlHost: 'https://api.monday.com',
    urlPath: '/v2',
    auth: header('Authorization', 'api_token'),
    instructions:
      'GraphQL: POST {"query": "..."}; the token goes in Authorization without a prefix.',
  }),
  apiKeyTemplate({
    id: 'clickup-api-token',
    name: 'ClickUp (personal token)',
    category: 'productivity',
    docsUrl: 'https://developer.clickup.com/docs/authentication',
    urlHost: 'https://api.clickup.com',
    urlPath: '/api/v2',
    auth: header('Authorization', 'personal_token'),
    instructions: 'Personal tokens (pk_...) go in Authorization without a prefix.',
  }),
  apiKeyTemplate({
    id: 'calendly-pat',
    name: 'Calendly (personal access token)',
    category: 'scheduling',
    docsUrl: 'https://developer.calendly.com/how-to-authenticate-with-personal-access-tokens',
    urlHost: 'https://api.calendly.com',
    urlPath: '',
    auth: bearer('personal_access_token'),
  }),
  apiKeyTemplate({
    id: 'figma-pat',
    name: 'Figma (personal access token)',
    category: 'design',
    docsUrl: 'https://developers.figma.com/docs/rest-api/personal-access-tokens/',
    urlHost: 'https://api.figma.com',
    urlPath: '/v1',
    auth: header('X-Figma-Token', 'personal_access_token'),
  }),

  // Developer platforms
  apiKeyTemplate({
    id: 'github-pat',
    name: 'GitHub (personal access token)',
    category: 'developer',
    docsUrl: 'https://docs.github.com/en/rest/authentication/authenticating-to-the-rest-api',
    urlHost: 'https://api.github.com',
    urlPath: '',
    auth: bearer('personal_access_token'),
    headers: GITHUB_HEADERS,
    instructions: 'Fine-grained or classic token. Lists page through the Link header.',
  }),
  apiKeyTemplate({
    id: 'gitlab-pat',
    name: 'GitLab (personal access token)',
    category: 'developer',
    docsUrl: 'https://docs.gitlab.com/api/rest/authentication/',
    urlHost: 'https://gitlab.com',
    urlPath: '/api/v4',
    auth: header('PRIVATE-TOKEN', 'personal_access_token'),
    instructions: 'Self-managed instances use their own host.',
  }),
  apiKeyTemplate({
    id: 'linear-api-key',
    name: 'Linear (API key)',
    category: 'developer',
    docsUrl: 'https://linear.app/developers/graphql',
    urlHost: 'https://api.linear.app',
    urlPath: '/graphql',
    auth: header('Authorization', 'api_key'),
    instructions:
      'Personal API keys go in Authorization without a prefix. GraphQL: POST {"query": "..."}.',
  }),
  apiKeyTemplate({
    id: 'cloudflare',
    name: 'Cloudflare',
    category: 'developer',
    docsUrl: 'https://developers.cloudflare.com/fundamentals/api/get-started/create-token/',
    urlHost: 'https://api.cloudflare.com',
    urlPath: '/client/v4',
    auth: bearer('api_token'),
    instructions: 'Zones: GET /zones; results wrap in {success, errors, result, result_info}.',
  }),
  apiKeyTemplate({
    id: 'vercel',
    name: 'Vercel',
    category: 'developer',
    docsUrl: 'https://vercel.com/docs/rest-api',
    urlHost: 'https://api.vercel.com',
    urlPath: '',
    auth: bearer('access_token'),
    instructions:
      'Team resources need ?teamId=. Projects: GET /v9/projects; deployments: GET /v6/deployments.',
  }),
  apiKeyTemplate({
    id: 'sentry',
    name: 'Sentry',
    category: 'developer',
    docsUrl: 'https://docs.sentry.io/api/auth/',
    urlHost: 'https://sentry.io',
    urlPath: '/api/0',
    auth: bearer('auth_token'),
    instructions:
      'Issues: GET /projects/{org}/{project}/issues/; pages through the Link header. EU: de.sentry.io.',
  }),
  apiKeyTemplate({
    id: 'datadog',
    name: 'Datadog',
    category: 'developer',
    docsUrl: 'https://docs.datadoghq.com/api/latest/authentication/',
    urlHost: 'https://api.datadoghq.com',
    urlPath: '/api',
    auth: header('DD-API-KEY', 'api_key'),
    headers: { 'DD-APPLICATION-KEY': '<<application_key>>' },
    instructions:
      'Reads need the application key too. Other sites use their host (api.datadoghq.eu, api.us5.datadoghq.com, ...).',
  }),
  apiKeyTemplate({
    id: 'algolia',
    name: 'Algolia',
    category: 'developer',
    docsUrl: 'https://www.algolia.com/doc/rest-api/search/',
    urlHost: 'https://<<app_id>>.algolia.net',
    urlPath: '/1',
    auth: header('X-Algolia-API-Key', 'api_key'),
    headers: { 'X-Algolia-Application-Id': '<<app_id>>' },
    instructions: 'Search: POST /indexes/{indexName}/query {"query": "..."}.',
  }),

  // AI
  apiKeyTemplate({
    id: 'openai',
    name: 'OpenAI',
    category: 'ai',
    docsUrl: 'https://platform.openai.com/docs/api-reference',
    urlHost: 'https://api.openai.com',
    urlPath: '/v1',
    auth: bearer('api_key'),
    instructions: 'Responses: POST /responses; chat completions: POST /chat/completions.',
  }),
  apiKeyTemplate({
    id: 'anthropic',
    name: 'Anthropic',
    category: 'ai',
    docsUrl: 'https://docs.anthropic.com/en/api/overview',
    urlHost: 'https://api.anthropic.com',
    urlPath: '/v1',
    auth: header('x-api-key', 'api_key'),
    headers: { 'anthropic-version': '2023-06-01' },
    instructions: 'Messages: POST /messages {model, max_tokens, messages}.',
  }),
  apiKeyTemplate({
    id: 'google-gemini',
    name: 'Google Gemini API',
    category: 'ai',
    docsUrl: 'https://ai.google.dev/api',
    urlHost: 'https://generativelanguage.googleapis.com',
    urlPath: '/v1beta',
    auth: header('x-goog-api-key', 'api_key'),
    instructions: 'Generate: POST /models/{model}:generateContent.',
  }),
  apiKeyTemplate({
    id: 'mistral',
    name: 'Mistral AI',
    category: 'ai',
    docsUrl: 'https://docs.mistral.ai/api/',
    urlHost: 'https://api.mistral.ai',
    urlPath: '/v1',
    auth: bearer('api_key'),
  }),
  apiKeyTemplate({
    id: 'cohere',
    name: 'Cohere',
    category: 'ai',
    docsUrl: 'https://docs.cohere.com/reference/about',
    urlHost: 'https://api.cohere.com',
    urlPath: '/v2',
    auth: bearer('api_key'),
  }),
  apiKeyTemplate({
    id: 'groq',
    name: 'Groq',
    category: 'ai',
    docsUrl: 'https://console.groq.com/docs/api-reference',
    urlHost: 'https://api.groq.com',
    urlPath: '/openai/v1',
    auth: bearer('api_key'),
    instructions: 'OpenAI-compatible: POST /chat/completions.',
  }),
  apiKeyTemplate({
    id: 'openrouter',
    name: 'OpenRouter',
    category: 'ai',
    docsUrl: 'https://openrouter.ai/docs/api-reference/overview',
    urlHost: 'https://openrouter.ai',
    urlPath: '/api/v1',
    auth: bearer('api_key'),
    instructions: 'OpenAI-compatible: POST /chat/completions with provider/model names.',
  }),
  apiKeyTemplate({
    id: 'perplexity',
    name: 'Perplexity',
    category: 'ai',
    docsUrl: 'https://docs.perplexity.ai/api-reference/chat-completions-post',
    urlHost: 'https://api.perplexity.ai',
    urlPath: '',
    auth: bearer('api_key'),
    instructions: 'OpenAI-compatible: POST /chat/completions.',
  }),
  apiKeyTemplate({
    id: 'elevenlabs',
    name: 'ElevenLabs',
    category: 'ai',
    docsUrl: 'https://elevenlabs.io/docs/api-reference/introduction',
    urlHost: 'https://api.elevenlabs.io',
    urlPath: '/v1',
    auth: header('xi-api-key', 'api_key'),
    instructions: 'Text to speech: POST /text-to-speech/{voice_id} (returns audio).',
  }),
  apiKeyTemplate({
    id: 'deepl',
    name: 'DeepL',
    category: 'ai',
    docsUrl: 'https://developers.deepl.com/docs/getting-started/auth',
    urlHost: 'https://api.deepl.com',
    urlPath: '/v2',
    auth: header('Authorization', 'auth_key', 'DeepL-Auth-Key'),
    instructions:
      'Free-plan keys (ending in :fx) use api-free.deepl.com. Translate: POST /translate.',
  }),
  apiKeyTemplate({
    id: 'replicate',
    name: 'Replicate',
    category: 'ai',
    docsUrl: 'https://replicate.com/docs/reference/http',
    urlHost: 'https://api.replicate.com',
    urlPath: '/v1',
    auth: bearer('api_token'),
    instructions:
      'Predictions are asynchronous: POST /predictions, then poll GET /predictions/{id}.',
  }),

  // Data and search
  apiKeyTemplate({
    id: 'serpapi',
    name: 'SerpApi',
    category: 'analytics',
    docsUrl: 'https://serpapi.com/search-api',
    urlHost: 'https://serpapi.com',
    urlPath: '',
    auth: query('api_key', 'api_key'),
    instructions: 'Search: GET /search?engine=google&q=....',
  }),
  apiKeyTemplate({
    id: 'google-maps',
    name: 'Google Maps Platform',
    category: 'analytics',
    docsUrl: 'https://developers.google.com/maps/documentation/geocoding/requests-geocoding',
    urlHost: 'https://maps.googleapis.com',
    urlPath: '/maps/api',
    auth: query('key', 'api_key'),
    instructions:
      'Geocoding: GET /geocode/json?address=...; the key goes in the key query parameter.',
  }),
  apiKeyTemplate({
    id: 'openweathermap',
    name: 'OpenWeather',
    category: 'analytics',
    docsUrl: 'https://openweathermap.org/current',
    urlHost: 'https://api.openweathermap.org',
    urlPath: '/data/2.5',
    auth: query('appid', 'api_key'),
    instructions: 'Current weather: GET /weather?q={city}&units=metric.',
  }),
];
