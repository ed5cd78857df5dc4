import { afterAll, describe, expect, it } from 'vitest';
import { SandboxPool } from '../src/sandbox';
import {
  DEFAULT_TRANSFORM_MAX_DEPTH,
  DEFAULT_TRANSFORM_MAX_OUTPUT_BYTES,
  DEFAULT_TRANSFORM_MAX_SEQUENCE,
  DEFAULT_TRANSFORM_TIMEOUT_MS,
} from '../src/transform';

// One thread: every evaluation queues behind the one running, so the order is the queue's.
const pool = new SandboxPool({ poolSize: 1 });
afterAll(() => pool.close());

const BUSY = '$sum([1..200000])';

function evaluate(expression: string, tenantId: string) {
  return pool.evaluate(
    {
      expression,
      data: {},
      timeoutMs: DEFAULT_TRANSFORM_TIMEOUT_MS,
      maxDepth: DEFAULT_TRANSFORM_MAX_DEPTH,
      maxSequence: DEFAULT_TRANSFORM_MAX_SEQUENCE,
      maxOutputBytes: DEFAULT_TRANSFORM_MAX_OUTPUT_BYTES,
    },
    tenantId,
  );
}

/** Finishing order of 30 queued evaluations of `noisy`, then one of `quiet`. */
async function finishingOrder(noisy: string, quiet: string): Promise<string[]> {
  const order: string[] = [];
  const noisyRuns = Array.from({ length: 30 }, (_, i) =>
    evaluate(BUSY, noisy).then((outcome) => {
      expect(outcome).toEqual({ ok: true, json: '20000100000' });
      order.push(`noisy-${i}`);
    }),
  );
  const quietRun = evaluate('"done"', quiet).then(() => order.push('quiet'));
  await Promise.all([...noisyRuns, quietRun]);
  return order;
}

describe('the transform sandbox queues fairly by tenant', () => {
  it("a tenant with 30 transforms queued delays another tenant's next one by one at most", async () => {
    const order = await finishingOrder('tenant-noisy', 'tenant-quiet');
    // noisy-0 was running and noisy-1 was next in line; then it is the quiet tenant's turn.
    expect(order.indexOf('quiet')).toBeLessThanOrEqual(2);
    expect(order).toHaveLength(31);
  }, 60_000);

  it('within one tenant, evaluations keep their order (the same key is one queue)', async () => {
    const order = await finishingOrder('same-tenant', 'same-tenant');
    expect(order.indexOf('quiet')).toBe(30);
  }, 60_000);
});
