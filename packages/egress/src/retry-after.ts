const DELAY_SECONDS = /^\d+(?:\.\d+)?$/;

/**
 * `Retry-After` (RFC 9110 §10.2.3) in milliseconds from `now`: delay-seconds or an HTTP date, a
 * date already past being 0; undefined when absent or unreadable. The one parser for every
 * outbound call that may be told to wait: steps, token endpoints, webhooks.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (DELAY_SECONDS.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
