import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApiDeps, bearerToken, clientAddress, keyPrefixOf, refused } from '@latchkey/api';

/**
 * The codec endpoint checks API keys itself (a Bearer key, or one posted to sign in), so the
 * rate limits on failed authentications are applied around it: an address over its limit is
 * refused (429) before the codec sees a key, and a key the codec answers 401 counts against
 * the address and the key's prefix, as on tRPC (packages/api/src/auth/door.ts). Requests that
 * present no key (the Temporal UI polling without a session) count nothing.
 */
export async function guardCodec(
  deps: Pick<ApiDeps, 'rateLimits' | 'doorLimits' | 'log'>,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  next: () => void,
): Promise<void> {
  const bearer = bearerToken(req.headers.authorization);
  const presentsKey =
    bearer !== undefined || (req.method === 'POST' && pathname.endsWith('/session'));
  if (!presentsKey) return next();
  const address = clientAddress(req, deps.doorLimits.trustedProxyHops);
  const blocked = await deps.rateLimits.addressRefusal(address);
  if (blocked) {
    const error = refused(blocked);
    res
      .writeHead(429, {
        'content-type': 'application/json',
        'retry-after': String(error.retryAfterSeconds),
      })
      .end(JSON.stringify({ error: error.message }));
    return;
  }
  res.on('finish', () => {
    if (res.statusCode !== 401) return;
    deps.rateLimits
      .recordAuthFailure(address, bearer ? keyPrefixOf(bearer) : undefined)
      .catch((error: unknown) => deps.log.warn({ err: error }, 'rate limit not recorded'));
  });
  next();
}
