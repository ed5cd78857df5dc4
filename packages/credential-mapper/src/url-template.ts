import { encodeComponent, encodeHost } from './encoding';
import { parseTemplate, type TemplatePart } from './placeholders';

/**
 * Finds which URL component each placeholder of a URL template sits in, from the literal text
 * around it: `postgresql://<<user>>:<<password>>@<<host>>:<<port>>/<<database_name>>` gives user,
 * password, host, port, path. Values are then encoded for that component, so a password with
 * `@`, `/` or `:` cannot change the URL's structure.
 */
export type UrlComponent =
  | 'scheme'
  | 'user'
  | 'password'
  | 'host'
  | 'port'
  | 'path'
  | 'query'
  | 'fragment';

export type UrlTemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'placeholder'; name: string; component: UrlComponent };

export interface UrlTemplate {
  parts: UrlTemplatePart[];
  /** The literal template has a `user[:password]@` part. */
  hasUserinfo: boolean;
  /** The template has a path beyond `/`. */
  hasPath: boolean;
  /** Literal query parameter names already in the template (`?limit=10` -> `limit`). */
  queryKeys: string[];
}

/** Stands for a placeholder while scanning, so placeholder names never look like delimiters. */
const MARK = '\u0000';

/**
 * @param relative the template has no scheme and authority (it follows a base URL supplied by a
 * whole-host placeholder); every placeholder is then in the path, query or fragment.
 */
export function parseUrlTemplate(template: string, relative = false): UrlTemplate {
  const raw = parseTemplate(template);
  let masked = '';
  for (const part of raw) masked += part.kind === 'text' ? part.text : MARK;

  const schemeEnd = relative ? -1 : masked.indexOf('://');
  const authStart = schemeEnd >= 0 ? schemeEnd + 3 : 0;
  let authEnd = 0;
  let at = -1;
  let userColon = -1;
  let portColon = -1;
  if (schemeEnd >= 0) {
    authEnd = authorityEnd(masked, authStart);
    const lastAt = masked.lastIndexOf('@', authEnd - 1);
    at = lastAt >= authStart ? lastAt : -1;
    const colon = masked.indexOf(':', authStart);
    userColon = at >= 0 && colon >= 0 && colon < at ? colon : -1;
    const hostStart = at >= 0 ? at + 1 : authStart;
    const searchFrom = masked[hostStart] === '[' ? masked.indexOf(']', hostStart) : hostStart;
    const lastColon = masked.lastIndexOf(':', authEnd - 1);
    portColon = searchFrom >= 0 && lastColon >= searchFrom ? lastColon : -1;
  }
  const fragment = masked.indexOf('#', authEnd);
  const queryMark = masked.indexOf('?', authEnd);
  const query = queryMark >= 0 && (fragment < 0 || queryMark < fragment) ? queryMark : -1;
  const pathEnd = query >= 0 ? query : fragment >= 0 ? fragment : masked.length;

  const componentAt = (p: number): UrlComponent => {
    if (schemeEnd >= 0 && p < schemeEnd) return 'scheme';
    if (schemeEnd >= 0 && p < authEnd) {
      if (at >= 0 && p < at) return userColon >= 0 && p > userColon ? 'password' : 'user';
      return portColon >= 0 && p > portColon ? 'port' : 'host';
    }
    if (fragment >= 0 && p > fragment) return 'fragment';
    if (query >= 0 && p > query) return 'query';
    return 'path';
  };

  // `raw` is ours: its placeholders become URL placeholders in place, at their masked position.
  const parts = raw as UrlTemplatePart[];
  let position = 0;
  for (let i = 0; i < raw.length; i++) {
    const part = raw[i] as TemplatePart;
    if (part.kind === 'text') {
      position += part.text.length;
    } else {
      parts[i] = { kind: 'placeholder', name: part.name, component: componentAt(position) };
      position += MARK.length;
    }
  }

  // The length of `masked.slice(pathStart, pathEnd)` once a leading `/` is dropped.
  const pathStart = schemeEnd >= 0 ? authEnd : 0;
  const pathLength =
    pathEnd - pathStart - (pathEnd > pathStart && masked[pathStart] === '/' ? 1 : 0);

  return {
    parts,
    hasUserinfo: at >= 0,
    hasPath: pathLength > 0,
    queryKeys: query >= 0 ? literalQueryKeys(masked, query, fragment) : [],
  };
}

/** The index of the first `/`, `?` or `#` from `start`, else the length. */
function authorityEnd(masked: string, start: number): number {
  for (let i = start; i < masked.length; i++) {
    const c = masked[i];
    if (c === '/' || c === '?' || c === '#') return i;
  }
  return masked.length;
}

function literalQueryKeys(masked: string, query: number, fragment: number): string[] {
  const queryText = masked.slice(query + 1, fragment > query ? fragment : undefined);
  return queryText
    .split('&')
    .map((pair) => pair.split('=')[0] ?? '')
    .filter((key) => key.length > 0 && !key.includes(MARK))
    .map((key) => {
      try {
        return decodeURIComponent(key.replace(/\+/g, ' '));
      } catch {
        return key;
      }
    });
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;

/**
 * Encodes a value for its component. Returns undefined when the value cannot be a scheme (the
 * caller reports it by placeholder name).
 */
export function encodeForUrl(value: string, component: UrlComponent): string | undefined {
  if (component === 'scheme') return SCHEME.test(value) ? value : undefined;
  if (component === 'host') return encodeHost(value);
  return encodeComponent(value);
}

/** Joins URL pieces with exactly one `/` between them; `?` and `#` pieces attach directly. */
export function joinUrl(...pieces: (string | undefined)[]): string {
  let out = '';
  for (const piece of pieces) {
    if (!piece) continue;
    if (!out || /^[?#]/.test(piece)) out += piece;
    else out = `${out.replace(/\/+$/, '')}/${piece.replace(/^\/+/, '')}`;
  }
  return out;
}

const DATABASE_SCHEMES: ReadonlySet<string> = new Set([
  'postgres',
  'postgresql',
  'mysql',
  'mariadb',
  'mssql',
  'sqlserver',
  'cockroachdb',
  'mongodb',
  'mongodb+srv',
  'redis',
  'rediss',
  'oracle',
  'clickhouse',
  'snowflake',
  'jdbc',
]);

export function isDatabaseUrl(urlHost: string): boolean {
  const scheme = /^\s*([A-Za-z][A-Za-z0-9+.-]*):/.exec(urlHost)?.[1];
  return scheme !== undefined && DATABASE_SCHEMES.has(scheme.toLowerCase());
}
