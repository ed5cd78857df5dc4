import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * No script but the one this response names, nothing loaded from anywhere, not framed. No
 * `form-action`: Chromium applies it to the redirect that follows a form's POST too, which
 * would block the provider the start and connect-link POSTs redirect to.
 */
const contentSecurityPolicy = (scriptNonce?: string) =>
  [
    "default-src 'none'",
    ...(scriptNonce ? [`script-src 'nonce-${scriptNonce}'`] : []),
    "style-src 'unsafe-inline'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');

/**
 * A minimal page for the browser-facing routes (OAuth callback, connect links, start URLs). No
 * referrer leaves these pages: their URLs can carry a connect token. `action` is a button that
 * POSTs to the page's own URL; with `autoSubmit`, a script allowed by this response's nonce
 * presses it at once (the button stays for browsers without JavaScript).
 */
export function sendPage(
  res: ServerResponse,
  status: number,
  page: { title: string; detail: string; action?: { label: string; autoSubmit?: boolean } },
) {
  const nonce = page.action?.autoSubmit ? randomBytes(16).toString('base64url') : undefined;
  const form = page.action
    ? `<form method="post" id="action"><button type="submit">${escapeHtml(page.action.label)}</button></form>`
    : '';
  const script = nonce
    ? `<script nonce="${nonce}">document.getElementById('action').submit();</script>`
    : '';
  res
    .writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'content-security-policy': contentSecurityPolicy(nonce),
    })
    .end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
        `<meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<title>${escapeHtml(page.title)}</title></head>` +
        `<body><main><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.detail)}</p>${form}</main>${script}</body></html>`,
    );
}

/**
 * Sends the browser on with no referrer. 302 after a GET; 303 after a POST, which says (as
 * 302 only does by browsers' custom) that the next request is a GET.
 */
export function redirect(res: ServerResponse, location: string, status: 302 | 303 = 302) {
  res
    .writeHead(status, { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' })
    .end();
}

export function withQuery(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}
