import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApiDeps, ConnectError, completeConnect } from '@latchkey/api';

export interface OAuthRedirects {
  /** Where the browser goes after a connection is made (query: integrationId, userId, status). */
  successUrl?: string;
  /** Where it goes when connecting failed (query: error). */
  errorUrl?: string;
}

function withQuery(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

function page(res: ServerResponse, status: number, title: string, detail: string) {
  const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  res
    .writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
    .end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
        `<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p></main></body></html>`,
    );
}

/**
 * GET /oauth/callback: completes the authorization code flow and redirects to the flow's
 * return URL or the configured success/error URL (a plain page when none is set). Errors name
 * a code only; codes, tokens and states never appear in a redirect or a log line.
 */
export function createOAuthCallbackHandler(deps: ApiDeps, redirects: OAuthRedirects) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', deps.publicUrl);
    try {
      const { connection, returnUrl } = await completeConnect(deps, url);
      const target = returnUrl ?? redirects.successUrl;
      const params = {
        integrationId: connection.integrationId,
        userId: connection.userId,
        status: connection.status,
      };
      if (target) res.writeHead(302, { location: withQuery(target, params) }).end();
      else
        page(
          res,
          200,
          'Connected',
          `Your account is connected (${connection.status}). You can close this window.`,
        );
    } catch (error) {
      const code = error instanceof ConnectError ? error.code : 'internal_error';
      if (!(error instanceof ConnectError)) deps.log.error({ err: error }, 'oauth callback failed');
      else deps.log.warn({ code }, 'oauth callback rejected');
      const target = (error instanceof ConnectError && error.returnUrl) || redirects.errorUrl;
      if (target) res.writeHead(302, { location: withQuery(target, { error: code }) }).end();
      else
        page(
          res,
          400,
          'Could not connect',
          `The connection was not made (${code}). Start again from the app.`,
        );
    }
  };
}
