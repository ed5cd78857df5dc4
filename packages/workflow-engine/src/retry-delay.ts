import { parseRetryAfter } from '@latchkey/egress';
/**
 * How long to wait before retrying a refused request, from the response's headers and the
 * provider's rate-limit rules (the catalogue template's `rateLimit`). Pure: no clock but `now`.
 */

/** How a reset header counts (the catalogue's `RateLimitResetFormat`). */
export type ResetFormat = 'epoch_seconds' | 'epoch_ms' | 'delta_seconds' | 'http_date';

/** Which headers say when to retry; structurally the catalogue template's `rateLimit`. */
export interface RetryDelayRules {
  /** Headers holding delta-seconds or an HTTP date, checked in order before `Retry-After`. */
  retryAfter?: readonly string[];
  /** Headers holding when the window resets, and how each counts. */
  reset?: readonly { header: string; format: ResetFormat }[];
  /** The header holding the requests left in the window. */
  remaining?: string;
}

export interface RetryDelayInput {
  status: number;
  /** A fetch `Headers`, or a plain record (names in any case). */
  headers: Headers | Readonly<Record<string, string>>;
  rules?: RetryDelayRules;
  /** Milliseconds since the epoch; defaults to `Date.now()`. */
  now?: number;
  /** The longest delay returned; defaults to `MAX_RETRY_DELAY_MS`. */
  maxMs?: number;
}

/** A provider's hour-long reset window is not worth holding a run step for. */
export const MAX_RETRY_DELAY_MS = 60_000;

const NUMBER = /^\d+(?:\.\d+)?$/;

function headerValue(headers: RetryDelayInput['headers'], name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') {
    return (headers as Headers).get(name)?.trim() || undefined;
  }
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value.trim() || undefined;
  }
  return undefined;
}

/** A date header (an HTTP date, or an ISO 8601 timestamp) as milliseconds from now. */
function untilDate(text: string, now: number): number | undefined {
  // A bare number is not a date (Date.parse reads '1700000000' as a year in some engines).
  if (NUMBER.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : date - now;
}

/** A reset header as milliseconds from now, counted as the provider documents it. */
export function parseReset(text: string, format: ResetFormat, now: number): number | undefined {
  if (format === 'http_date') return untilDate(text, now);
  if (!NUMBER.test(text)) return undefined;
  const value = Number(text);
  switch (format) {
    case 'epoch_seconds':
      return value * 1000 - now;
    case 'epoch_ms':
      return value - now;
    case 'delta_seconds':
      return value * 1000;
  }
}

/**
 * The delay before retrying, in milliseconds, or undefined when no header says.
 *
 * `Retry-After`-style headers come first (the rules' own, then the standard one), whatever the
 * status. The rules' reset headers count for a 429, or for any refusal whose remaining-requests
 * header reads 0 (the provider says the window is spent). A reset already past gives 0; every
 * delay is capped at `maxMs`, so a hostile or confused provider cannot park a run for a day.
 */
export function retryDelayFromHeaders(input: RetryDelayInput): number | undefined {
  const now = input.now ?? Date.now();
  const max = input.maxMs ?? MAX_RETRY_DELAY_MS;
  const rules = input.rules ?? {};
  const bound = (ms: number) => Math.min(Math.max(Math.round(ms), 0), max);

  const retryAfterNames = [...(rules.retryAfter ?? []), 'Retry-After'];
  for (const name of retryAfterNames) {
    const text = headerValue(input.headers, name);
    const ms = text === undefined ? undefined : parseRetryAfter(text, now);
    if (ms !== undefined) return bound(ms);
  }

  const remaining = rules.remaining ? headerValue(input.headers, rules.remaining) : undefined;
  const spent = remaining !== undefined && NUMBER.test(remaining) && Number(remaining) === 0;
  if (input.status !== 429 && !spent) return undefined;
  for (const { header, format } of rules.reset ?? []) {
    const text = headerValue(input.headers, header);
    const ms = text === undefined ? undefined : parseReset(text, format, now);
    if (ms !== undefined) return bound(ms);
  }
  return undefined;
}
