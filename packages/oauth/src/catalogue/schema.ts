import type { AuthScheme, JsonValue } from '@latchkey/credential-mapper';
import { createAuthSchemeSchema, listPlaceholders } from '@latchkey/credential-mapper';
import { z } from 'zod';

/** Categories a template can belong to; `listTemplates({ category })` filters on these. */
export const TEMPLATE_CATEGORIES = [
  'ai',
  'analytics',
  'commerce',
  'communication',
  'crm',
  'database',
  'design',
  'developer',
  'email',
  'finance',
  'forms',
  'hr',
  'marketing',
  'media',
  'payments',
  'productivity',
  'scheduling',
  'social',
  'storage',
  'support',
] as const;

export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

/** How an integration created from the template gets its credentials. */
export type TemplateKind = 'oauth2' | 'api_key' | 'database';

/**
 * What a provider does with refresh tokens.
 * - `rotating`: a refresh returns a new refresh token that replaces the stored one (often the old
 *   one stops working at once, so two concurrent refreshes are destructive);
 * - `static`: the same refresh token keeps working (store a new one if the provider sends it);
 * - `none`: no refresh token is issued (long-lived access tokens).
 */
export type RefreshTokenBehaviour = 'rotating' | 'static' | 'none';

export type ScopeSeparator = ' ' | ',' | '+';
export type PkceSupport = 'required' | 'supported' | 'unsupported';
/** RFC 6749 §2.3.1: HTTP Basic, or `client_id` + `client_secret` in the form body; `none` = public client. */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';
export type OAuthGrantType = 'authorization_code' | 'client_credentials';

export interface OAuthSettings {
  /** May contain `<<placeholders>>` named in `credentialNames` (Shopify's shop, Zendesk's subdomain). */
  authorizeUrl: string;
  tokenUrl: string;
  /** Only where refresh_token grants go to a different endpoint than `tokenUrl` (Figma). */
  refreshUrl?: string;
  /** A revocation endpoint that takes the token in a form body (RFC 7009 style). */
  revokeUrl?: string;
  /** Requested when the integration names no scopes; may be empty (scopes set on the provider's app page). */
  defaultScopes: string[];
  scopeSeparator: ScopeSeparator;
  /** PKCE with S256. */
  pkce: PkceSupport;
  /** How the client authenticates at the token endpoint. */
  clientAuthMethod: ClientAuthMethod;
  /** Added to the authorize URL, e.g. Google's `{ access_type: 'offline', prompt: 'consent' }`. */
  extraAuthorizeParams?: Record<string, string>;
  refreshTokens: RefreshTokenBehaviour;
  /** Whether access tokens expire (`expires_in`); false = long-lived until revoked. */
  accessTokenExpires: boolean;
  grantTypes: OAuthGrantType[];
  /** Notable scopes with a short description (not exhaustive). */
  scopes?: Record<string, string>;
  /**
   * How the token response reports granted scopes: `space` or `comma` separated, or `none`
   * (the provider never says; what was requested is taken as granted). Default: by
   * `scopeSeparator`.
   */
  grantedScopes?: 'space' | 'comma' | 'none';
  /**
   * Scopes besides OpenID Connect's identity and offline-access requests that the provider
   * grants without reporting them (Salesforce's `refresh_token`): never required of a grant.
   */
  unreportedScopes?: string[];
  /**
   * An OpenID Connect server grants `offline_access` (a refresh token) only when the user is
   * asked for consent, so a request for it carries `prompt=consent`; `false` for providers that
   * issue refresh tokens without it (Microsoft) or use another switch.
   */
  offlineAccessConsent?: boolean;
}

/**
 * A provider template: everything an integration needs except the secrets.
 *
 * Credential names (`credentialNames`, the names inside `auth`, and every `<<placeholder>>` in
 * `urlHost`, `urlPath`, `headers` and the OAuth URLs) are what a user supplies; for OAuth templates
 * the tokens come from the flow (`access_token`, `refresh_token`) and are not listed.
 */
export interface IntegrationTemplate {
  /** Lowercase slug, unique: `stripe`, `google-sheets`, `postgres`. */
  id: string;
  name: string;
  category: TemplateCategory;
  /** The provider's API documentation (https). */
  docsUrl: string;
  /** Scheme and authority, may contain `<<placeholders>>`: `https://<<shop>>.myshopify.com`. */
  urlHost: string;
  /** Path below the host: `/v1` or `''`. */
  urlPath: string;
  /** How the secret is sent; OAuth templates use `oauth2` or a header carrying `access_token`. */
  auth: AuthScheme;
  /** What the user supplies (secrets and non-secret account values such as `shop` or `realm_id`). */
  credentialNames: string[];
  /** Non-secret defaults for some credential names, e.g. Mailgun's Basic username `api`, a database port. */
  credentialDefaults?: Record<string, string>;
  /** Headers every request to this API needs; values may contain `<<placeholders>>`. */
  headers?: Record<string, string>;
  /** One or two lines for a human or an LLM planner. */
  instructions?: string;
  /** Present exactly for OAuth templates. */
  oauth?: OAuthSettings;
  /**
   * The cheapest authenticated read that proves the credentials work (credential tests and
   * connection health). Relative to `urlHost` + `urlPath`, so a stored secret only ever goes to
   * the API it was stored for. Database templates verify with `SELECT 1` and declare none.
   */
  verify?: VerifyRequest;
  /** Which response headers say when to retry, where the provider documents them. */
  rateLimit?: RateLimitRules;
}

export interface VerifyRequest {
  /** Defaults to GET. */
  method?: 'GET' | 'POST';
  /**
   * Appended to `urlHost` + `urlPath`: `/account`, `/crm/v3/owners`; '' for the base URL itself
   * (GraphQL endpoints). May hold placeholders.
   */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** A JSON body (for POST-only endpoints such as GraphQL `{ viewer { id } }`). */
  body?: JsonValue;
}

/**
 * How a reset header counts: seconds since the epoch, milliseconds since, seconds from now, or a
 * date (an HTTP date, or an ISO 8601 timestamp as Mastodon and Jira send).
 */
export type RateLimitResetFormat = 'epoch_seconds' | 'epoch_ms' | 'delta_seconds' | 'http_date';

export interface RateLimitRules {
  /** Headers holding delta-seconds or an HTTP date (`Retry-After`), first present wins. */
  retryAfter?: string[];
  /** Headers holding when the window resets, with how each counts (`X-RateLimit-Reset`). */
  reset?: { header: string; format: RateLimitResetFormat }[];
  /** The header holding the requests left in the window (`X-RateLimit-Remaining`). */
  remaining?: string;
}

/** Credential names are snake_case so they are easy to write and to match (`stripe_secret_key`). */
const CREDENTIAL_NAME = /^[a-z][a-z0-9_]*$/;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** A URL scheme for database connection strings (`postgresql://`, `mysql://`). */
const DATABASE_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//;
/** Placeholder syntax of the credential mapper, replaced by a harmless label to parse a URL. */
const PLACEHOLDER = /<<[^<>]+>>/g;

/** True for an absolute https URL, placeholders allowed in it. */
function isHttpsUrl(value: string): boolean {
  if (!value.startsWith('https://')) return false;
  try {
    const url = new URL(value.replace(PLACEHOLDER, 'x'));
    return url.protocol === 'https:' && url.hostname.length > 0;
  } catch {
    return false;
  }
}

const httpsUrl = z.string().refine(isHttpsUrl, { message: 'must be an absolute https:// URL' });
const credentialName = z
  .string()
  .regex(CREDENTIAL_NAME, { message: 'must be a snake_case credential name' });
const nonEmpty = z.string().min(1);
const stringRecord = z.record(nonEmpty, z.string());

/**
 * The api's auth-scheme rules (one schema for tenants and templates). Names the scheme uses must
 * be in `credentialNames` (checked below), which keeps them snake_case.
 */
const authSchemeSchema = createAuthSchemeSchema();

const scopeSeparators = [' ', ',', '+'] as const;

const verifySchema = z.strictObject({
  method: z.enum(['GET', 'POST']).optional(),
  // '' is the base URL itself (a GraphQL endpoint such as Linear's /graphql).
  path: z
    .string()
    .regex(/^(?:\/[^?#]*)?$/, { message: 'must start with "/" (query goes in `query`)' }),
  query: stringRecord.optional(),
  headers: stringRecord.optional(),
  body: z.json().optional(),
});

const headerName = z.string().regex(/^[A-Za-z0-9-]+$/, { message: 'must be an HTTP header name' });

const rateLimitSchema = z
  .strictObject({
    retryAfter: z.array(headerName).min(1).optional(),
    reset: z
      .array(
        z.strictObject({
          header: headerName,
          format: z.enum(['epoch_seconds', 'epoch_ms', 'delta_seconds', 'http_date']),
        }),
      )
      .min(1)
      .optional(),
    remaining: headerName.optional(),
  })
  .refine((r) => r.retryAfter || r.reset, { message: 'needs retryAfter or reset headers' });

const oauthSchema = z
  .strictObject({
    authorizeUrl: httpsUrl,
    tokenUrl: httpsUrl,
    refreshUrl: httpsUrl.optional(),
    revokeUrl: httpsUrl.optional(),
    defaultScopes: z.array(
      z.string().regex(/^[^\s,+]+$/, { message: 'a scope cannot contain spaces, "," or "+"' }),
    ),
    scopeSeparator: z.enum(scopeSeparators),
    pkce: z.enum(['required', 'supported', 'unsupported']),
    clientAuthMethod: z.enum(['client_secret_basic', 'client_secret_post', 'none']),
    extraAuthorizeParams: stringRecord.optional(),
    refreshTokens: z.enum(['rotating', 'static', 'none']),
    accessTokenExpires: z.boolean(),
    grantTypes: z.array(z.enum(['authorization_code', 'client_credentials'])).min(1),
    scopes: stringRecord.optional(),
    grantedScopes: z.enum(['space', 'comma', 'none']).optional(),
    unreportedScopes: z.array(nonEmpty).optional(),
    offlineAccessConsent: z.boolean().optional(),
  })
  .superRefine((oauth, ctx) => {
    if (oauth.refreshUrl && oauth.refreshTokens === 'none') {
      ctx.addIssue({
        code: 'custom',
        path: ['refreshUrl'],
        message: 'a refresh URL makes no sense when the provider issues no refresh token',
      });
    }
    if (new Set(oauth.defaultScopes).size !== oauth.defaultScopes.length) {
      ctx.addIssue({ code: 'custom', path: ['defaultScopes'], message: 'has duplicates' });
    }
  });

/** Credential names an auth scheme refers to explicitly. */
function authCredentialNames(auth: AuthScheme): string[] {
  switch (auth.type) {
    case 'header':
    case 'query':
    case 'bearer':
    case 'oauth2':
      return auth.credential ? [auth.credential] : [];
    case 'basic':
      return [auth.username, auth.password].filter((n): n is string => !!n);
    default:
      return [];
  }
}

/** The zod schema every template passes at load. */
export const integrationTemplateSchema = z
  .strictObject({
    id: z.string().regex(SLUG, { message: 'must be a lowercase slug (a-z, 0-9, "-")' }),
    name: nonEmpty,
    category: z.enum(TEMPLATE_CATEGORIES),
    docsUrl: httpsUrl,
    urlHost: z.string().regex(DATABASE_SCHEME, { message: 'must start with a scheme (https://)' }),
    urlPath: z
      .string()
      .regex(/^(?:\/.*)?$/, { message: 'must be empty or start with "/"' })
      .refine((p) => !p.endsWith('/'), { message: 'must not end with "/"' }),
    auth: authSchemeSchema,
    credentialNames: z.array(credentialName),
    credentialDefaults: z.record(credentialName, z.string()).optional(),
    headers: stringRecord.optional(),
    instructions: nonEmpty.optional(),
    oauth: oauthSchema.optional(),
    verify: verifySchema.optional(),
    rateLimit: rateLimitSchema.optional(),
  })
  .superRefine((t, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const names = new Set(t.credentialNames);
    if (names.size !== t.credentialNames.length) issue(['credentialNames'], 'has duplicates');

    const isDatabase = t.auth.type === 'database';
    if (isDatabase) {
      if (t.urlHost.startsWith('http'))
        issue(['urlHost'], 'a database template needs a database URL scheme');
      if (t.oauth) issue(['oauth'], 'a database template cannot have OAuth settings');
      if (t.verify) issue(['verify'], 'a database template verifies with SELECT 1');
    } else if (!isHttpsUrl(t.urlHost)) {
      issue(['urlHost'], 'must be an absolute https:// URL');
    } else if (new URL(t.urlHost.replace(PLACEHOLDER, 'x')).pathname !== '/') {
      issue(['urlHost'], 'must be scheme and authority only (the path goes in urlPath)');
    }
    if (t.auth.type === 'none') {
      issue(['auth', 'type'], 'a template must say how its credential is sent');
    }

    if (t.auth.type === 'oauth2' && !t.oauth) {
      issue(['oauth'], 'required when auth is oauth2');
    }
    if (t.oauth) {
      // The access token comes from the flow; the scheme must carry it.
      const carriesToken =
        t.auth.type === 'oauth2'
          ? (t.auth.credential ?? 'access_token') === 'access_token'
          : (t.auth.type === 'header' || t.auth.type === 'query' || t.auth.type === 'bearer') &&
            t.auth.credential === 'access_token';
      if (!carriesToken) {
        issue(
          ['auth'],
          'an OAuth template must send the access_token (oauth2, or header/query/bearer with credential "access_token")',
        );
      }
    } else {
      for (const name of authCredentialNames(t.auth)) {
        if (!names.has(name))
          issue(['auth'], `names credential "${name}" that is not in credentialNames`);
      }
      if (
        (t.auth.type === 'header' || t.auth.type === 'query' || t.auth.type === 'bearer') &&
        !t.auth.credential
      ) {
        issue(['auth', 'credential'], 'an API-key template must name its credential explicitly');
      }
      if (
        t.auth.type === 'basic' &&
        (t.auth.username === undefined || t.auth.password === undefined)
      ) {
        issue(['auth'], 'a Basic template must name username and password ("" for empty)');
      }
      if (!isDatabase && t.credentialNames.length === 0) {
        issue(['credentialNames'], 'an API-key template needs at least one credential');
      }
    }

    for (const key of Object.keys(t.credentialDefaults ?? {})) {
      if (!names.has(key)) issue(['credentialDefaults', key], 'is not in credentialNames');
    }

    const placed: [(string | number)[], unknown][] = [
      [['urlHost'], t.urlHost],
      [['urlPath'], t.urlPath],
      [['headers'], t.headers ?? {}],
      [['oauth', 'authorizeUrl'], t.oauth?.authorizeUrl],
      [['oauth', 'tokenUrl'], t.oauth?.tokenUrl],
      [['oauth', 'refreshUrl'], t.oauth?.refreshUrl],
      [['oauth', 'revokeUrl'], t.oauth?.revokeUrl],
      [['oauth', 'extraAuthorizeParams'], t.oauth?.extraAuthorizeParams ?? {}],
      [['verify'], t.verify ?? {}],
    ];
    for (const [path, value] of placed) {
      for (const placeholder of listPlaceholders(value)) {
        if (!names.has(placeholder)) {
          issue(path, `uses <<${placeholder}>> which is not in credentialNames`);
        }
      }
    }
  });

/** A template failed the schema; the message names the template and each failing field. */
export class TemplateValidationError extends Error {
  override readonly name = 'TemplateValidationError';
  constructor(
    readonly templateId: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(
      `Invalid integration template "${templateId}": ${issues
        .map((i) => `${i.path}: ${i.message}`)
        .join('; ')}`,
    );
  }
}

function templateIdOf(input: unknown): string {
  if (input && typeof input === 'object' && 'id' in input && typeof input.id === 'string') {
    return input.id;
  }
  return '(no id)';
}

/**
 * Parses one template with the schema. Throws `TemplateValidationError` naming the template id
 * and every failing field (`oauth.tokenUrl: must be an absolute https:// URL`).
 */
export function validateTemplate(input: unknown): IntegrationTemplate {
  const result = integrationTemplateSchema.safeParse(input);
  if (result.success) return result.data;
  throw new TemplateValidationError(
    templateIdOf(input),
    result.error.issues.map((i) => ({
      path: i.path.length ? i.path.map(String).join('.') : '(template)',
      message: i.message,
    })),
  );
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Validates a list of templates (each with the schema, ids unique) and deep-freezes the result:
 * the catalogue is shared by every tenant, so a caller that mutates a template gets a TypeError
 * instead of changing it for everyone (copy first, e.g. `structuredClone`).
 */
export function validateTemplates(inputs: readonly unknown[]): readonly IntegrationTemplate[] {
  const seen = new Set<string>();
  const out = inputs.map((input) => {
    const template = validateTemplate(input);
    if (seen.has(template.id)) {
      throw new TemplateValidationError(template.id, [{ path: 'id', message: 'is not unique' }]);
    }
    seen.add(template.id);
    return template;
  });
  return deepFreeze(out);
}
