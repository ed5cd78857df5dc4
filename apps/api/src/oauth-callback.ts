import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApiDeps, ConnectError, completeConnect } from '@latchkey/api';
import { connectCookieSecure, readConnectCookie } from './connect-cookie';
import { redirect, sendPage, withQuery } from './html-page';

export interface OAuthRedirects {
  /** Where the browser goes after a connection is made (query: integrationId, userId, status). */
  successUrl?: string;
  /** Where it goes when connecting failed (query: error). */
  errorUrl?: string;
}

/**
 * A link or state that is invalid, expired, spent, revoked or from another browser shows a page
 * and never redirects: redirecting on it would make the platform's domain an open redirect.
 */
const PAGE_ONLY = new Set([
  'invalid_link',
  'expired_link',
  'used_link',
  'revoked_link',
  'invalid_state',
  'other_browser',
  'link_used',
  'invalid_start',
  'expired_start',
  'used_start',
]);

/**
 * Sends a failed browser flow (past a valid, browser-bound state) to its registered return URL
 * or the configured error URL; everything else gets a page.
 */
export function sendConnectFailure(
  deps: ApiDeps,
  res: ServerResponse,
  error: unknown,
  errorUrl: string | undefined,
) {
  const code = error instanceof ConnectError ? error.code : 'internal_error';
  if (!(error instanceof ConnectError)) deps.log.error({ err: error }, 'connect flow failed');
  else deps.log.warn({ code }, 'connect flow rejected');
  const target = PAGE_ONLY.has(code)
    ? undefined
    : (error instanceof ConnectError && error.returnUrl) || errorUrl;
  if (target) redirect(res, withQuery(target, { error: code }));
  else
    sendPage(res, 400, {
      title: 'Could not connect',
      detail: `The connection was not made (${code}). Start again from the app.`,
    });
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
      const browserSecret = readConnectCookie(req, connectCookieSecure(req, deps.publicUrl));
      const { connection, returnUrl } = await completeConnect(deps, url, browserSecret);
      const target = returnUrl ?? redirects.successUrl;
      const params: Record<string, string> = {
        integrationId: connection.integrationId,
        status: connection.status,
        // The integration's own connection has no user to report.
        ...(connection.userId !== null ? { userId: connection.userId } : {}),
      };
      if (target) redirect(res, withQuery(target, params));
      else
        sendPage(res, 200, {
          title: 'Connected',
          detail: `Your account is connected (${connection.status}). You can close this window.`,
        });
    } catch (error) {
      sendConnectFailure(deps, res, error, redirects.errorUrl);
    }
  };
}
