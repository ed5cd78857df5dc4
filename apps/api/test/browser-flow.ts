/**
 * A browser's side of an `oauth.authorizeUrl` flow, with fetch: open the start URL (its page,
 * then the POST that page sends, keeping the connect cookie it sets), sign in and consent at
 * the provider, and follow the provider's redirect to our callback carrying that cookie.
 * Redirects are not followed past the callback.
 */

interface Interactive {
  loginAndConsent(
    authorizeUrl: string,
    options: { accountId: string; deny?: boolean },
  ): Promise<string>;
}

export interface StartedFlow {
  /** The provider's authorization URL the start URL redirected to. */
  providerUrl: string;
  /** The connect cookie (`name=value`), as the browser would send it back. */
  cookie: string;
}

/**
 * What a GET of a start URL answers, checked as a browser would run it: a page whose form
 * POSTs back to the same URL, submitted by a script the page's CSP allows by its nonce.
 * Throws unless it is that page; a GET spends nothing and sets no cookie.
 */
export async function getStartPage(url: string, cookie?: string) {
  const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  const body = await response.text();
  const csp = response.headers.get('content-security-policy') ?? '';
  const policyNonce = /script-src 'nonce-([A-Za-z0-9_-]+)'/.exec(csp)?.[1];
  const scriptNonce = /<script nonce="([^"]+)">[^<]*\.submit\(\)/.exec(body)?.[1];
  if (
    response.status !== 200 ||
    response.headers.get('location') ||
    response.headers.get('set-cookie') ||
    !/<form method="post"[^>]*>/.test(body) ||
    /<form[^>]* action=/.test(body) ||
    !policyNonce ||
    policyNonce !== scriptNonce
  ) {
    throw new Error(`the start URL's GET answered ${response.status}: ${body.slice(0, 200)}`);
  }
  return { body, headers: response.headers };
}

/**
 * Opens a start URL as a fresh browser (or as the one holding `cookie`): the GET's page, then
 * the POST its script sends; fails unless the POST redirects with a cookie.
 */
export async function openStartUrl(url: string, cookie?: string): Promise<StartedFlow> {
  await getStartPage(url, cookie);
  const response = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: cookie ? { cookie } : {},
  });
  const body = await response.text();
  const location = response.headers.get('location');
  const setCookie = response.headers.get('set-cookie');
  if (response.status !== 303 || !location || !setCookie) {
    throw new Error(`the start URL's POST answered ${response.status}: ${body.slice(0, 200)}`);
  }
  return { providerUrl: location, cookie: setCookie.split(';')[0] ?? '' };
}

/** The callback as the browser requests it: with `cookie` (if any), redirects not followed. */
export async function followCallback(callbackUrl: string, cookie?: string) {
  const response = await fetch(callbackUrl, {
    redirect: 'manual',
    headers: cookie ? { cookie } : {},
  });
  return {
    status: response.status,
    location: response.headers.get('location'),
    body: await response.text(),
  };
}

/** Start URL, sign-in and consent: the provider's redirect to our callback, and the cookie. */
export async function signIn(
  auth: Interactive,
  startUrl: string,
  options: { accountId: string; deny?: boolean },
): Promise<{ callbackUrl: string; cookie: string }> {
  const { providerUrl, cookie } = await openStartUrl(startUrl);
  return { callbackUrl: await auth.loginAndConsent(providerUrl, options), cookie };
}

/** The whole flow in one browser, as the end user would go through it. */
export async function connectInBrowser(
  auth: Interactive,
  startUrl: string,
  options: { accountId: string; deny?: boolean },
) {
  const { callbackUrl, cookie } = await signIn(auth, startUrl, options);
  return followCallback(callbackUrl, cookie);
}
