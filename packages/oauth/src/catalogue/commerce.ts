import { oauthSettings, oauthTemplate, RETRY_AFTER, tokenHeader } from './helpers';
import type { IntegrationTemplate } from './schema';

/** The Shopify Admin API version (quarterly releases, each supported for a year). */
export const SHOPIFY_API_VERSION = '2026-04';

/** Commerce and payments (OAuth). */
export const COMMERCE_TEMPLATES: IntegrationTemplate[] = [
  oauthTemplate({
    id: 'shopify',
    name: 'Shopify',
    category: 'commerce',
    docsUrl:
      'https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant',
    urlHost: 'https://<<shop>>.myshopify.com',
    urlPath: `/admin/api/${SHOPIFY_API_VERSION}`,
    credentialNames: ['shop'],
    auth: tokenHeader('X-Shopify-Access-Token'),
    instructions:
      'shop is the store subdomain (<shop>.myshopify.com). The token goes in X-Shopify-Access-Token. GraphQL: POST /graphql.json; REST lists page through the Link header. Offline tokens do not expire.',
    oauth: oauthSettings({
      authorizeUrl: 'https://<<shop>>.myshopify.com/admin/oauth/authorize',
      tokenUrl: 'https://<<shop>>.myshopify.com/admin/oauth/access_token',
      defaultScopes: ['read_products', 'read_orders', 'read_customers'],
      scopes: {
        read_products: 'Read products and collections',
        write_products: 'Write products and collections',
        read_orders: 'Read orders (last 60 days without read_all_orders)',
        read_customers: 'Read customers',
        read_inventory: 'Read inventory',
      },
      scopeSeparator: ',',
      refreshTokens: 'none',
      accessTokenExpires: false,
    }),
    verify: { path: '/shop.json' },
    rateLimit: RETRY_AFTER,
  }),
  oauthTemplate({
    id: 'stripe-connect',
    name: 'Stripe Connect (OAuth)',
    category: 'payments',
    docsUrl: 'https://docs.stripe.com/connect/oauth-reference',
    urlHost: 'https://api.stripe.com',
    urlPath: '/v1',
    instructions:
      'For platforms connecting Standard accounts: the client secret is the platform’s secret key. The access token acts like the account’s secret key (form-encoded bodies; pages with starting_after). Deauthorize with POST https://connect.stripe.com/oauth/deauthorize.',
    oauth: oauthSettings({
      authorizeUrl: 'https://connect.stripe.com/oauth/authorize',
      tokenUrl: 'https://connect.stripe.com/oauth/token',
      defaultScopes: ['read_write'],
      scopes: { read_only: 'Read-only access', read_write: 'Read and write access' },
      refreshTokens: 'static',
      accessTokenExpires: false,
    }),
    verify: { path: '/account' },
  }),
  oauthTemplate({
    id: 'square',
    name: 'Square',
    category: 'payments',
    docsUrl: 'https://developer.squareup.com/docs/oauth-api/overview',
    urlHost: 'https://connect.squareup.com',
    urlPath: '/v2',
    instructions:
      'Send a Square-Version header to pin the API version. Payments: GET /payments; pages with cursor. Sandbox uses connect.squareupsandbox.com. Tokens last 30 days.',
    oauth: oauthSettings({
      authorizeUrl: 'https://connect.squareup.com/oauth2/authorize',
      tokenUrl: 'https://connect.squareup.com/oauth2/token',
      defaultScopes: ['MERCHANT_PROFILE_READ', 'PAYMENTS_READ', 'ORDERS_READ', 'CUSTOMERS_READ'],
      scopes: {
        MERCHANT_PROFILE_READ: 'Read business and location information',
        PAYMENTS_READ: 'Read payments',
        PAYMENTS_WRITE: 'Take payments',
        ORDERS_READ: 'Read orders',
        CUSTOMERS_READ: 'Read customers',
        ITEMS_READ: 'Read the catalog',
      },
      pkce: 'supported',
      extraAuthorizeParams: { session: 'false' },
      refreshTokens: 'static',
      accessTokenExpires: true,
    }),
    verify: { path: '/locations' },
  }),
  oauthTemplate({
    id: 'paypal',
    name: 'PayPal',
    category: 'payments',
    docsUrl: 'https://developer.paypal.com/api/rest/authentication/',
    urlHost: 'https://api-m.paypal.com',
    urlPath: '',
    instructions:
      'Most REST APIs (orders, payments) use the client credentials grant for the app’s own account; the authorization code grant is Log in with PayPal. Sandbox: api-m.sandbox.paypal.com.',
    oauth: oauthSettings({
      authorizeUrl: 'https://www.paypal.com/signin/authorize',
      tokenUrl: 'https://api-m.paypal.com/v1/oauth2/token',
      defaultScopes: ['openid', 'email'],
      scopes: { openid: 'Sign in', email: 'Read the email address' },
      clientAuthMethod: 'client_secret_basic',
      grantTypes: ['client_credentials', 'authorization_code'],
      refreshTokens: 'static',
      accessTokenExpires: true,
    }),
    verify: { path: '/v1/identity/oauth2/userinfo', query: { schema: 'paypalv1.1' } },
  }),
  oauthTemplate({
    id: 'ebay',
    name: 'eBay',
    category: 'commerce',
    docsUrl: 'https://developer.ebay.com/api-docs/static/oauth-authorization-code-grant.html',
    urlHost: 'https://api.ebay.com',
    urlPath: '',
    instructions:
      'The redirect_uri is the app’s RuName, not a URL. Sell APIs live under /sell/... (e.g. /sell/fulfillment/v1/order). Sandbox: api.sandbox.ebay.com / auth.sandbox.ebay.com.',
    oauth: oauthSettings({
      authorizeUrl: 'https://auth.ebay.com/oauth2/authorize',
      tokenUrl: 'https://api.ebay.com/identity/v1/oauth2/token',
      defaultScopes: [
        'https://api.ebay.com/oauth/api_scope',
        'https://api.ebay.com/oauth/api_scope/sell.inventory',
        'https://api.ebay.com/oauth/api_scope/sell.fulfillment',
      ],
      scopes: {
        'https://api.ebay.com/oauth/api_scope': 'Public data',
        'https://api.ebay.com/oauth/api_scope/sell.inventory': 'Manage inventory and offers',
        'https://api.ebay.com/oauth/api_scope/sell.fulfillment': 'Manage orders',
        'https://api.ebay.com/oauth/api_scope/sell.account': 'Manage account settings',
      },
      clientAuthMethod: 'client_secret_basic',
      refreshTokens: 'static',
      accessTokenExpires: true,
    }),
  }),
  oauthTemplate({
    id: 'etsy',
    name: 'Etsy',
    category: 'commerce',
    docsUrl: 'https://developers.etsy.com/documentation/essentials/authentication',
    urlHost: 'https://openapi.etsy.com',
    urlPath: '/v3',
    credentialNames: ['client_id'],
    headers: { 'x-api-key': '<<client_id>>' },
    instructions:
      'Every request needs x-api-key (the app keystring) with the token. Shops: GET /application/users/{user_id}/shops; the user id is the prefix of the access token.',
    oauth: oauthSettings({
      authorizeUrl: 'https://www.etsy.com/oauth/connect',
      tokenUrl: 'https://api.etsy.com/v3/public/oauth/token',
      defaultScopes: ['shops_r', 'listings_r', 'transactions_r'],
      scopes: {
        shops_r: 'Read shops',
        listings_r: 'Read listings (including inactive)',
        listings_w: 'Create and edit listings',
        transactions_r: 'Read orders and transactions',
      },
      pkce: 'required',
      clientAuthMethod: 'none',
      refreshTokens: 'rotating',
      accessTokenExpires: true,
    }),
    verify: { path: '/application/users/me' },
  }),
];
