import { describe, expect, it } from 'vitest';
import {
  MAX_RETRY_DELAY_MS,
  parseReset,
  type RetryDelayRules,
  retryDelayFromHeaders,
} from '../src/index';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const delay = (
  headers: Record<string, string>,
  rules?: RetryDelayRules,
  status = 429,
  maxMs?: number,
) => retryDelayFromHeaders({ status, headers, rules, now: NOW, maxMs });

const GITHUB: RetryDelayRules = {
  retryAfter: ['Retry-After'],
  reset: [{ header: 'X-RateLimit-Reset', format: 'epoch_seconds' }],
  remaining: 'X-RateLimit-Remaining',
};

describe('retryDelayFromHeaders', () => {
  it('reads Retry-After as delay-seconds, with or without rules', () => {
    expect(delay({ 'Retry-After': '7' })).toBe(7000);
    expect(delay({ 'retry-after': '1.5' }, GITHUB)).toBe(1500);
    expect(delay({ 'Retry-After': '0' })).toBe(0);
  });

  it('reads Retry-After as an HTTP date', () => {
    expect(delay({ 'Retry-After': 'Sun, 06 Dec 2026 12:00:30 GMT' })).toBe(30_000);
    // A date already past means retry now.
    expect(delay({ 'Retry-After': 'Sun, 06 Dec 2026 11:00:00 GMT' })).toBe(0);
  });

  it('reads X-RateLimit-Reset as epoch seconds when the rules say so', () => {
    const reset = String(NOW / 1000 + 12);
    expect(delay({ 'x-ratelimit-reset': reset }, GITHUB)).toBe(12_000);
    // Without rules a reset header means nothing: its format is the provider's choice.
    expect(delay({ 'x-ratelimit-reset': reset })).toBeUndefined();
  });

  it('reads a reset in epoch milliseconds (Linear)', () => {
    const rules: RetryDelayRules = {
      reset: [{ header: 'X-RateLimit-Requests-Reset', format: 'epoch_ms' }],
    };
    expect(delay({ 'X-RateLimit-Requests-Reset': String(NOW + 2500) }, rules)).toBe(2500);
  });

  it('reads a reset in seconds from now (Pipedrive, Contentful, Fitbit)', () => {
    const rules: RetryDelayRules = {
      reset: [{ header: 'X-Contentful-RateLimit-Reset', format: 'delta_seconds' }],
    };
    expect(delay({ 'X-Contentful-RateLimit-Reset': '4' }, rules)).toBe(4000);
  });

  it('reads RateLimit-Reset as an HTTP date (GoCardless) or an ISO timestamp (Mastodon)', () => {
    const rules: RetryDelayRules = { reset: [{ header: 'RateLimit-Reset', format: 'http_date' }] };
    expect(delay({ 'RateLimit-Reset': 'Sun, 06 Dec 2026 12:00:10 GMT' }, rules)).toBe(10_000);
    expect(delay({ 'RateLimit-Reset': '2026-12-06T12:00:20.000Z' }, rules)).toBe(20_000);
    // A bare number is not a date.
    expect(delay({ 'RateLimit-Reset': '1700000000' }, rules)).toBeUndefined();
  });

  it("checks the provider's own retry header before Retry-After (Help Scout)", () => {
    const rules: RetryDelayRules = { retryAfter: ['X-RateLimit-Retry-After'] };
    expect(delay({ 'X-RateLimit-Retry-After': '3', 'Retry-After': '9' }, rules)).toBe(3000);
    expect(delay({ 'Retry-After': '9' }, rules)).toBe(9000);
  });

  it('prefers Retry-After to a reset header, and skips unparseable values', () => {
    const reset = String(NOW / 1000 + 40);
    expect(delay({ 'Retry-After': '5', 'X-RateLimit-Reset': reset }, GITHUB)).toBe(5000);
    expect(delay({ 'Retry-After': 'soon', 'X-RateLimit-Reset': reset }, GITHUB)).toBe(40_000);
    expect(delay({ 'X-RateLimit-Reset': 'tomorrow' }, GITHUB)).toBeUndefined();
  });

  it('uses reset headers on a 503 only when the remaining quota reads 0', () => {
    const reset = String(NOW / 1000 + 8);
    expect(delay({ 'X-RateLimit-Reset': reset }, GITHUB, 503)).toBeUndefined();
    expect(delay({ 'X-RateLimit-Reset': reset, 'X-RateLimit-Remaining': '3' }, GITHUB, 503)).toBe(
      undefined,
    );
    expect(delay({ 'X-RateLimit-Reset': reset, 'X-RateLimit-Remaining': '0' }, GITHUB, 503)).toBe(
      8000,
    );
    // Retry-After counts whatever the status.
    expect(delay({ 'Retry-After': '2' }, GITHUB, 503)).toBe(2000);
  });

  it('caps every delay, and a reset already past gives 0', () => {
    expect(delay({ 'Retry-After': '86400' })).toBe(MAX_RETRY_DELAY_MS);
    expect(delay({ 'Retry-After': '86400' }, undefined, 429, 5000)).toBe(5000);
    const hourAway = String(NOW / 1000 + 3600);
    expect(delay({ 'X-RateLimit-Reset': hourAway }, GITHUB)).toBe(MAX_RETRY_DELAY_MS);
    expect(delay({ 'X-RateLimit-Reset': String(NOW / 1000 - 60) }, GITHUB)).toBe(0);
  });

  it('takes a fetch Headers object as well as a record', () => {
    const headers = new Headers({ 'X-RateLimit-Reset': String(NOW / 1000 + 6) });
    expect(retryDelayFromHeaders({ status: 429, headers, rules: GITHUB, now: NOW })).toBe(6000);
  });
});

describe('parseReset', () => {
  it('counts each format from now', () => {
    expect(parseReset('1800000000', 'epoch_seconds', 1_799_999_990_000)).toBe(10_000);
    expect(parseReset('1800000000500', 'epoch_ms', 1_800_000_000_000)).toBe(500);
    expect(parseReset('2.5', 'delta_seconds', NOW)).toBe(2500);
    expect(parseReset('-1', 'delta_seconds', NOW)).toBeUndefined();
  });
});
