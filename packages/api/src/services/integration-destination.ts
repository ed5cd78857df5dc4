import {
  type CredentialEntry,
  credentialEntries,
  NamePool,
  parseTemplate,
  tokenize,
  wholePlaceholder,
} from '@latchkey/credential-mapper';
import { type BagChange, type BagDiff, type CredentialBag, changeBag } from '@latchkey/vault';
import { InvalidInputError } from '../errors';

/**
 * Where an integration's secrets may go, checked at upsert. Invariants:
 * - urlHost and urlPath hold no secret: a literal password in userinfo, or a literal value for a
 *   query parameter named like a secret, is refused (they are shown back on every read, to MCP
 *   and to the planner). Secrets go in `credentials`, referenced by `<<placeholders>>`.
 * - A stored secret is bound to the origin (scheme, host, port) it was stored for: when an
 *   upsert changes the origin (urlHost's, or the stored host/port credentials that fill it),
 *   the stored secrets not restated in the same call are removed (see `originChanged`).
 * Values never appear in messages: only field and parameter names.
 */

/** Stands for a placeholder while scanning, so its name never looks like a delimiter. */
const MARK = '\u0000';

const masked = (template: string): string =>
  parseTemplate(template)
    .map((part) => (part.kind === 'text' ? part.text : MARK))
    .join('');

/** Words that make a query parameter name a secret's (`api_key`, `accessToken`, `sig`). */
const SECRET_WORDS: ReadonlySet<string> = new Set([
  'key',
  'apikey',
  'token',
  'secret',
  'password',
  'passwd',
  'pass',
  'pwd',
  'signature',
  'sig',
  'auth',
  'authorization',
  'credential',
  'credentials',
  'jwt',
  'session',
]);

export function isSecretParameter(name: string): boolean {
  return tokenize(name).some((token) => SECRET_WORDS.has(token));
}

/** Text that is not a placeholder and not mere punctuation: a literal value. */
const hasLiteral = (text: string): boolean => /[\p{L}\p{N}]/u.test(text.replaceAll(MARK, ''));

function checkQuery(field: 'urlHost' | 'urlPath', text: string): void {
  const start = text.indexOf('?');
  if (start < 0) return;
  const end = text.indexOf('#', start);
  for (const pair of text.slice(start + 1, end < 0 ? undefined : end).split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    let name = pair.slice(0, eq);
    try {
      name = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // keep it as written
    }
    if (!name.includes(MARK) && isSecretParameter(name) && hasLiteral(pair.slice(eq + 1))) {
      throw new InvalidInputError(
        field,
        `query parameter '${name}' has a literal value; secrets go in credentials: store it ` +
          `(credentials: { ${name}: '...' }) and write ${name}=<<${name}>> instead`,
      );
    }
  }
}

/** Refuses secrets written into urlHost or urlPath (given fields only). */
export function checkNoSecretsInUrl(fields: { urlHost?: string | null; urlPath?: string | null }) {
  if (fields.urlHost) {
    const host = masked(fields.urlHost.trim());
    const schemeEnd = host.indexOf('://');
    if (schemeEnd >= 0) {
      const authStart = schemeEnd + 3;
      const rest = host.slice(authStart);
      const authEnd = rest.search(/[/?#]/);
      const authority = authEnd < 0 ? rest : rest.slice(0, authEnd);
      const at = authority.lastIndexOf('@');
      const colon = at >= 0 ? authority.indexOf(':') : -1;
      if (colon >= 0 && colon < at && hasLiteral(authority.slice(colon + 1, at))) {
        throw new InvalidInputError(
          'urlHost',
          'holds a literal password (scheme://user:password@host); secrets go in credentials: ' +
            "store it (credentials: { password: '...' }) and write " +
            'scheme://<<user>>:<<password>>@host instead, or give the whole URL as the ' +
            'database_url credential',
        );
      }
    }
    checkQuery('urlHost', host);
  }
  if (fields.urlPath) checkQuery('urlPath', masked(fields.urlPath));
}

const ORIGIN = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:[^@/?#]*@)?([^/?#]*)/;

/**
 * The origin a urlHost template points at with the given stored credentials: `scheme://host:port`
 * lowercased, placeholders of the origin filled from the bag (and the template's defaults), or
 * left as `<<name>>` when only a connection or the run can fill them. Internal: it may hold
 * stored host names, never shown.
 */
export function storedOrigin(
  integrationId: string,
  urlHost: string,
  bag: Record<string, string>,
  defaults: Record<string, string> = {},
): string {
  const entries: CredentialEntry[] = credentialEntries({ integration: { ...defaults, ...bag } });
  const pool = new NamePool(entries, integrationId);
  const storedValue = (name: string): string => {
    const res = pool.resolve(name);
    return res.status === 'resolved' ? res.credential.value : `<<${name}>>`;
  };
  const trimmed = urlHost.trim();
  const whole = wholePlaceholder(trimmed);
  // Userinfo is not part of the origin: its placeholders are blanked before matching.
  const filled = whole !== undefined ? storedValue(whole) : fillOrigin(trimmed, storedValue);
  const match = ORIGIN.exec(filled);
  return match ? `${match[1]}://${match[2]}`.toLowerCase() : filled;
}

function fillOrigin(template: string, storedValue: (name: string) => string): string {
  let out = '';
  let position = 0;
  for (const part of parseTemplate(template)) {
    if (part.kind === 'text') {
      out += part.text;
      position += part.text.length;
      continue;
    }
    position += part.name.length + 4;
    // In userinfo (an `@` follows within the authority) a value may hold `@` or `/`: blank it.
    const inAuthority = out.includes('://') && !/[/?#]/.test(out.slice(out.indexOf('://') + 3));
    const userinfo = inAuthority && /^[^/?#]*@/.test(template.slice(position));
    out += userinfo ? '' : storedValue(part.name);
  }
  return out;
}

/** `scheme://host:port` of a plain URL (an OAuth endpoint), lowercased; '' when absent. */
export function urlOrigin(url: string | null | undefined): string {
  const match = url ? ORIGIN.exec(url.trim()) : null;
  return match ? `${match[1]}://${match[2]}`.toLowerCase() : (url ?? '');
}

/** What an upsert that moved the integration's origin removed, named in its response. */
export interface DestinationChange {
  message: string;
  credentialsRemoved: string[];
  connectionsRemoved: number;
  clientSecretRemoved: boolean;
}

/**
 * Applies an upsert's credential change, bound to the origin: when the origin the stored
 * credentials were stored for differs from the one after the change, only the credentials given
 * in this call are kept. `moved` tells the caller to drop connection tokens as well.
 */
export function changeBoundBag(args: {
  integrationId: string;
  before: { urlHost: string } | undefined;
  urlHost: string;
  defaults: Record<string, string> | undefined;
  stored: CredentialBag;
  change: BagChange;
}): { bag: CredentialBag; diff: BagDiff; moved: boolean } {
  const changed = changeBag(args.stored, args.change);
  if (!args.before) return { ...changed, moved: false };
  const from = storedOrigin(args.integrationId, args.before.urlHost, args.stored, args.defaults);
  const to = storedOrigin(args.integrationId, args.urlHost, changed.bag, args.defaults);
  if (from === to) return { ...changed, moved: false };
  return { ...changeBag(args.stored, { set: args.change.set, replace: true }), moved: true };
}

/** The OAuth client secret is bound to the token and revocation endpoints' origins. */
export function clientSecretMoved(
  before: { tokenUrl?: string | null; revokeUrl?: string | null } | null | undefined,
  after: { tokenUrl?: string | null; revokeUrl?: string | null } | null | undefined,
): boolean {
  if (!before) return false;
  return (
    urlOrigin(before.tokenUrl) !== urlOrigin(after?.tokenUrl) ||
    (Boolean(before.revokeUrl) && urlOrigin(before.revokeUrl) !== urlOrigin(after?.revokeUrl))
  );
}

export function describeDestinationChange(
  change: Omit<DestinationChange, 'message'>,
): DestinationChange {
  const removed = [
    change.credentialsRemoved.length
      ? `stored credentials ${change.credentialsRemoved.join(', ')}`
      : undefined,
    change.connectionsRemoved
      ? `${change.connectionsRemoved} connection(s) with their tokens`
      : undefined,
    change.clientSecretRemoved ? 'the OAuth client secret' : undefined,
  ].filter(Boolean);
  return {
    ...change,
    message: removed.length
      ? `the destination changed, so secrets stored for the old one were removed: ${removed.join('; ')}. Give new ones for the new destination.`
      : 'the destination changed; nothing stored for the old one was kept',
  };
}
