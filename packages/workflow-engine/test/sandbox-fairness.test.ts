import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTransformSandbox, configureTransformSandbox, runTransform } from '../src/index';

// One thread: every evaluation queues behind the one running, so the order is the queue's.
beforeAll(() => configureTransformSandbox({ poolSize: 1 }));
afterAll(() => closeTransformSandbox());

const BUSY = '$sum([1..200000])';

/** Finishing order of 30 queued evaluations of `noisy`, then one of `quiet`. */
async function finishingOrder(noisy: string, quiet: string): Promise<string[]> {
  const order: string[] = [];
  const noisyRuns = Array.from({ length: 30 }, (_, i) =>
    runTransform(BUSY, {}, { tenantId: noisy }).then(() => order.push(`noisy-${i}`)),
  );
  const quietRun = runTransform('"done"', {}, { tenantId: quiet }).then(() => order.push('quiet'));
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
