import type { Db } from '@latchkey/db';
import { TRPCError } from '@trpc/server';
import { TooManyRequestsError } from '../errors';
import type { RateLimits, Refusal } from '../limits/rate-limits';
import { API_KEY_PREFIX } from './api-key-secret';
import { authenticateApiKey, type Caller } from './authenticate';

/** The visible prefix of a well-formed key (`lk_` and 8 characters), as api_keys stores it. */
export function keyPrefixOf(key: string): string | undefined {
  return key.startsWith(API_KEY_PREFIX) && key.length > 11 ? key.slice(0, 11) : undefined;
}

export function refused({ limit, retryAfterMs }: Refusal): TooManyRequestsError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new TooManyRequestsError(
    `Too many requests: ${limit}; retry after ${seconds} s`,
    retryAfterMs,
  );
}

/**
 * The one way a request becomes a tenant's caller, with the rate limits at the door:
 *
 * - A client address with too many failed authentications is refused (429) before its key
 *   is even checked, whatever the key: otherwise the block would still answer guesses. (Its
 *   key is looked up in parallel, for latency, but the answer never depends on it.)
 * - A failed authentication counts against the address and against the key prefix it named
 *   (from any address). Over either limit, the answer is 429 instead of 401. The answer comes
 *   from the count's own atomic increment in PostgreSQL, so a parallel burst of wrong keys
 *   gets at most the limit's number of 401s, however many are in flight. (Taking a point
 *   before the lookup and giving it back for right keys would count the same, but would
 *   refuse a busy client's right keys whenever more of them are in flight than the limit.)
 * - A key prefix over its limit never refuses the right key: the prefix is shown in consoles
 *   and logs, so anyone could spray it, and a block would lock its tenant out. Only wrong keys
 *   with that prefix are refused. Guessing stays hopeless (256 random bits per key); what the
 *   prefix counter buys is that guessers spread over many addresses are told to stop too.
 * - A key that authenticates spends one call of its budget (429 once spent).
 *
 * Invariants: no answer tells a right key from a wrong one other than 401/200 for an address
 * under its limit; counters live in PostgreSQL, shared by every api process.
 */
export async function authenticateAtTheDoor(
  deps: { db: Db; rateLimits: RateLimits },
  request: { apiKey: string | undefined; clientAddress: string },
): Promise<Caller> {
  const { apiKey, clientAddress } = request;
  if (!apiKey) {
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: 'Missing API key: send Authorization: Bearer <api key>',
    });
  }
  const [blocked, auth] = await Promise.all([
    deps.rateLimits.addressRefusal(clientAddress),
    authenticateApiKey(deps.db, apiKey),
  ]);
  if (blocked) throw refused(blocked);
  if (!auth.ok) {
    const refusal = await deps.rateLimits.recordAuthFailure(clientAddress, keyPrefixOf(apiKey));
    if (refusal) throw refused(refusal);
    const message = {
      missing: 'Missing API key: send Authorization: Bearer <api key>',
      unknown: 'Invalid API key',
      revoked: 'This API key has been revoked',
    }[auth.reason];
    throw new TRPCError({ code: 'UNAUTHORIZED', message });
  }
  const spent = await deps.rateLimits.recordCall(auth.caller.apiKeyId);
  if (spent) throw refused(spent);
  return auth.caller;
}
