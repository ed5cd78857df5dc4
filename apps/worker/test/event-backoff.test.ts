import { describe, expect, it } from 'vitest';
import { DEFAULT_EVENT_DELIVERY_POLICY, retryDelayMs } from '../src/activities/event-activities';

describe('webhook retry delays', () => {
  const policy = { ...DEFAULT_EVENT_DELIVERY_POLICY, initialRetryMs: 1_000, maxRetryMs: 8_000 };

  it('doubles from the initial wait, within ±10 %, up to the longest', () => {
    for (const [attempt, base] of [
      [1, 1_000],
      [2, 2_000],
      [3, 4_000],
      [4, 8_000],
      [9, 8_000],
    ] as const) {
      const delay = retryDelayMs(policy, attempt);
      expect(delay).toBeGreaterThanOrEqual(base * 0.9);
      expect(delay).toBeLessThanOrEqual(base * 1.1);
    }
  });

  it('waits at least as long as Retry-After asks, even beyond the longest wait', () => {
    expect(retryDelayMs(policy, 1, 30_000)).toBe(30_000);
    expect(retryDelayMs(policy, 4, 100)).toBeGreaterThanOrEqual(7_200);
  });
});
