import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApiDeps, bearerToken, clientAddress, keyPrefixOf, refused } from '@latchkey/api';

/**
 * The codec endpoint checks API keys itself (a Bearer key, or one posted to sign in), so the
 * door cannot tell a right key from a wrong one before the codec answers. Each request that
 * presents a key therefore takes one of its address's failed-authentication points before the
 * codec sees it (refused with 429 over the limit), and gives it back when the codec did not
 * answer 401: a parallel burst of wrong keys gets no more 401s than the limit, as on tRPC
 * (packages/api/src/auth/door.ts). A wrong key also counts against its prefix. Requests that
 * present no key (the Temporal UI polling without a session) count nothing. (A client sending
 * more keyed requests at once than the limit would be refused some: the codec's keyed callers
 * are operators' tools, one request at a time.)
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
  const address = clientAddress(req, deps.doorLimits.trustedProxies);
  const blocked = await deps.rateLimits.takeAuthAttempt(address);
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
  res.on('close', () => {
    deps.rateLimits
      .settleAuthAttempt(address, {
        keyPrefix: bearer ? keyPrefixOf(bearer) : undefined,
        failed: res.statusCode === 401,
      })
      .catch((error: unknown) => deps.log.warn({ err: error }, 'rate limit not recorded'));
  });
  next();
}
