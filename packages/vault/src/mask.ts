/**
 * A hint that tells credentials apart without revealing them, for API reads ("which
 * credential names exist and a masked hint"). It keeps at most:
 * - a type marker such as `sk_live_`, `ghp_`, `xoxb-` (letters and a separator: not secret),
 *   or, when there is none and the value is at least 24 characters, its first 4 characters;
 * - the last 4 characters, for values of 12 characters or more.
 * Shorter values show only `••••` and their length.
 */
const MARKER = /^(?:[A-Za-z]{2,6}[_-]){1,2}/;
const SHORT = 12;
const KEEP = 4;

export function maskSecret(value: string): string {
  const chars = Array.from(value);
  if (chars.length < SHORT) return `•••• (${chars.length} chars)`;
  const marker = MARKER.exec(value)?.[0];
  let prefix = '';
  if (marker && marker.length <= 10 && chars.length - marker.length >= SHORT) prefix = marker;
  else if (!marker && chars.length >= 24) prefix = chars.slice(0, KEEP).join('');
  return `${prefix}…${chars.slice(-KEEP).join('')}`;
}
