import type { AuthScheme } from '../api/types';

/** How requests to the integration carry its credential: the schemes the api accepts. */
export type AuthType = AuthScheme['type'];

/**
 * Every scheme with its label; '' leaves it to the template or default. The record's type keeps
 * it exhaustive: a scheme the api adds fails to type-check here until it has a label.
 */
export const AUTH_TYPE_LABELS: Record<AuthType | '', string> = {
  '': 'Default (from the template, else inferred)',
  none: 'None',
  header: 'API key in a header',
  query: 'API key in the query string',
  bearer: 'Bearer token',
  basic: 'HTTP Basic',
  oauth2: 'OAuth 2 (access token of each user)',
  database: 'Database connection string',
};

export const isAuthType = (type: string): type is AuthType =>
  type !== '' && Object.hasOwn(AUTH_TYPE_LABELS, type);

/** The schemes in the order their labels are listed. */
export const AUTH_TYPES: readonly AuthType[] = Object.keys(AUTH_TYPE_LABELS).filter(isAuthType);

/** Every field any scheme may have, as form text: the form edits this, the api gets `AuthScheme`. */
export interface AuthDraft {
  type: AuthType | '';
  name: string;
  prefix: string;
  credential: string;
  username: string;
  password: string;
}

export const EMPTY_AUTH_DRAFT: AuthDraft = {
  type: '',
  name: '',
  prefix: '',
  credential: '',
  username: '',
  password: '',
};

function text(source: object, key: string): string {
  const value = (source as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : '';
}

export function draftFromAuth(auth: { type: string } | null | undefined): AuthDraft {
  if (!auth || !isAuthType(auth.type)) return EMPTY_AUTH_DRAFT;
  return {
    type: auth.type,
    name: text(auth, 'name'),
    prefix: text(auth, 'prefix'),
    credential: text(auth, 'credential'),
    username: text(auth, 'username'),
    password: text(auth, 'password'),
  };
}

const optional = (value: string) => value.trim() || undefined;

export function authFromDraft(draft: AuthDraft): AuthScheme | null {
  switch (draft.type) {
    case '':
      return null;
    case 'none':
    case 'database':
      return { type: draft.type };
    case 'header':
      return {
        type: 'header',
        name: draft.name.trim(),
        // A prefix keeps its spaces: `Token ` differs from `Token`.
        prefix: draft.prefix === '' ? undefined : draft.prefix,
        credential: optional(draft.credential),
      };
    case 'query':
      return { type: 'query', name: draft.name.trim(), credential: optional(draft.credential) };
    case 'bearer':
    case 'oauth2':
      return { type: draft.type, credential: optional(draft.credential) };
    case 'basic':
      return {
        type: 'basic',
        username: optional(draft.username),
        password: optional(draft.password),
      };
  }
}
