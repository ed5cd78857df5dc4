import type {
  Integration,
  IntegrationUpsertInput,
  OAuthSettingsInput,
  Template,
} from '../api/types';
import { type AuthDraft, authFromDraft, draftFromAuth, EMPTY_AUTH_DRAFT } from './auth-draft';

/** Where the form starts from: nothing, a catalogue template, or a stored integration. */
export type FormOrigin =
  | { kind: 'scratch' }
  | { kind: 'template'; template: Template }
  | { kind: 'existing'; integration: Integration };

/** The form's non-secret fields. Secrets never live in state (see CredentialChanges). */
export interface IntegrationFormValues {
  id: string;
  name: string;
  baseUrl: string;
  auth: AuthDraft;
  instructions: string;
  docsUrl: string;
  usesOAuth: boolean;
  clientId: string;
  scopes: string;
  authorizeUrl: string;
  tokenUrl: string;
}

/** Read from the form's password inputs at submit time, sent once, then the inputs are cleared. */
export interface CredentialChanges {
  set: Record<string, string>;
  remove: string[];
  clientSecret: string;
}

export function initialValues(origin: FormOrigin): IntegrationFormValues {
  switch (origin.kind) {
    case 'scratch':
      return {
        id: '',
        name: '',
        baseUrl: '',
        auth: EMPTY_AUTH_DRAFT,
        instructions: '',
        docsUrl: '',
        usesOAuth: false,
        clientId: '',
        scopes: '',
        authorizeUrl: '',
        tokenUrl: '',
      };
    case 'template': {
      const { template } = origin;
      return {
        id: template.id,
        name: template.name,
        baseUrl: `${template.urlHost}${template.urlPath}`,
        auth: draftFromAuth(template.auth),
        instructions: template.instructions ?? '',
        docsUrl: template.docsUrl,
        usesOAuth: Boolean(template.oauth),
        clientId: '',
        scopes: template.oauth?.defaultScopes.join(' ') ?? '',
        authorizeUrl: template.oauth?.authorizeUrl ?? '',
        tokenUrl: template.oauth?.tokenUrl ?? '',
      };
    }
    case 'existing': {
      const { integration } = origin;
      return {
        id: integration.id,
        name: integration.name,
        baseUrl: `${integration.urlHost}${integration.urlPath}`,
        auth: draftFromAuth(integration.auth),
        instructions: integration.instructions ?? '',
        docsUrl: integration.docsUrl ?? '',
        usesOAuth: integration.oauth !== null,
        clientId: integration.oauth?.clientId ?? '',
        scopes: integration.oauth?.scopes.join(' ') ?? '',
        authorizeUrl: integration.oauth?.authorizeUrl ?? '',
        tokenUrl: integration.oauth?.tokenUrl ?? '',
      };
    }
  }
}

/** Credential inputs to offer before the user adds any: the names a template asks for. */
export function suggestedCredentialNames(origin: FormOrigin): string[] {
  return origin.kind === 'template' ? [...origin.template.credentialNames] : [];
}

/** `https://api.stripe.com/v1` as host `https://api.stripe.com` and path `/v1`, like the api. */
export function splitBaseUrl(url: string): { urlHost: string; urlPath: string } {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*)(.*)$/.exec(url);
  const path = match?.[2] ?? '';
  return { urlHost: match?.[1] ?? url, urlPath: path === '/' ? '' : path };
}

const scopeList = (scopes: string) => scopes.split(/[\s,]+/).filter(Boolean);

/**
 * The upsert for what the user changed. Fields left as they started are not sent, so the api
 * keeps the stored value or the template's (whose URLs may hold `<<placeholders>>`).
 */
export function upsertInputFrom(
  origin: FormOrigin,
  initial: IntegrationFormValues,
  current: IntegrationFormValues,
  secrets: CredentialChanges,
): IntegrationUpsertInput {
  const changed = (key: keyof IntegrationFormValues) =>
    JSON.stringify(initial[key]) !== JSON.stringify(current[key]);
  const input: IntegrationUpsertInput = { id: current.id.trim() };
  if (origin.kind === 'template') input.templateId = origin.template.id;
  if (changed('name')) input.name = current.name.trim();
  if (changed('baseUrl')) Object.assign(input, splitBaseUrl(current.baseUrl.trim()));
  if (changed('auth')) input.auth = authFromDraft(current.auth);
  if (changed('instructions')) input.instructions = current.instructions.trim() || null;
  if (changed('docsUrl')) input.docsUrl = current.docsUrl.trim() || null;

  if (!current.usesOAuth && initial.usesOAuth) {
    input.oauth = null;
  } else if (current.usesOAuth) {
    const oauth: OAuthSettingsInput = {};
    if (changed('clientId') && current.clientId.trim()) oauth.clientId = current.clientId.trim();
    if (changed('scopes')) oauth.scopes = scopeList(current.scopes);
    if (changed('authorizeUrl') && current.authorizeUrl.trim()) {
      oauth.authorizeUrl = current.authorizeUrl.trim();
    }
    if (changed('tokenUrl') && current.tokenUrl.trim()) oauth.tokenUrl = current.tokenUrl.trim();
    if (secrets.clientSecret) oauth.clientSecret = secrets.clientSecret;
    if (Object.keys(oauth).length > 0 || !initial.usesOAuth) input.oauth = oauth;
  }

  if (Object.keys(secrets.set).length > 0) input.credentials = secrets.set;
  if (secrets.remove.length > 0) input.removeCredentials = secrets.remove;
  return input;
}
