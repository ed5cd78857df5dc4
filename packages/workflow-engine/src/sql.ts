import { createRedactor } from '@latchkey/credential-mapper';
import { type EgressPolicy, findEgressRefusal } from '@latchkey/egress';
import pg from 'pg';
import { StepError, stepPrefix } from './errors';

/**
 * Invariants:
 * - values only ever reach PostgreSQL as bind parameters (extended protocol, one statement);
 * - every message is redacted with the caller's redactor and, in addition, with the connection
 *   string's own password, and never quotes the connection string;
 * - rows come back as JSON data (see `toJsonData`), at most `maxRows` of them and at most
 *   `maxBytes` of them as JSON: the query stops at the row that crosses either limit.
 * - the connection is made by `egress` (host resolved once, checked, then dialled; Unix sockets
 *   refused): a refusal is fatal and names host, port and reason.
 */
export interface SqlExecuteOptions {
  /** Applies to connecting and, as `statement_timeout`, to the statement. */
  timeoutMs: number;
  redact: (text: string) => string;
  stepId: string;
  /** Default 10 000; more rows is a fatal error (add a LIMIT). */
  maxRows?: number;
  /** Default 10 MiB of rows as JSON (LATCHKEY_SQL_MAX_RESULT_BYTES in the worker); more is fatal. */
  maxBytes?: number;
  /** The caller's cancellation; when it fires, its `reason` is thrown as is. */
  signal?: AbortSignal;
  /** The tenant egress policy: required, so no step can reach a database around it. */
  egress: EgressPolicy;
}

export interface SqlResult {
  rows: unknown[];
  /** Rows returned, or rows affected for INSERT / UPDATE / DELETE. */
  rowCount: number;
  durationMs: number;
}

export const DEFAULT_MAX_ROWS = 10_000;
export const DEFAULT_MAX_RESULT_BYTES = 10 * 1024 * 1024;

const RETRYABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '57014', // query_canceled (statement_timeout)
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
]);
// 08 connection exception, 53 insufficient resources (too many connections), 58 system error
const RETRYABLE_CLASSES = new Set(['08', '53', '58']);
const RETRYABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const RETRYABLE_MESSAGES =
  /timeout expired|connection terminated|query read timeout|connection timeout/i;

interface PgLikeError {
  code?: unknown;
  message?: unknown;
  hint?: unknown;
  position?: unknown;
  severity?: unknown;
}

const isSqlState = (e: PgLikeError): e is PgLikeError & { code: string } =>
  typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string';

export function classifySqlError(error: unknown): StepError['kind'] {
  const e = (error ?? {}) as PgLikeError;
  if (isSqlState(e)) {
    return RETRYABLE_SQLSTATES.has(e.code) || RETRYABLE_CLASSES.has(e.code.slice(0, 2))
      ? 'retryable'
      : 'fatal';
  }
  if (typeof e.code === 'string' && RETRYABLE_NODE_CODES.has(e.code)) return 'retryable';
  if (typeof e.message === 'string' && RETRYABLE_MESSAGES.test(e.message)) return 'retryable';
  return 'fatal';
}

/** Dates and timestamps keep their calendar value; bytea stays Postgres' `\x…` text. */
const TEXT_TYPES: Record<number, (text: string) => unknown> = {
  1082: (text) => text, // date
  1114: (text) => text.replace(' ', 'T'), // timestamp without time zone: ISO local time
  1184: (text) => {
    // timestamptz: the instant in UTC ISO form; infinity stays text
    const parsed = pg.types.getTypeParser(1184, 'text')(text) as unknown;
    return parsed instanceof Date && !Number.isNaN(parsed.getTime()) ? parsed.toISOString() : text;
  },
  17: (text) => text, // bytea
};

const typeParsers = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    TEXT_TYPES[oid] ?? pg.types.getTypeParser(oid, format ?? 'text'),
};

/** What pg still returns that is not JSON (arrays of dates, buffers, bigints) made JSON. */
export function toJsonData(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (Array.isArray(value)) return value.map(toJsonData);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(out, key, {
        value: toJsonData(item),
        enumerable: true,
        writable: true,
      });
    }
    return out;
  }
  return value;
}

function parseConnection(connectionString: string, fail: (text: string) => StepError): URL {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(connectionString)?.[1]?.toLowerCase();
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    throw fail(
      scheme
        ? `${scheme} databases are not supported yet (only postgres:// and postgresql://)`
        : 'the connection string is not a postgres:// or postgresql:// URL',
    );
  }
  try {
    return new URL(connectionString);
  } catch {
    throw fail('the connection string is not a valid URL'); // never quote it: it holds the password
  }
}

export async function executeSql(
  connectionString: string,
  sql: string,
  params: unknown[],
  opts: SqlExecuteOptions,
): Promise<SqlResult> {
  const started = performance.now();
  const maxRows = opts.maxRows ?? DEFAULT_MAX_ROWS;
  const ownSecrets = [connectionString];
  const rawPassword = /^[^:]+:\/\/[^:@/]*:([^@/]*)@/.exec(connectionString)?.[1];
  if (rawPassword) {
    ownSecrets.push(rawPassword);
    try {
      ownSecrets.push(decodeURIComponent(rawPassword));
    } catch {
      // not percent-encoded: the raw form is already covered
    }
  }
  const own = createRedactor(ownSecrets);
  const redact = (text: string) => own.redactString(opts.redact(text));
  const prefix = stepPrefix(opts.stepId);
  const fatal = (text: string) =>
    new StepError('fatal', opts.stepId, redact(`${prefix}${text}`), { code: 'CONNECTION_STRING' });

  const url = parseConnection(connectionString, fatal);
  const where = `${url.hostname}${url.port ? `:${url.port}` : ''}`;
  if (opts.signal?.aborted) throw opts.signal.reason;

  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: opts.timeoutMs,
    types: typeParsers,
    stream: opts.egress.pgStream,
    // No query_timeout: pg then swallows a submittable query's 'error' event. runQuery has its
    // own backstop timer instead.
  });
  client.on('error', () => {}); // a dropped connection surfaces through the pending call
  const onAbort = () => {
    client.end().catch(() => {});
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const toStepError = (error: unknown, phase: 'connect' | 'query'): unknown => {
    if (opts.signal?.aborted) return opts.signal.reason;
    const refusal = findEgressRefusal(error);
    if (refusal) {
      return new StepError('fatal', opts.stepId, redact(`${prefix}${refusal.message}`), {
        code: refusal.code,
      });
    }
    const e = (error ?? {}) as PgLikeError;
    const kind = classifySqlError(error);
    const message = typeof e.message === 'string' ? e.message : String(error);
    if (phase === 'connect' && !isSqlState(e)) {
      return new StepError(
        kind,
        opts.stepId,
        redact(`${prefix}could not connect to the database at ${where}: ${message}`),
        { ...(typeof e.code === 'string' ? { code: e.code } : {}) },
      );
    }
    const state = isSqlState(e) ? ` (SQLSTATE ${e.code})` : '';
    const at = typeof e.position === 'string' && e.position ? ` at character ${e.position}` : '';
    const hint = typeof e.hint === 'string' && e.hint ? `; hint: ${e.hint}` : '';
    return new StepError(
      kind,
      opts.stepId,
      redact(`${prefix}query failed${at}: ${message}${state}${hint}`),
      { ...(typeof e.code === 'string' ? { code: e.code } : {}) },
    );
  };

  try {
    try {
      await client.connect();
    } catch (error) {
      throw toStepError(error, 'connect');
    }
    try {
      await client.query(`SET statement_timeout = ${Math.max(1, Math.floor(opts.timeoutMs))}`);
      const maxBytes = opts.maxBytes ?? DEFAULT_MAX_RESULT_BYTES;
      return await runQuery(client, sql, params, {
        maxRows,
        maxBytes,
        started,
        backstopMs: opts.timeoutMs + 1000,
        tooMany: () =>
          new StepError(
            'fatal',
            opts.stepId,
            redact(`${prefix}query returned more than ${maxRows} rows (the limit); add a LIMIT`),
            { code: 'TOO_MANY_ROWS' },
          ),
        tooLarge: () =>
          new StepError(
            'fatal',
            opts.stepId,
            redact(
              `${prefix}query result is larger than ${maxBytes} bytes as JSON (the limit); select fewer rows or columns`,
            ),
            { code: 'TOO_LARGE' },
          ),
      });
    } catch (error) {
      if (error instanceof StepError) throw error;
      throw toStepError(error, 'query');
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await client.end().catch(() => {});
  }
}

function runQuery(
  client: pg.Client,
  sql: string,
  params: unknown[],
  limits: {
    maxRows: number;
    maxBytes: number;
    started: number;
    backstopMs: number;
    tooMany: () => StepError;
    tooLarge: () => StepError;
  },
): Promise<SqlResult> {
  const { maxRows, maxBytes, started, tooMany, tooLarge } = limits;
  return new Promise((resolve, reject) => {
    const rows: unknown[] = [];
    let bytes = 2; // the enclosing []
    let over = false;
    const stop = (error: unknown) => {
      if (over) return;
      over = true;
      clearTimeout(backstop);
      reject(error);
      client.end().catch(() => {}); // stop the server streaming the rest
    };
    // statement_timeout is the real limit; this catches a server that stops answering at all.
    const backstop = setTimeout(() => stop(new Error('Query read timeout')), limits.backstopMs);
    // Extended protocol even without params: exactly one statement, values never in the text.
    // (`queryMode` is a pg option its type definitions do not list yet.)
    const config: pg.QueryConfig<unknown[]> & { queryMode: 'extended' } = {
      text: sql,
      values: params,
      queryMode: 'extended',
    };
    const query = new pg.Query(config);
    query.on('row', (row: unknown) => {
      if (over) return;
      if (rows.length >= maxRows) {
        stop(tooMany());
        return;
      }
      const data = toJsonData(row);
      // Counted as it streams in: a huge result never sits in memory whole.
      bytes += Buffer.byteLength(JSON.stringify(data) ?? 'null') + 1;
      if (bytes > maxBytes) {
        stop(tooLarge());
        return;
      }
      rows.push(data);
    });
    query.on('error', (error: Error) => {
      if (over) return;
      over = true;
      clearTimeout(backstop);
      reject(error);
    });
    query.on('end', (result: { rowCount: number | null }) => {
      if (over) return;
      over = true;
      clearTimeout(backstop);
      resolve({
        rows,
        rowCount: result.rowCount ?? rows.length,
        durationMs: Math.round(performance.now() - started),
      });
    });
    client.query(query);
  });
}
