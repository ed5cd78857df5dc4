/**
 * The few parts of oidc-provider (9.x, shipped without types) that the test authorization server
 * uses. Deliberately narrow: anything not listed here is not relied on.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type AdapterPayload = Record<string, unknown> & {
    grantId?: string;
    uid?: string;
    userCode?: string;
    accountId?: string;
    consumed?: number;
  };

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export type ClientMetadata = {
    client_id: string;
    client_secret?: string;
    redirect_uris?: string[];
    grant_types?: string[];
    response_types?: string[];
    token_endpoint_auth_method?: string;
    scope?: string;
  };

  export interface Account {
    accountId: string;
    claims(): Promise<Record<string, unknown>> | Record<string, unknown>;
  }

  interface ProviderClient {
    clientId: string;
    grantTypeAllowed(type: string): boolean;
  }

  type Ttl = number | ((...args: unknown[]) => number);

  export interface Configuration {
    adapter?: (model: string) => Adapter;
    clients?: ClientMetadata[];
    cookies?: { keys?: string[] };
    jwks?: { keys: Record<string, unknown>[] };
    findAccount?: (ctx: unknown, sub: string) => Promise<Account | undefined>;
    scopes?: string[];
    features?: Record<string, { enabled: boolean } & Record<string, unknown>>;
    pkce?: { required?: (ctx: unknown, client: ProviderClient) => boolean };
    rotateRefreshToken?: boolean | ((ctx: unknown) => boolean);
    issueRefreshToken?: (ctx: unknown, client: ProviderClient, code: unknown) => Promise<boolean>;
    expiresWithSession?: (ctx: unknown, code: unknown) => Promise<boolean>;
    ttl?: Record<string, Ttl>;
    renderError?: (ctx: unknown, out: Record<string, string>, error: unknown) => Promise<void>;
  }

  /** An issued token as loaded by `Model.find`; undefined when unknown, expired or revoked. */
  export interface StoredToken {
    jti: string;
    accountId?: string;
    clientId?: string;
    grantId?: string;
    scope?: string;
    exp?: number;
    isExpired: boolean;
  }

  interface TokenModel {
    find(value: string, options?: { ignoreExpiration?: boolean }): Promise<StoredToken | undefined>;
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    readonly AccessToken: TokenModel;
    readonly ClientCredentials: TokenModel;
    readonly RefreshToken: TokenModel;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}
