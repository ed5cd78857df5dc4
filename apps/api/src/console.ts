import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv, { type Options } from 'sirv';

const ASSETS_PATH = '/assets/';

/**
 * Serves the built web console. Every other GET falls back to index.html (ids may contain dots,
 * so no path is excluded) so the console's own routes survive a reload; a missing hashed asset
 * is a plain 404. The console holds an API key in session storage, so it must not be framed by
 * another site, and its URLs never leave as a referrer.
 */
export function createConsoleHandler(webRoot: string) {
  const options: Options = {
    etag: true,
    setHeaders(res, pathname) {
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('x-frame-options', 'DENY');
      res.setHeader('referrer-policy', 'no-referrer');
      // Hashed assets never change; the page itself must always be revalidated.
      res.setHeader(
        'cache-control',
        pathname.startsWith(ASSETS_PATH) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  };
  const assets = sirv(webRoot, options);
  const pages = sirv(webRoot, { ...options, single: true, ignores: false });
  const notFound = (res: ServerResponse) => () => {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  };
  return (req: IncomingMessage, res: ServerResponse) => {
    const serve = (req.url ?? '/').startsWith(ASSETS_PATH) ? assets : pages;
    serve(req, res, notFound(res));
  };
}
