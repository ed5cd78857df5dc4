import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type ApiDeps,
  CONNECT_LINK_PATH,
  describeConnectLink,
  followConnectLink,
} from '@latchkey/api';
import { startInThisBrowser } from './connect-cookie';
import { sendPage } from './html-page';
import { type OAuthRedirects, sendConnectFailure } from './oauth-callback';

/**
 * /connect/<token>: the page behind a shareable connect link. GET shows what is about to be
 * connected (so link previews and prefetches start nothing); POST starts the authorization
 * request, gives this browser the connect cookie the callback requires, and redirects to the
 * provider. No API key is involved: the token is the grant.
 */
export function createConnectLinkHandler(deps: ApiDeps, redirects: OAuthRedirects) {
  return async (req: IncomingMessage, res: ServerResponse, pathname: string) => {
    const token = pathname.slice(CONNECT_LINK_PATH.length);
    try {
      if (req.method === 'POST') {
        await startInThisBrowser(req, res, deps.publicUrl, (browserHash) =>
          followConnectLink(deps, token, browserHash),
        );
        return;
      }
      const { integrationName } = await describeConnectLink(deps, token);
      sendPage(res, 200, {
        title: `Connect your ${integrationName} account`,
        detail: `You will sign in with ${integrationName} and approve access. Nothing is shared until you do.`,
        action: { label: `Continue to ${integrationName}` },
      });
    } catch (error) {
      sendConnectFailure(deps, res, error, redirects.errorUrl);
    }
  };
}
