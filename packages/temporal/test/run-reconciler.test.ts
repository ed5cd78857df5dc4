import { describe, expect, it } from 'vitest';
import { outcomeOfClosedRun } from '../src/run-reconciler';

describe('outcomeOfClosedRun', () => {
  it('records a cancellation as cancelled, with no error', () => {
    expect(outcomeOfClosedRun('CANCELLED')).toEqual({
      status: 'cancelled',
      stepStats: [],
      encryptedResult: null,
      error: null,
    });
  });

  it.each([
    ['TERMINATED', 'the run was terminated in Temporal'],
    ['TIMED_OUT', 'the run timed out in Temporal (its execution timeout passed)'],
    ['NOT_FOUND', 'the run was never started in Temporal'],
    ['COMPLETED', 'the run ended in Temporal (COMPLETED) without recording its outcome'],
    ['FAILED', 'the run ended in Temporal (FAILED) without recording its outcome'],
  ] as const)('records %s as failed, saying why', (status, error) => {
    expect(outcomeOfClosedRun(status)).toEqual({
      status: 'failed',
      stepStats: [],
      encryptedResult: null,
      error,
    });
  });
});
