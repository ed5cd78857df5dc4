import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type ApiDeps,
  describeAuthorizeLink,
  OAUTH_START_PATH,
  openAuthorizeLink,
} from '@latchkey/api';
import { startInThisBrowser } from './connect-cookie';
import { sendPage } from './html-page';
import { type OAuthRedirects, sendConnectFailure } from './oauth-callback';

/**
 * /oauth/start/<token>: where `oauth.authorizeUrl`'s URL leads. The tenant's app sends its user
 * here with a plain redirect, so the GET must lead on by itself; but link previews, prefetches
 * and mail scanners GET it too, so the GET spends nothing: it answers a page whose form POSTs
 * back at once (a nonce'd script submits it; a button for browsers without JavaScript). The
 * POST gives the first browser to send it the connect cookie and sends it on to the provider;
 * the callback then completes the flow for that browser only. Opened again (by anyone),
 * expired or unknown, either method shows a page and never redirects.
 */
export function createOAuthStartHandler(deps: ApiDeps, redirects: OAuthRedirects) {
  return async (req: IncomingMessage, res: ServerResponse, pathname: string) => {
    const token = pathname.slice(OAUTH_START_PATH.length);
    try {
      if (req.method === 'POST') {
        await startInThisBrowser(req, res, deps.publicUrl, (browserHash) =>
          openAuthorizeLink(deps, token, browserHash),
        );
        return;
      }
      await describeAuthorizeLink(deps, token);
      sendPage(res, 200, {
        title: 'Continuing to sign in',
        detail:
          'You will sign in with the provider and approve access. Nothing is shared until you do.',
        action: { label: 'Continue', autoSubmit: true },
      });
    } catch (error) {
      sendConnectFailure(deps, res, error, redirects.errorUrl);
    }
  };
}
