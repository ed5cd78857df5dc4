import { type Db, RATE_LIMITS_TABLE, rateLimitStore } from '@latchkey/db';
import { BurstyRateLimiter, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { DoorLimits } from './config';

/** A refusal: which limit, and how long until the caller may try again. */
export interface Refusal {
  /** The limit, with its value and the setting that changes it. */
  limit: string;
  retryAfterMs: number;
}

export interface RateLimits {
  /** How long a client address must still wait after too many failed authentications. */
  addressRefusal(address: string): Promise<Refusal | undefined>;
  /**
   * Counts a failed authentication against the address and the key prefix it named; the
   * refusal comes from the same atomic increment, so parallel failures cannot all slip under.
   */
  recordAuthFailure(address: string, keyPrefix: string | undefined): Promise<Refusal | undefined>;
  /**
   * For doors that cannot see whether a key is right before they answer (the codec endpoint):
   * counts an attempt against the address up front, refusing it over the limit...
   */
  takeAuthAttempt(address: string): Promise<Refusal | undefined>;
  /** ...and gives it back once the key turned out right; a wrong key's prefix is counted. */
  settleAuthAttempt(
    address: string,
    outcome: { keyPrefix?: string; failed: boolean },
  ): Promise<void>;
  /** Counts one call of an authenticated API key. */
  recordCall(apiKeyId: string): Promise<Refusal | undefined>;
}

/** rate-limiter-flexible rejects with a RateLimiterRes when over a limit, an Error otherwise. */
async function refusalOf(limit: string, attempt: Promise<unknown>): Promise<Refusal | undefined> {
  try {
    await attempt;
    return undefined;
  } catch (outcome) {
    if (outcome instanceof RateLimiterRes) return { limit, retryAfterMs: outcome.msBeforeNext };
    throw outcome;
  }
}

/**
 * The api's rate limits, counted by rate-limiter-flexible in PostgreSQL (`rate_limits`), so
 * every api process shares them and a restart forgets nothing. Failed authentications are
 * fixed windows that block for the window once exceeded; calls per key are a token-bucket
 * approximation (the library's BurstyRateLimiter): a sustained rate per second, and a burst
 * budget per 10 seconds drawn on once the second's budget is spent.
 */
export function createRateLimits(db: Db, limits: DoorLimits): RateLimits {
  const store = rateLimitStore(db);
  const base = {
    storeClient: store,
    storeType: 'pool',
    tableName: RATE_LIMITS_TABLE,
    tableCreated: true,
  };
  const window = limits.authFailureWindowSeconds;
  const ADDRESS_LIMIT = `${limits.authFailuresPerAddress} failed authentications per client address per ${window} s (LATCHKEY_RATE_AUTH_FAILURES_PER_ADDRESS)`;
  const PREFIX_LIMIT = `${limits.authFailuresPerKeyPrefix} failed authentications per API key prefix per ${window} s (LATCHKEY_RATE_AUTH_FAILURES_PER_KEY_PREFIX)`;
  const CALLS_LIMIT = `${limits.keyCallsPerSecond} calls per second per API key, bursts of ${limits.keyCallsBurst} more per 10 s (LATCHKEY_RATE_KEY_CALLS_PER_SECOND, LATCHKEY_RATE_KEY_CALLS_BURST)`;
  const byAddress = new RateLimiterPostgres({
    ...base,
    keyPrefix: 'auth_fail_addr',
    points: limits.authFailuresPerAddress,
    duration: window,
    blockDuration: window,
    // One limiter sweeps expired rows (of every prefix) every few minutes.
    clearExpiredByTimeout: true,
  });
  const byPrefix = new RateLimiterPostgres({
    ...base,
    keyPrefix: 'auth_fail_prefix',
    points: limits.authFailuresPerKeyPrefix,
    duration: window,
    blockDuration: window,
    clearExpiredByTimeout: false,
  });
  const calls = new BurstyRateLimiter(
    new RateLimiterPostgres({
      ...base,
      keyPrefix: 'key_calls',
      points: limits.keyCallsPerSecond,
      duration: 1,
      clearExpiredByTimeout: false,
    }),
    new RateLimiterPostgres({
      ...base,
      keyPrefix: 'key_calls_burst',
      points: limits.keyCallsBurst,
      duration: 10,
      clearExpiredByTimeout: false,
    }),
  );

  return {
    async addressRefusal(address) {
      const state = await byAddress.get(address);
      if (!state || state.consumedPoints <= limits.authFailuresPerAddress) return undefined;
      return { limit: ADDRESS_LIMIT, retryAfterMs: state.msBeforeNext };
    },
    async recordAuthFailure(address, keyPrefix) {
      const [address_, prefix] = await Promise.all([
        refusalOf(ADDRESS_LIMIT, byAddress.consume(address)),
        keyPrefix ? refusalOf(PREFIX_LIMIT, byPrefix.consume(keyPrefix)) : undefined,
      ]);
      return address_ ?? prefix;
    },
    takeAuthAttempt(address) {
      return refusalOf(ADDRESS_LIMIT, byAddress.consume(address));
    },
    async settleAuthAttempt(address, { keyPrefix, failed }) {
      if (!failed) await byAddress.reward(address);
      else if (keyPrefix) await refusalOf(PREFIX_LIMIT, byPrefix.consume(keyPrefix));
    },
    recordCall(apiKeyId) {
      return refusalOf(CALLS_LIMIT, calls.consume(apiKeyId));
    },
  };
}
