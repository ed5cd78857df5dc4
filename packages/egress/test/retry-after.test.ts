import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../src/index';

describe('parseRetryAfter: the one Retry-After parser (steps, token endpoints, webhooks)', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads delay-seconds, whole or not, trimmed', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
  });

  it('reads an HTTP date as the time until it, 0 once it is past', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
  });

  it('says nothing for an absent or unreadable header', () => {
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
