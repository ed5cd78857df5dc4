import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApiDeps, OAUTH_START_PATH, openAuthorizeLink } from '@latchkey/api';
import { startInThisBrowser } from './connect-cookie';
import { type OAuthRedirects, sendConnectFailure } from './oauth-callback';

/**
 * GET /oauth/start/<token>: where `oauth.authorizeUrl`'s URL leads. The first browser to open
 * it gets the connect cookie and goes on to the provider; the callback then completes the flow
 * for that browser only. Opened again (by anyone), expired or unknown, it shows a page and
 * never redirects. A GET, since the tenant's app sends its user here with a plain redirect:
 * it is not for chats or mail, whose link previews would spend it (connect links are).
 */
export function createOAuthStartHandler(deps: ApiDeps, redirects: OAuthRedirects) {
  return async (req: IncomingMessage, res: ServerResponse, pathname: string) => {
    const token = pathname.slice(OAUTH_START_PATH.length);
    try {
      await startInThisBrowser(req, res, deps.publicUrl, (browserHash) =>
        openAuthorizeLink(deps, token, browserHash),
      );
    } catch (error) {
      sendConnectFailure(deps, res, error, redirects.errorUrl);
    }
  };
}
