import type { ServerResponse } from 'node:http';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A minimal page for the browser-facing routes (OAuth callback, connect links). No referrer
 * leaves these pages: their URLs can carry a connect token.
 */
export function sendPage(
  res: ServerResponse,
  status: number,
  page: { title: string; detail: string; action?: { label: string } },
) {
  const form = page.action
    ? `<form method="post"><button type="submit">${escapeHtml(page.action.label)}</button></form>`
    : '';
  res
    .writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    })
    .end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
        `<meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<title>${escapeHtml(page.title)}</title></head>` +
        `<body><main><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.detail)}</p>${form}</main></body></html>`,
    );
}

export function redirect(res: ServerResponse, location: string) {
  res
    .writeHead(302, { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' })
    .end();
}

export function withQuery(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}
