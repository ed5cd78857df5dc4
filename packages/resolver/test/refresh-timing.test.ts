import { describe, expect, it } from 'vitest';
import { isRefreshDue, refreshDueAt, refreshLeadMs } from '../src/refresh-timing';

const at = (ms: number) => new Date(ms);
const MARGIN = 60_000;

describe('refresh timing from the token’s own lifetime', () => {
  it('an hour-long token is refreshed a margin before expiry', () => {
    const token = { token_obtained_at: at(0), expires_at: at(3_600_000) };
    expect(refreshLeadMs(token, MARGIN)).toBe(60_000);
    expect(refreshDueAt(token, MARGIN)).toBe(3_540_000);
    expect(isRefreshDue(token, MARGIN, 3_539_999)).toBe(false);
    expect(isRefreshDue(token, MARGIN, 3_540_000)).toBe(true);
  });

  it('a 5-second token is refreshed at half its life, not by every run that sees it', () => {
    const token = { token_obtained_at: at(0), expires_at: at(5_000) };
    expect(refreshLeadMs(token, MARGIN)).toBe(2_500);
    expect(isRefreshDue(token, MARGIN, 100)).toBe(false);
    expect(isRefreshDue(token, MARGIN, 2_499)).toBe(false);
    expect(isRefreshDue(token, MARGIN, 2_500)).toBe(true);
    expect(isRefreshDue(token, MARGIN, 9_000)).toBe(true);
  });

  it('a token without an expiry is never due; one of unknown age uses the margin', () => {
    expect(refreshDueAt({ token_obtained_at: at(0), expires_at: null }, MARGIN)).toBeNull();
    expect(isRefreshDue({ token_obtained_at: null, expires_at: null }, MARGIN, 1e12)).toBe(false);
    const unknownAge = { token_obtained_at: null, expires_at: at(100_000) };
    expect(refreshDueAt(unknownAge, MARGIN)).toBe(40_000);
    const backwards = { token_obtained_at: at(200_000), expires_at: at(100_000) };
    expect(refreshLeadMs(backwards, MARGIN)).toBe(MARGIN);
  });
});
