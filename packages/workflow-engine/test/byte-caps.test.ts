import { createTenantDatabase, type TenantDatabase } from '@latchkey/devstack/tenant-db';
import { allowEgress, createTestEgress } from '@latchkey/devstack/test-egress';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeTransformSandbox,
  DEFAULT_MAX_RESULT_BYTES,
  DEFAULT_TRANSFORM_MAX_OUTPUT_BYTES,
  executeSql,
  runTransform,
  StepError,
  TransformError,
} from '../src/index';

const MiB = 1024 * 1024;

async function rejection<T>(promise: Promise<unknown>, type: new (...args: never[]) => T) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as T;
}

describe('SQL results are capped in bytes, not only in rows', () => {
  let testDb: TenantDatabase;
  const egress = createTestEgress();
  const opts = { timeoutMs: 10_000, stepId: 'export', redact: (s: string) => s, egress };

  beforeAll(async () => {
    // The tenant's own database on a loopback port of its own (the run's server is the platform's).
    testDb = await createTenantDatabase();
    allowEgress(egress, testDb.tenantUrl);
  });
  afterAll(async () => {
    await testDb?.destroy();
    await egress.close();
  });

  it('50 rows of 1 MiB each: far under the row limit, refused at the byte limit', async () => {
    const error = await rejection(
      executeSql(
        testDb.tenantUrl,
        `SELECT repeat('x', ${MiB}) AS blob FROM generate_series(1, 50)`,
        [],
        {
          ...opts,
          maxBytes: 4 * MiB,
        },
      ),
      StepError,
    );
    expect(error).toMatchObject({ kind: 'fatal', code: 'TOO_LARGE', stepId: 'export' });
    expect(error.message).toBe(
      `step "export": query result is larger than ${4 * MiB} bytes as JSON (the limit); select fewer rows or columns`,
    );
  });

  it('the default limit applies without options, and results under it pass', async () => {
    const error = await rejection(
      executeSql(
        testDb.tenantUrl,
        `SELECT repeat('x', ${MiB}) AS blob FROM generate_series(1, 12)`,
        [],
        opts,
      ),
      StepError,
    );
    expect(error.message).toContain(`larger than ${DEFAULT_MAX_RESULT_BYTES} bytes`);
    const fits = await executeSql(
      testDb.tenantUrl,
      `SELECT repeat('x', ${MiB}) AS blob FROM generate_series(1, 3)`,
      [],
      { ...opts, maxBytes: 4 * MiB },
    );
    expect(fits.rows).toHaveLength(3);
  });

  it('counts bytes, not characters: multi-byte text reaches the limit sooner', async () => {
    // 400 000 three-byte characters are 1.2 MB as JSON, though only 400 000 characters long.
    const error = await rejection(
      executeSql(testDb.tenantUrl, `SELECT repeat('€', 400000) AS euros`, [], {
        ...opts,
        maxBytes: 1_000_000,
      }),
      StepError,
    );
    expect(error.code).toBe('TOO_LARGE');
  });
});

describe('transform outputs are capped in bytes', () => {
  afterAll(() => closeTransformSandbox());

  it('an output over the limit fails with TOO_LARGE naming the limit', async () => {
    const error = await rejection(
      runTransform('$pad("", 2000000, "x")', {}, { maxOutputBytes: MiB }),
      TransformError,
    );
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toBe(
      `JSONata transform output is larger than ${MiB} bytes as JSON (the limit); select less`,
    );
    expect(await runTransform('$pad("", 1000, "x")', {}, { maxOutputBytes: MiB })).toHaveLength(
      1000,
    );
  });

  it('the default limit applies without options', async () => {
    // Eleven copies of a 1 MiB string: a small input, an output over the 10 MiB default.
    const data = { s: 'x'.repeat(MiB) };
    const error = await rejection(runTransform('[1..11].($$.s)', data), TransformError);
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toContain(`${DEFAULT_TRANSFORM_MAX_OUTPUT_BYTES} bytes`);
  });
});
