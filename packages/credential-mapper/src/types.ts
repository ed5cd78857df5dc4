/** A JSON value, the shape of request bodies and of workflow variables. */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };

/** Credentials as stored or passed: a flat map from name to value. */
export type CredentialMap = Readonly<Record<string, string>>;

/** Where a credential came from. Listed in precedence order by `CREDENTIAL_SOURCES`. */
export type CredentialSource = 'runtime' | 'connection' | 'integration';

/** Highest precedence first: runtime beats connection beats integration. */
export const CREDENTIAL_SOURCES: readonly CredentialSource[] = [
  'runtime',
  'connection',
  'integration',
];

/** How an integration authenticates; every field that names a credential takes a credential NAME. */
export type AuthScheme =
  | { type: 'none' }
  /** An API key in a header, e.g. `X-API-KEY: <key>` or `Authorization: Token <key>`. */
  | { type: 'header'; name: string; prefix?: string; credential?: string }
  /** An API key in the query string, e.g. `?api_key=<key>`. */
  | { type: 'query'; name: string; credential?: string }
  /** `Authorization: Bearer <token>`. */
  | { type: 'bearer'; credential?: string }
  /** `Authorization: Basic base64(username:password)`. */
  | { type: 'basic'; username?: string; password?: string }
  /** An OAuth access token (default name `access_token`) sent as `Authorization: Bearer`. */
  | { type: 'oauth2'; credential?: string }
  /** Credentials go into the connection string. */
  | { type: 'database' };

export interface IntegrationConfig {
  id: string;
  /** Scheme and authority, e.g. `https://api.stripe.com` or `postgresql://<<user>>@<<host>>`. */
  urlHost: string;
  /** Path below the host, e.g. `/v1` or `/<<database_name>>`. */
  urlPath?: string;
  auth?: AuthScheme;
  /** Resolved by callers (the provider catalogue); pass its scheme as `templateAuth`. */
  templateId?: string;
  /** Credentials stored on the integration, shared by every connection. */
  credentials?: CredentialMap;
  /**
   * Non-secret defaults of the integration's template (a database port), below `credentials`.
   * Unlike stored credentials they also apply when the run picks the destination.
   */
  credentialDefaults?: CredentialMap;
}

export type QueryValue = string | number | boolean;

/** One HTTP step: everything here may contain `<<placeholders>>` in values (never in keys). */
export interface RequestTemplate {
  /** Defaults to GET. */
  method?: string;
  /** Appended to the integration's urlHost + urlPath. */
  path?: string;
  query?: Readonly<Record<string, QueryValue | readonly QueryValue[] | null | undefined>>;
  headers?: Readonly<Record<string, string>>;
  /** A JSON value (placeholders replaced inside strings) or a raw string. */
  body?: JsonValue;
}

/** Non-secret values for placeholders: run input and earlier step results (JSON-like). */
export type Variables = { readonly [key: string]: unknown };

export interface MapRequestInput {
  integration: IntegrationConfig;
  connectionCredentials?: CredentialMap;
  runtimeCredentials?: CredentialMap;
  request?: RequestTemplate;
  variables?: Variables;
  /** The auth scheme of the integration's template, used when the integration declares none. */
  templateAuth?: AuthScheme;
}

/** Where a credential ended up. Names only, never values. */
export type Placement =
  | `header:${string}`
  | `query:${string}`
  | 'url'
  | 'body'
  | 'connectionString';

export interface ExplanationEntry {
  /** The credential's name as supplied (e.g. `stripe_secret_key`), never its value. */
  credential: string;
  source: CredentialSource;
  placedIn: Placement;
  reason: string;
}

interface MappedBase {
  explanation: ExplanationEntry[];
  /**
   * Set when the run itself picked the destination (a runtime `host`, `database_url`, ...): the
   * name that did, and stored credentials were left out (see destination.ts).
   */
  destinationFromRun?: string;
  /**
   * Every secret value the result contains, with its encoded forms (see `secretForms`), longest
   * first. Hand it to `createRedactor` before logging or storing anything derived from the request.
   */
  secrets: string[];
}

export interface MappedHttpRequest extends MappedBase {
  kind: 'http';
  method: string;
  /** Absolute http(s) URL including the query string. */
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface MappedDatabaseConnection extends MappedBase {
  kind: 'database';
  connectionString: string;
}

export type MappedRequest = MappedHttpRequest | MappedDatabaseConnection;
