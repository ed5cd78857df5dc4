/**
 * A minimal "browser" for the provider's built-in login and consent pages (devInteractions):
 * plain fetch with manual redirects and a cookie jar. Test-only; it understands exactly the
 * forms oidc-provider renders.
 */

class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [key = '', val = ''] = a.split('=').map((s) => s.trim());
        if (key.toLowerCase() === 'max-age') return Number(val) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(val) <= Date.now();
        return false;
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&quot;': '"',
  '&#39;': "'",
  '&#34;': '"',
  '&#x2F;': '/',
  '&#x27;': "'",
  '&lt;': '<',
  '&gt;': '>',
};

function decode(text: string): string {
  return text.replace(/&(?:amp|quot|lt|gt|#39|#34|#x2F|#x27);/g, (e) => ENTITIES[e] ?? e);
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of tag.matchAll(/([\w-]+)="([^"]*)"/g)) {
    const [, name, value] = match;
    if (name && value !== undefined) out[name] = decode(value);
  }
  return out;
}

interface Form {
  action: string;
  fields: Record<string, string>;
}

function parseForm(html: string): Form | undefined {
  const formTag = html.match(/<form\b[^>]*method="post"[^>]*>/i)?.[0];
  if (!formTag) return undefined;
  const action = attributes(formTag).action;
  if (!action) return undefined;
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input\b[^>]*>/gi)) {
    const attrs = attributes(match[0]);
    if (attrs.name) fields[attrs.name] = attrs.value ?? '';
  }
  return { action, fields };
}

/** The error the provider's error page shows, for a useful test failure. */
function errorPageSummary(html: string): string {
  const details = [...html.matchAll(/<pre><strong>([^<]*)<\/strong>: ([^<]*)<\/pre>/g)]
    .map((m) => `${m[1]}: ${decode(m[2] ?? '')}`)
    .join(', ');
  return (
    details ||
    html
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .slice(0, 200)
  );
}

export interface InteractionOptions {
  /** Who signs in (any string: the test server accepts every account). */
  accountId: string;
  /** Abort at the first page instead of signing in: the callback then carries `access_denied`. */
  deny?: boolean;
}

function sameEndpoint(a: URL, b: URL): boolean {
  return a.origin === b.origin && a.pathname === b.pathname;
}

/**
 * Drives an authorization request through sign-in and consent and returns the URL the server
 * redirects to at the client's redirect_uri (with code and state, or an error). That URL is not
 * requested.
 */
export async function driveInteraction(
  authorizeUrl: string,
  issuer: string,
  options: InteractionOptions,
): Promise<string> {
  let url = new URL(authorizeUrl);
  const redirectParam = url.searchParams.get('redirect_uri');
  if (!redirectParam) throw new Error('loginAndConsent: the authorize URL has no redirect_uri');
  const redirectUri = new URL(redirectParam);
  const origin = new URL(issuer).origin;
  const jar = new CookieJar();
  let request: RequestInit = { method: 'GET' };

  for (let step = 0; step < 20; step++) {
    const headers = new Headers(request.headers);
    const cookie = jar.header();
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(url, { ...request, headers, redirect: 'manual' });
    jar.store(response);
    request = { method: 'GET' };

    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      const location = response.headers.get('location');
      if (!location)
        throw new Error(`loginAndConsent: redirect without Location at ${url.pathname}`);
      const next = new URL(location, url);
      if (sameEndpoint(next, redirectUri)) return next.href;
      if (next.origin !== origin)
        throw new Error(`loginAndConsent: unexpected redirect to ${next.origin}`);
      url = next;
      continue;
    }

    const html = await response.text();
    if (response.status !== 200) {
      throw new Error(
        `loginAndConsent: HTTP ${response.status} at ${url.pathname}: ${errorPageSummary(html)}`,
      );
    }
    const form = parseForm(html);
    if (!form)
      throw new Error(`loginAndConsent: no form at ${url.pathname}: ${errorPageSummary(html)}`);

    if (options.deny) {
      const abort = html.match(/href="([^"]*\/abort)"/)?.[1];
      if (!abort) throw new Error('loginAndConsent: no abort link on the interaction page');
      url = new URL(decode(abort), url);
      continue;
    }

    const fields = { ...form.fields };
    if (fields.prompt === 'login') {
      fields.login = options.accountId;
      fields.password = 'test';
    } else if (fields.prompt !== 'consent') {
      throw new Error(`loginAndConsent: unknown prompt "${fields.prompt ?? ''}"`);
    }
    url = new URL(form.action, url);
    request = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    };
  }
  throw new Error('loginAndConsent: too many steps without reaching the redirect_uri');
}
