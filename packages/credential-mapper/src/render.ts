import type { MappingContext, Where } from './context';
import { encodeComponent } from './encoding';
import { CredentialMappingError } from './errors';
import { substitute, wholePlaceholder } from './placeholders';
import type { Placement, QueryValue, RequestTemplate } from './types';
import type { UrlComponent, UrlTemplate } from './url-template';
import { encodeForUrl, joinUrl, parseUrlTemplate } from './url-template';
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
  return encoded ?? invalidScheme(name, location);
}

/** `encodeOrThrow(() => encode(value), …)` without a closure per value. */
export function encodeValueOrThrow(
  encode: (value: string) => string | undefined,
  value: string,
  name: string,
  location: string,
): string {
  let encoded: string | undefined;
  try {
    encoded = encode(value);
  } catch {
    throw unencodable(name, location);
  }
  return encoded ?? invalidScheme(name, location);
}

function invalidScheme(name: string, location: string): never {
  throw new CredentialMappingError(
    'INVALID_URL',
    `The value of <<${name}>> in ${location} is not a valid URL scheme`,
    { placeholder: name, location },
  );
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

type UrlPlacement = 'url' | 'connectionString';

const URL_LABEL: Record<UrlPlacement, string> = {
  url: 'the URL',
  connectionString: 'the connection string',
};

/** Where each URL component's placeholders go, built once: it depends on nothing else. */
function componentPlaces(placedIn: UrlPlacement): Record<UrlComponent, Where> {
  const places = {} as Record<UrlComponent, Where>;
  for (const component of Object.keys(COMPONENT_LABEL) as UrlComponent[]) {
    const encoding = component === 'scheme' ? 'as is (checked to be a scheme)' : 'percent-encoded';
    places[component] = Object.freeze(
      where(placedIn, `${URL_LABEL[placedIn]} ${COMPONENT_LABEL[component]}`, encoding),
    );
  }
  return places;
}

const COMPONENT_PLACES: Record<UrlPlacement, Record<UrlComponent, Where>> = {
  url: componentPlaces('url'),
  connectionString: componentPlaces('connectionString'),
};

const BASE_PLACES: Record<UrlPlacement, Where> = {
  url: Object.freeze(where('url', `${URL_LABEL.url} base (scheme and host)`, 'as is')),
  connectionString: Object.freeze(
    where('connectionString', `${URL_LABEL.connectionString} base (scheme and host)`, 'as is'),
  ),
};

function encoderFor(component: UrlComponent): (value: string) => string | undefined {
  return (value) => encodeForUrl(value, component);
}

const URL_ENCODERS: Record<UrlComponent, (value: string) => string | undefined> = {
  scheme: encoderFor('scheme'),
  user: encoderFor('user'),
  password: encoderFor('password'),
  host: encoderFor('host'),
  port: encoderFor('port'),
  path: encoderFor('path'),
  query: encoderFor('query'),
  fragment: encoderFor('fragment'),
};

function renderUrlParts(
  ctx: MappingContext,
  template: UrlTemplate,
  placedIn: UrlPlacement,
): string {
  let out = '';
  for (const part of template.parts) {
    if (part.kind === 'text') {
      out += part.text;
      continue;
    }
    const { name, component } = part;
    const text = resolveText(ctx, name, COMPONENT_PLACES[placedIn][component]);
    out += encodeValueOrThrow(URL_ENCODERS[component], text, name, placedIn);
  }
  return out;
}

export function renderUrl(
  ctx: MappingContext,
  urlHost: string,
  rest: string,
  placedIn: UrlPlacement,
): RenderedUrl {
  // A whole-host placeholder (`<<instance_url>>`, `<<database_url>>`) supplies scheme and
  // authority itself, so it goes in as is and must look like an absolute URL.
  const origin = wholePlaceholder(urlHost.trim());
  if (origin !== undefined) {
    const base = resolveText(ctx, origin, BASE_PLACES[placedIn]);
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]/.test(base)) {
      throw new CredentialMappingError(
        'INVALID_URL',
        `<<${origin}>> must be an absolute URL with a scheme and host to stand for the whole urlHost`,
        { placeholder: origin, location: placedIn },
      );
    }
    const template = parseUrlTemplate(rest, true);
    return {
      url: joinUrl(base, renderUrlParts(ctx, template, placedIn)),
      template,
      wholeOrigin: true,
    };
  }
  const template = parseUrlTemplate(joinUrl(urlHost.trim(), rest));
  return { url: renderUrlParts(ctx, template, placedIn), template, wholeOrigin: false };
}

export type QueryPairs = [key: string, value: string][];

function isList<T>(value: T | readonly T[]): value is readonly T[] {
  return Array.isArray(value);
}

/** Query map values with placeholders substituted (raw; encoded when appended). */
export function renderQuery(
  ctx: MappingContext,
  query: RequestTemplate['query'],
  placedIn: UrlPlacement,
): QueryPairs {
  const pairs: QueryPairs = [];
  if (!query) return pairs;
  for (const key in query) {
    if (!isOwnEnumerable.call(query, key)) continue; // the keys of Object.entries
    const value = query[key];
    if (isList(value)) {
      for (const item of value) addQueryPair(ctx, pairs, key, item, placedIn);
    } else {
      addQueryPair(ctx, pairs, key, value, placedIn);
    }
  }
  return pairs;
}

const isOwnEnumerable = Object.prototype.propertyIsEnumerable;

function addQueryPair(
  ctx: MappingContext,
  pairs: QueryPairs,
  key: string,
  item: QueryValue | null | undefined,
  placedIn: UrlPlacement,
): void {
  if (item === null || item === undefined) return;
  if (typeof item !== 'string') {
    pairs.push([key, String(item)]);
    return;
  }
  if (!item.includes('<<')) {
    pairs.push([key, item]); // no placeholder: substitute would return it as is
    return;
  }
  const at = where(
    placedIn === 'url' ? `query:${key}` : placedIn,
    `query parameter ${key}`,
    'percent-encoded',
  );
  const text = substitute(item, (name) => {
    const value = resolveText(ctx, name, at);
    encodeValueOrThrow(encodeComponent, value, name, at.placedIn);
    return value;
  });
  pairs.push([key, text]);
}

export function appendQuery(url: string, pairs: QueryPairs): string {
  if (pairs.length === 0) return url;
  const hash = url.indexOf('#');
  const head = hash >= 0 ? url.slice(0, hash) : url;
  const fragment = hash >= 0 ? url.slice(hash) : '';
  const last = head[head.length - 1];
  let out = head + (!head.includes('?') ? '?' : last === '?' || last === '&' ? '' : '&');
  for (let i = 0; i < pairs.length; i++) {
    const [key, value] = pairs[i] as [string, string];
    out += `${i > 0 ? '&' : ''}${encodeComponent(key)}=${encodeComponent(value)}`;
  }
  return out + fragment;
}
