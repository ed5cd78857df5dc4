import type { CredentialName, MatchKind } from './names';
import { NamePool } from './names';
import { isVariablePath, listPlaceholders } from './placeholders';
import type { AuthScheme, CredentialSource, IntegrationConfig, RequestTemplate } from './types';
import { CREDENTIAL_SOURCES } from './types';

/**
 * Value-free checks for the workflow builder: which placeholders a template uses and whether
 * they resolve by name against the credential names a tenant has, with the mapper's own rules.
 */
export interface TemplateInspection {
  /** Every placeholder name, unique, in order of first appearance. */
  placeholders: string[];
  /** Plain names: credentials (or, failing that, top-level variables). */
  credentials: string[];
  /** Dotted names: variable paths such as `input.customerId`. */
  variables: string[];
  /**
   * Names the auth scheme looks up (explicit names, else its defaults: `api_key` for a key or
   * token, `access_token` for oauth2, `username` and `password` for Basic).
   */
  auth: string[];
}

export interface InspectInput {
  integration?: Partial<Pick<IntegrationConfig, 'urlHost' | 'urlPath' | 'auth'>>;
  request?: RequestTemplate;
  templateAuth?: AuthScheme;
}

export function authLookups(scheme: AuthScheme | undefined): string[] {
  switch (scheme?.type) {
    case 'header':
    case 'query':
      return [scheme.credential ?? scheme.name];
    case 'bearer':
      return [scheme.credential ?? 'api_key'];
    case 'oauth2':
      return [scheme.credential ?? 'access_token'];
    case 'basic':
      return [scheme.username ?? 'username', scheme.password ?? 'password'].filter((n) => n !== '');
    default:
      return [];
  }
}

export function inspectTemplate(input: InspectInput): TemplateInspection {
  const { integration = {}, request = {} } = input;
  // Template fields only: credentials are never scanned (a secret could look like a placeholder).
  const placeholders = listPlaceholders([
    integration.urlHost,
    integration.urlPath,
    request.path,
    request.query,
    request.headers,
    request.body,
  ]);
  return {
    placeholders,
    credentials: placeholders.filter((name) => !isVariablePath(name)),
    variables: placeholders.filter(isVariablePath),
    auth: authLookups(integration.auth ?? input.templateAuth),
  };
}

/** Credential names, flat (counted as one source) or per source. */
export type CredentialNames =
  | readonly string[]
  | Partial<Record<CredentialSource, readonly string[]>>;

export interface ResolvabilityReport {
  ok: boolean;
  resolved: {
    placeholder: string;
    credential: string;
    source: CredentialSource;
    match: MatchKind;
  }[];
  unresolved: { placeholder: string; candidates: string[] }[];
  ambiguous: { placeholder: string; candidates: string[] }[];
  /** Placeholders left to variables; checked only against `options.variables` when given. */
  variables: string[];
}

function toNames(credentials: CredentialNames): CredentialName[] {
  if (Array.isArray(credentials)) {
    return credentials.map((name: string) => ({ name, source: 'integration' as const }));
  }
  const bySource = credentials as Partial<Record<CredentialSource, readonly string[]>>;
  return CREDENTIAL_SOURCES.flatMap((source) =>
    (bySource[source] ?? []).map((name) => ({ name, source })),
  );
}

/**
 * @param options.variables top-level variable names known to exist (`input`, `steps`, ...): a
 * plain name not matching a credential, or a dotted path whose first segment is not among them,
 * is then reported unresolved. Without it, such names are listed under `variables`, unchecked.
 */
export function checkResolvable(
  placeholders: readonly string[],
  credentials: CredentialNames,
  integrationId: string,
  options: { variables?: readonly string[] } = {},
): ResolvabilityReport {
  const pool = new NamePool(toNames(credentials), integrationId);
  const known = options.variables ? new Set(options.variables) : undefined;
  const report: ResolvabilityReport = {
    ok: true,
    resolved: [],
    unresolved: [],
    ambiguous: [],
    variables: [],
  };
  for (const placeholder of new Set(placeholders)) {
    if (isVariablePath(placeholder)) {
      const root = placeholder.split('.')[0] ?? '';
      if (!known || known.has(root)) report.variables.push(placeholder);
      else report.unresolved.push({ placeholder, candidates: [] });
      continue;
    }
    const res = pool.resolve(placeholder);
    if (res.status === 'resolved') {
      const { name, source } = res.credential;
      report.resolved.push({ placeholder, credential: name, source, match: res.match });
    } else if (res.status === 'ambiguous') {
      report.ambiguous.push({ placeholder, candidates: res.candidates });
    } else if (!known || known.has(placeholder)) {
      // No values here: a plain name may still be a top-level variable at run time.
      if (known) report.variables.push(placeholder);
      else report.unresolved.push({ placeholder, candidates: res.candidates });
    } else {
      report.unresolved.push({ placeholder, candidates: res.candidates });
    }
  }
  report.ok = report.unresolved.length === 0 && report.ambiguous.length === 0;
  return report;
}
