/**
 * The shapes of the JSON columns, as plain types (no runtime code): the packages that write them
 * (api, resolver, temporal) import these, so the database package stays at the bottom of the
 * dependency graph and a row is read back typed, without casts.
 */

/** `integrations.oauth`: the non-secret OAuth client settings (the api's input, secret left out). */
export interface StoredOAuthSettings {
  clientId?: string;
  scopes?: string[];
  /** Scopes a connection must have been granted to be usable; default: `scopes`. */
  requiredScopes?: string[];
  authorizeUrl?: string;
  tokenUrl?: string;
  revokeUrl?: string;
  extraAuthorizeParams?: Record<string, string>;
  pkce?: 'required' | 'supported' | 'unsupported';
  clientAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'none';
  scopeSeparator?: ' ' | ',' | '+';
  /** A masked hint of the sealed client secret, to tell secrets apart. */
  clientSecretHint?: string;
}

/**
 * One element of `workflows.steps`: JSON as the workflow engine validated it when the workflow
 * was saved (its schema gives the full shape); the worker receives it as is.
 */
export interface StoredStep {
  id: string;
  type?: 'http' | 'sql';
  integrationId: string;
  [field: string]: unknown;
}

/** One element of `runs.step_stats`: what a finished step reported, never a value it read. */
export interface StepStats {
  stepId: string;
  integrationId: string;
  durationMs: number;
  attempts: number;
  pages?: number;
  truncated?: boolean;
  status?: number;
  rows?: number;
}
