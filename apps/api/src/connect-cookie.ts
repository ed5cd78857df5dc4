import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { hashBrowserSecret } from '@latchkey/api';
import { readCookie } from './codec/session';
import { redirect } from './html-page';

/**
 * The cookie that binds an OAuth flow to the browser that started it: a random secret whose
 * hash the flow's state row keeps; the callback consumes the state only with it, so an
 * authorization URL (or the provider's redirect) opened in another browser connects nothing.
 *
 * Like the codec session cookie, its attributes follow how the api is reached: over https it
 * is `__Host-latchkey_connect` (`Secure`, `Path=/`, no `Domain`: bound to this exact origin);
 * over plain http (`pnpm dev` on loopback) browsers refuse `Secure` cookies from most hosts and
 * the `__Host-` prefix requires `Secure`, so it is `latchkey_connect` without either. Both are
 * `HttpOnly; SameSite=Lax`: the provider's redirect back is a cross-site top-level GET, which
 * Lax cookies accompany (Strict ones would not).
 */
const SECURE_NAME = '__Host-latchkey_connect';
const PLAIN_NAME = 'latchkey_connect';
/** As long as an OAuth state lives (STATE_TTL_MS). */
const MAX_AGE_SECONDS = 10 * 60;

export function connectCookieSecure(req: IncomingMessage, publicUrl: string): boolean {
  return (req.socket as TLSSocket).encrypted === true || publicUrl.startsWith('https:');
}

/**
 * Sets the connect cookie on the response; returns its secret (its hash goes into the state
 * row). A browser that already holds one keeps its secret, so two flows started in two tabs
 * of one browser both complete; a fresh browser gets a fresh random secret.
 */
export function setConnectCookie(
  req: IncomingMessage,
  res: ServerResponse,
  secure: boolean,
): string {
  const secret = readConnectCookie(req, secure) ?? randomBytes(32).toString('base64url');
  const name = secure ? SECURE_NAME : PLAIN_NAME;
  res.setHeader(
    'set-cookie',
    `${name}=${secret}; Path=/; Max-Age=${MAX_AGE_SECONDS}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`,
  );
  return secret;
}

export function readConnectCookie(req: IncomingMessage, secure: boolean): string | undefined {
  const value = readCookie(req.headers.cookie, secure ? SECURE_NAME : PLAIN_NAME);
  return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}

/**
 * Starts a browser flow (the POST of a connect link's or a start URL's page): gives this
 * browser the connect cookie, lets `start` bind the flow to it, and redirects (303: the
 * provider gets a GET) where `start` says. The cookie is only sent with the redirect: a
 * refused start sets none.
 */
export async function startInThisBrowser(
  req: IncomingMessage,
  res: ServerResponse,
  publicUrl: string,
  start: (browserHash: string) => Promise<string>,
): Promise<void> {
  const secret = setConnectCookie(req, res, connectCookieSecure(req, publicUrl));
  try {
    redirect(res, await start(hashBrowserSecret(secret)), 303);
  } catch (error) {
    res.removeHeader('set-cookie');
    throw error;
  }
}
