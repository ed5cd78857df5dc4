import { createRedactor } from '@latchkey/credential-mapper';
import { createTenantDatabase, type TenantDatabase } from '@latchkey/devstack/tenant-db';
import { testServices } from '@latchkey/devstack/test-db';
import { allowEgress, createTestEgress } from '@latchkey/devstack/test-egress';
import type { EgressPolicy } from '@latchkey/egress';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeSql, resolveSqlParams, StepError } from '../src/index';

let testDb: TenantDatabase;
let url: string;
let password: string;
const egress = createTestEgress();
let opts: {
  timeoutMs: number;
  stepId: string;
  redact: (s: string) => string;
  egress: EgressPolicy;
};

beforeAll(async () => {
  // A tenant's database on a loopback port of its own; the test run's server is the platform's.
  testDb = await createTenantDatabase();
  allowEgress(egress, testDb.tenantUrl);
  const parsed = new URL(testDb.tenantUrl);
  // Trust-auth servers ignore the password; give the URL one so redaction is really tested.
  if (!parsed.password) parsed.password = 'unused-pw-4821';
  url = parsed.toString();
  password = decodeURIComponent(parsed.password);
  opts = {
    timeoutMs: 5000,
    stepId: 'orders',
    redact: createRedactor([password]).redactString,
    egress,
  };
  await executeSql(
    url,
    `CREATE TABLE customers (
       id serial PRIMARY KEY, name text NOT NULL, email text,
       created_at timestamptz NOT NULL DEFAULT '2024-05-01T10:00:00Z', born date,
       balance bigint, tags text[], meta jsonb)`,
    [],
    opts,
  );
});

afterAll(async () => {
  await testDb?.destroy();
  await egress.close();
});

async function stepError(promise: Promise<unknown>): Promise<StepError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StepError);
  return error as StepError;
}

describe('executeSql', () => {
  it('inserts and queries with $n parameters and returns JSON rows', async () => {
    const inserted = await executeSql(
      url,
      'INSERT INTO customers (name, email, born, balance, tags, meta) VALUES ($1, $2, $3, $4, $5, $6), ($7, NULL, NULL, NULL, NULL, NULL)',
      [
        'Ada',
        'ada@example.com',
        '1815-12-10',
        '9007199254740993',
        ['a', 'b'],
        { vip: true },
        'Bob',
      ],
      opts,
    );
    expect(inserted.rowCount).toBe(2);
    expect(inserted.rows).toEqual([]);

    const result = await executeSql(
      url,
      'SELECT name, email, created_at, born, balance, tags, meta FROM customers WHERE name = $1',
      ['Ada'],
      opts,
    );
    expect(result.rowCount).toBe(1);
    expect(result.rows).toEqual([
      {
        name: 'Ada',
        email: 'ada@example.com',
        created_at: '2024-05-01T10:00:00.000Z',
        born: '1815-12-10',
        balance: '9007199254740993',
        tags: ['a', 'b'],
        meta: { vip: true },
      },
    ]);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('treats an injection-looking parameter as data', async () => {
    const evil = "x'; DROP TABLE customers; --";
    await executeSql(url, 'INSERT INTO customers (name) VALUES ($1)', [evil], opts);
    const found = await executeSql(url, 'SELECT name FROM customers WHERE name = $1', [evil], opts);
    expect(found.rows).toEqual([{ name: evil }]);
    const count = await executeSql(url, 'SELECT count(*)::int AS n FROM customers', [], opts);
    expect(count.rows).toEqual([{ n: 3 }]);
  });

  it('fills params from run variables, keeping their types', async () => {
    const params = resolveSqlParams(['<<input.names>>', 'prefix-<<input.n>>'], {
      input: { names: ['Ada', 'Bob'], n: 2 },
    });
    expect(params).toEqual([['Ada', 'Bob'], 'prefix-2']);
    const result = await executeSql(
      url,
      'SELECT name, $2::text AS label FROM customers WHERE name = ANY($1) ORDER BY name',
      params,
      opts,
    );
    expect(result.rows).toEqual([
      { name: 'Ada', label: 'prefix-2' },
      { name: 'Bob', label: 'prefix-2' },
    ]);
  });

  it('allows one statement only, even without params', async () => {
    const error = await stepError(executeSql(url, 'SELECT 1; DROP TABLE customers', [], opts));
    expect(error.kind).toBe('fatal');
    expect(
      (await executeSql(url, 'SELECT count(*)::int AS n FROM customers', [], opts)).rows,
    ).toEqual([{ n: 3 }]);
  });

  it('reports a syntax error as fatal, naming the step, without the password', async () => {
    const error = await stepError(executeSql(url, 'SELEC name FROM customers', [], opts));
    expect(error).toMatchObject({ kind: 'fatal', code: '42601', stepId: 'orders' });
    expect(error.message).toMatch(
      /^step "orders": query failed at character 1: syntax error at or near "SELEC" \(SQLSTATE 42601\)$/,
    );
    expect(error.message).not.toContain(password);
  });

  it('redacts the password even when the database echoes it', async () => {
    const error = await stepError(
      executeSql(url, `SELECT * FROM "${password}"`, [], { ...opts, redact: (s) => s }),
    );
    expect(error).toMatchObject({ kind: 'fatal', code: '42P01' });
    expect(error.message).toContain('relation "[REDACTED]" does not exist');
    expect(error.message).not.toContain(password);
  });

  it('refuses the platform database itself, even where the tenant database lives beside it', async () => {
    const platform = new URL(testServices().pgAdminUrl);
    const direct = new URL(url);
    direct.host = platform.host;
    const error = await stepError(
      executeSql(direct.toString(), 'SELECT name FROM tenants', [], opts),
    );
    expect(error).toMatchObject({ kind: 'fatal', code: 'EGRESS_REFUSED' });
    expect(error.message).toBe(
      `step "orders": egress to ${platform.host} (127.0.0.1) refused: the platform's PostgreSQL (DATABASE_URL); the platform's own services are never reachable from steps`.replace(
        ' (127.0.0.1)',
        platform.hostname === '127.0.0.1' ? '' : ' (127.0.0.1)',
      ),
    );
    expect(error.message).not.toContain(password);
  });

  it('refuses a database on an address nobody allowed, before connecting', async () => {
    const other = new URL(url);
    other.port = '1';
    other.hostname = '10.0.0.1';
    const error = await stepError(executeSql(other.toString(), 'SELECT 1', [], opts));
    expect(error).toMatchObject({ kind: 'fatal', code: 'EGRESS_REFUSED' });
    expect(error.message).toBe(
      'step "orders": egress to 10.0.0.1:1 refused: private address; an operator can allow it with LATCHKEY_EGRESS_ALLOW',
    );
  });

  it('refuses a Unix socket given as a host parameter', async () => {
    const viaSocket = `${url}${url.includes('?') ? '&' : '?'}host=/var/run/postgresql`;
    const error = await stepError(executeSql(viaSocket, 'SELECT 1', [], opts));
    expect(error).toMatchObject({ kind: 'fatal', code: 'EGRESS_REFUSED' });
  });

  it('reports a wrong port as retryable, without the password', async () => {
    const wrong = new URL(url);
    wrong.port = '1';
    egress.allow('127.0.0.1:1');
    const error = await stepError(executeSql(wrong.toString(), 'SELECT 1', [], opts));
    expect(error.kind).toBe('retryable');
    expect(error.message).toMatch(
      /^step "orders": could not connect to the database at 127\.0\.0\.1:1: .*ECONNREFUSED/,
    );
    expect(error.message).not.toContain(password);
  });

  it('times out a slow statement as retryable', async () => {
    const error = await stepError(
      executeSql(url, 'SELECT pg_sleep(3)', [], { ...opts, timeoutMs: 300 }),
    );
    expect(error).toMatchObject({ kind: 'retryable', code: '57014' });
  });

  it('refuses more rows than maxRows', async () => {
    const error = await stepError(
      executeSql(url, 'SELECT g FROM generate_series(1, 100000) g', [], { ...opts, maxRows: 10 }),
    );
    expect(error).toMatchObject({ kind: 'fatal', code: 'TOO_MANY_ROWS' });
    expect(error.message).toBe(
      'step "orders": query returned more than 10 rows (the limit); add a LIMIT',
    );
  });

  it('supports postgres URLs only', async () => {
    const error = await stepError(
      executeSql('mysql://root:hunter22@db:3306/shop', 'SELECT 1', [], opts),
    );
    expect(error.kind).toBe('fatal');
    expect(error.message).toBe(
      'step "orders": mysql databases are not supported yet (only postgres:// and postgresql://)',
    );
  });
});
