import { afterAll, describe, expect, it } from 'vitest';
import {
  closeTransformSandbox,
  computeStepResult,
  jsonataCompileProblem,
  runTransform,
  TransformError,
} from '../src/index';

afterAll(() => closeTransformSandbox());

const customers = {
  data: [
    { id: 'cus_1', email: 'a@example.com', created: 1_700_000_000, balance: 5 },
    { id: 'cus_2', email: null, created: 1_700_100_000, balance: 7 },
    { id: 'cus_3', email: 'c@example.com', created: 1_700_200_000, balance: 11 },
  ],
  has_more: false,
};

async function failure(promise: Promise<unknown>): Promise<TransformError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransformError);
  return error as TransformError;
}

describe('runTransform', () => {
  it('evaluates JSONata on sample data', async () => {
    expect(await runTransform('data[email].{ "id": id, "email": email }', customers)).toEqual([
      { id: 'cus_1', email: 'a@example.com' },
      { id: 'cus_3', email: 'c@example.com' },
    ]);
    expect(await runTransform('$sum(data.balance)', customers)).toBe(23);
    expect(await runTransform('data[id = "cus_2"].id', customers)).toBe('cus_2');
    expect(await runTransform('nothing.here', customers)).toBeUndefined();
    // A one-element match stays an array when the data is an array.
    expect(await runTransform('items', { items: [1] })).toEqual([1]);
  });

  it('applies a step transform to { result, input, steps }', async () => {
    const result = await computeStepResult(
      { transform: 'result.data[created >= $$.input.since].id ~> $append(steps.first)' },
      customers,
      { input: { since: 1_700_100_000 }, steps: { first: ['cus_0'] } },
    );
    expect(result).toEqual(['cus_2', 'cus_3', 'cus_0']);
    expect(await computeStepResult({}, customers, { input: {}, steps: {} })).toBe(customers);
  });

  it('gives undefined, not null, for a transform that matches nothing, as the worker always has', async () => {
    // The worker's step results are this function's: a miss stays undefined (absent from
    // `steps`, so `$exists(steps.x)` is false), and only a run's recorded output becomes null.
    const missed = await computeStepResult({ transform: 'result.missing' }, customers, {
      input: {},
      steps: {},
    });
    expect(missed).toBeUndefined();
    expect(
      await computeStepResult({ transform: '$exists(steps.first)' }, customers, {
        input: {},
        steps: { first: missed },
      }),
    ).toBe(false);
    // A match that is null in the data is still null.
    expect(
      await computeStepResult(
        { transform: 'result.email' },
        { email: null },
        { input: {}, steps: {} },
      ),
    ).toBeNull();
  });

  it('stops runaway recursion within the limits with a clear error', async () => {
    const started = Date.now();
    const error = await failure(
      runTransform('( $f := function($n){ $f($n+1) }; $f(0) )', {}, { timeoutMs: 500 }),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(['TIMEOUT', 'D1011']).toContain(error.code);
    expect(error.message).toMatch(/timed out after 500 ms|exceeded 200 nested calls/);

    const deep = await failure(
      runTransform('( $f := function($n){ 1 + $f($n+1) }; $f(0) )', {}, { maxDepth: 50 }),
    );
    expect(deep.code).toBe('D1011');
    expect(deep.message).toContain('exceeded 50 nested calls');
  });

  it('kills an expression that loops without calling functions', async () => {
    // No function call, so JSONata's own guardrail never runs: only the thread kill stops it.
    const started = Date.now();
    const error = await failure(
      runTransform('[1..999999].([1..999999][0])', {}, { timeoutMs: 300 }),
    );
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toBe(
      'JSONata transform timed out after 300 ms (limit; check for an infinite loop)',
    );
    expect(Date.now() - started).toBeLessThan(3000);
    // The sandbox recovers: the next evaluation gets a fresh thread.
    expect(await runTransform('1 + 1', {})).toBe(2);
  });

  it('caps sequence sizes and reports evaluation errors with their code', async () => {
    const big = await failure(runTransform('$count([1..100000])', {}, { maxSequence: 1000 }));
    expect(big.code).toBe('D2015');
    const typeError = await failure(runTransform('"a" + 1', {}));
    expect(typeError.code).toBe('T2001');
    expect(typeError.message).toMatch(/^JSONata transform failed: T2001 .* at position 5/);
  });

  it('runs evaluations concurrently without mixing them up', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => runTransform('n * 2', { n: i })),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  });
});

describe('jsonataCompileProblem', () => {
  it('describes syntax errors and accepts valid expressions', () => {
    expect(jsonataCompileProblem('data.{ "id": id }')).toBeUndefined();
    expect(jsonataCompileProblem('data[')).toMatch(/at position \d+/);
    expect(jsonataCompileProblem(`${'('.repeat(20_000)}1${')'.repeat(20_000)}`)).toBeDefined();
  });
});
