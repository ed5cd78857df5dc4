import type { AuthAction, SchemeOrigin } from './auth-placement';
import { planHttpAuth } from './auth-placement';
import { renderBody } from './body';
import type { MappingContext } from './context';
import { encodeComponent, isSafeHeaderValue, isValidHeaderName } from './encoding';
import { CredentialMappingError } from './errors';
import { substitute } from './placeholders';
import { expandSecrets } from './redact';
import type { QueryPairs } from './render';
import {
  appendQuery,
  encodeValueOrThrow,
  renderQuery,
  renderUrl,
  resolveText,
  where,
} from './render';
import type { AuthScheme, MappedHttpRequest, MapRequestInput, RequestTemplate } from './types';
import { joinUrl } from './url-template';

/**
 * HTTP requests: URL (component-encoded), query map (percent-encoded), headers (raw, CR/LF/NUL
 * rejected), body (see body.ts), then auth placement (see auth-placement.ts). The final URL must
 * parse as http(s); parse errors are replaced by ours so the URL is never quoted.
 */

function headerInjection(header: string, name: string | undefined): CredentialMappingError {
  const source = name ? `the value of <<${name}>>` : 'the template';
  return new CredentialMappingError(
    'INVALID_HEADER_VALUE',
    `Header ${header}: ${source} contains CR, LF or NUL, which would inject header lines`,
    { placeholder: name, location: `header:${header}` },
  );
}

function normaliseMethod(method: string | undefined): string {
  const upper = (method ?? 'GET').trim().toUpperCase();
  if (!/^[A-Z]+$/.test(upper)) {
    throw new CredentialMappingError(
      'INVALID_METHOD',
      'The HTTP method must be a word such as GET',
    );
  }
  return upper;
}

const isOwnEnumerable = Object.prototype.propertyIsEnumerable;

function renderHeaders(
  ctx: MappingContext,
  headers: RequestTemplate['headers'],
): [string, string][] {
  const out: [string, string][] = [];
  if (!headers) return out;
  for (const header in headers) {
    if (!isOwnEnumerable.call(headers, header)) continue; // the keys of Object.entries
    out.push([header, renderHeader(ctx, header, headers[header] as string)]);
  }
  return out;
}

function renderHeader(ctx: MappingContext, header: string, template: string): string {
  if (!isValidHeaderName(header)) {
    throw new CredentialMappingError(
      'INVALID_HEADER_NAME',
      `"${header}" is not a valid HTTP header name`,
      { location: `header:${header}` },
    );
  }
  let value = template; // without a placeholder, substitute would return it as is
  if (template.includes('<<')) {
    const at = where(`header:${header}`, `header ${header}`, 'raw');
    value = substitute(template, (name) => {
      const text = resolveText(ctx, name, at);
      if (!isSafeHeaderValue(text)) throw headerInjection(header, name);
      return text;
    });
  }
  if (!isSafeHeaderValue(value)) throw headerInjection(header, undefined);
  return value;
}

/** Case-insensitive, as header names are; compares lengths before lowercasing anything. */
function findHeader(headers: [string, string][], name: string): [string, string] | undefined {
  let lower: string | undefined;
  for (const pair of headers) {
    if (pair[0].length !== name.length) continue;
    lower ??= name.toLowerCase();
    if (pair[0].toLowerCase() === lower) return pair;
  }
  return undefined;
}

function applyAuth(
  ctx: MappingContext,
  action: AuthAction,
  headers: [string, string][],
  query: QueryPairs,
): void {
  const { target } = action;
  const names = action.credentials.map((c) => c.entry.name);
  if (target.kind === 'header') {
    if (!isSafeHeaderValue(action.value)) {
      throw new CredentialMappingError(
        'INVALID_HEADER_VALUE',
        `Header ${target.name}: credential ${names.join(', ')} contains CR, LF or NUL, which would inject header lines`,
        { placeholder: names[0], candidates: names, location: `header:${target.name}` },
      );
    }
    headers.push([target.name, action.value]);
  } else {
    encodeValueOrThrow(
      encodeComponent,
      action.value,
      names[0] ?? target.name,
      `query:${target.name}`,
    );
    query.push([target.name, action.value]);
  }
  const at = where(
    `${target.kind}:${target.name}`,
    `${target.kind} ${target.name}`,
    action.encoding,
  );
  for (const found of action.credentials) ctx.place(found.entry, at, action.reason);
  for (const secret of action.derivedSecrets) ctx.addSecret(secret);
}

/**
 * `URL.canParse` (where the platform has it) checks without building a URL object; a URL that
 * parses and starts with `http:` or `https:` has that protocol. Anything else takes the full path.
 */
const canParse: ((url: string) => boolean) | undefined =
  typeof URL.canParse === 'function' ? URL.canParse.bind(URL) : undefined;
const HTTP_START = /^https?:/i;

function checkHttpUrl(url: string): void {
  if (canParse && HTTP_START.test(url) && canParse(url)) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Never quote the URL or the parser's message: both may hold a secret.
    throw new CredentialMappingError(
      'INVALID_URL',
      'The request URL built from urlHost, urlPath and the step path is not a valid absolute URL',
      { location: 'url' },
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CredentialMappingError('INVALID_URL', 'HTTP integrations must use http or https', {
      location: 'url',
    });
  }
}

export function mapHttp(
  ctx: MappingContext,
  input: MapRequestInput,
  declared: { scheme: AuthScheme; origin: SchemeOrigin } | undefined,
): MappedHttpRequest {
  const { integration } = input;
  const request = input.request ?? {};
  const method = normaliseMethod(request.method);
  const rest = joinUrl(integration.urlPath, request.path);
  const rendered = renderUrl(ctx, integration.urlHost, rest, 'url');
  const query = renderQuery(ctx, request.query, 'url');
  const headers = renderHeaders(ctx, request.headers);
  const hasHeader = (name: string) => findHeader(headers, name) !== undefined;
  const contentType = findHeader(headers, 'content-type')?.[1];
  const body = renderBody(ctx, request.body, contentType);

  const actions = planHttpAuth(ctx, declared, {
    hasHeader,
    hasQuery: (name) =>
      query.some(([key]) => key === name) || rendered.template.queryKeys.includes(name),
  });
  for (const action of actions) applyAuth(ctx, action, headers, query);
  if (body?.json && !contentType) headers.push(['content-type', 'application/json']);

  const url = appendQuery(rendered.url, query);
  checkHttpUrl(url);

  const secrets = expandSecrets(ctx.secretValues, 1);
  return body
    ? {
        kind: 'http',
        method,
        url,
        headers: Object.fromEntries(headers),
        body: body.text,
        explanation: ctx.explanation,
        secrets,
      }
    : {
        kind: 'http',
        method,
        url,
        headers: Object.fromEntries(headers),
        explanation: ctx.explanation,
        secrets,
      };
}
