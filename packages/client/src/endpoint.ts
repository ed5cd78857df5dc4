const TRPC_SUFFIX = '/trpc';

/**
 * Turns the api's base URL (`http://127.0.0.1:3000`) into the tRPC URL
 * (`http://127.0.0.1:3000/trpc`). A URL that already ends in `/trpc` is kept; trailing
 * slashes are dropped. Throws a TypeError for anything that is not an absolute http(s) URL,
 * or a URL with user:password in it (fetch refuses those, and they would end up in messages).
 */
export function normalizeEndpoint(endpoint: string): string {
  if (typeof endpoint !== 'string' || endpoint.trim() === '') {
    throw new TypeError(
      'LatchkeyClient: `endpoint` is required (the api base URL, e.g. http://127.0.0.1:3000)',
    );
  }
  let url: URL;
  try {
    url = new URL(endpoint.trim());
  } catch {
    throw new TypeError(`LatchkeyClient: \`endpoint\` is not an absolute URL: '${endpoint}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(
      `LatchkeyClient: \`endpoint\` must be http or https, got '${url.protocol}'`,
    );
  }
  if (url.username || url.password) {
    throw new TypeError('LatchkeyClient: `endpoint` must not contain a user name or password');
  }
  if (url.search || url.hash) {
    throw new TypeError('LatchkeyClient: `endpoint` must not contain a query string or fragment');
  }
  const path = url.pathname.replace(/\/+$/, '');
  const base = `${url.origin}${path}`;
  return path.endsWith(TRPC_SUFFIX) ? base : `${base}${TRPC_SUFFIX}`;
}
