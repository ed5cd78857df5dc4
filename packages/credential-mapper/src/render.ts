import type { MappingContext, Where } from './context';
import { encodeComponent } from './encoding';
import { CredentialMappingError } from './errors';
import { substitute, wholePlaceholder } from './placeholders';
import type { Placement, QueryValue, RequestTemplate } from './types';
import type { UrlComponent, UrlTemplate } from './url-template';
import { encodeForUrl, joinUrl, parseUrlTemplate, renderUrlTemplate } from './url-template';
import { variableToText } from './variables';

/**
 * Rendering shared by HTTP requests and connection strings: placeholder text, URL templates with
 * per-component encoding, and query parameters. Errors name placeholders, never values.
 */

export const where = (placedIn: Placement, description: string, encoding: string): Where => ({
  placedIn,
  description,
  encoding,
});

/** A placeholder's text: the credential value, or the variable as text. */
export function resolveText(ctx: MappingContext, name: string, at: Where): string {
  const found = ctx.resolvePlaceholder(name, at);
  return found.kind === 'credential' ? found.entry.value : variableToText(found.value, name);
}

function unencodable(name: string, location: string): CredentialMappingError {
  return new CredentialMappingError(
    'INVALID_CREDENTIAL_VALUE',
    `The value of <<${name}>> in ${location} cannot be encoded (it is not valid Unicode text)`,
    { placeholder: name, location },
  );
}

export function encodeOrThrow(
  encode: () => string | undefined,
  name: string,
  location: string,
): string {
  let encoded: string | undefined;
  try {
    encoded = encode();
  } catch {
    throw unencodable(name, location);
  }
  if (encoded === undefined) {
    throw new CredentialMappingError(
      'INVALID_URL',
      `The value of <<${name}>> in ${location} is not a valid URL scheme`,
      { placeholder: name, location },
    );
  }
  return encoded;
}

// URL and connection string

const COMPONENT_LABEL: Record<UrlComponent, string> = {
  scheme: 'scheme',
  user: 'userinfo (user)',
  password: 'userinfo (password)',
  host: 'host',
  port: 'port',
  path: 'path',
  query: 'query string',
  fragment: 'fragment',
};

export interface RenderedUrl {
  url: string;
  template: UrlTemplate;
  /** The whole urlHost was one placeholder whose value supplied scheme and authority. */
  wholeOrigin: boolean;
}

export function renderUrl(
  ctx: MappingContext,
  urlHost: string,
  rest: string,
  placedIn: 'url' | 'connectionString',
): RenderedUrl {
  const label = placedIn === 'url' ? 'the URL' : 'the connection string';
  const render = (template: UrlTemplate): string =>
    renderUrlTemplate(template, (name, component) => {
      const encoding =
        component === 'scheme' ? 'as is (checked to be a scheme)' : 'percent-encoded';
      const text = resolveText(
        ctx,
        name,
        where(placedIn, `${label} ${COMPONENT_LABEL[component]}`, encoding),
      );
      return encodeOrThrow(() => encodeForUrl(text, component), name, placedIn);
    });

  // A whole-host placeholder (`<<instance_url>>`, `<<database_url>>`) supplies scheme and
  // authority itself, so it goes in as is and must look like an absolute URL.
  const origin = wholePlaceholder(urlHost.trim());
  if (origin !== undefined) {
    const base = resolveText(
      ctx,
      origin,
      where(placedIn, `${label} base (scheme and host)`, 'as is'),
    );
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]/.test(base)) {
      throw new CredentialMappingError(
        'INVALID_URL',
        `<<${origin}>> must be an absolute URL with a scheme and host to stand for the whole urlHost`,
        { placeholder: origin, location: placedIn },
      );
    }
    const template = parseUrlTemplate(rest, true);
    return { url: joinUrl(base, render(template)), template, wholeOrigin: true };
  }
  const template = parseUrlTemplate(joinUrl(urlHost.trim(), rest));
  return { url: render(template), template, wholeOrigin: false };
}

export type QueryPairs = [key: string, value: string][];

function isList<T>(value: T | readonly T[]): value is readonly T[] {
  return Array.isArray(value);
}

/** Query map values with placeholders substituted (raw; encoded when appended). */
export function renderQuery(
  ctx: MappingContext,
  query: RequestTemplate['query'],
  placedIn: 'url' | 'connectionString',
): QueryPairs {
  const pairs: QueryPairs = [];
  for (const [key, value] of Object.entries(query ?? {})) {
    const values: readonly (QueryValue | null | undefined)[] = isList(value) ? value : [value];
    for (const item of values) {
      if (item === null || item === undefined) continue;
      if (typeof item !== 'string') {
        pairs.push([key, String(item)]);
        continue;
      }
      const at = where(
        placedIn === 'url' ? `query:${key}` : placedIn,
        `query parameter ${key}`,
        'percent-encoded',
      );
      const text = substitute(item, (name) => {
        const value = resolveText(ctx, name, at);
        encodeOrThrow(() => encodeComponent(value), name, at.placedIn);
        return value;
      });
      pairs.push([key, text]);
    }
  }
  return pairs;
}

export function appendQuery(url: string, pairs: QueryPairs): string {
  if (pairs.length === 0) return url;
  const hash = url.indexOf('#');
  const head = hash >= 0 ? url.slice(0, hash) : url;
  const fragment = hash >= 0 ? url.slice(hash) : '';
  const separator = !head.includes('?') ? '?' : /[?&]$/.test(head) ? '' : '&';
  const query = pairs.map(([k, v]) => `${encodeComponent(k)}=${encodeComponent(v)}`).join('&');
  return `${head}${separator}${query}${fragment}`;
}
