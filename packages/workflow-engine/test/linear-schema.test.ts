import { describe, expect, it } from 'vitest';
import {
  compileSchemaProblem,
  configureSchemaLimits,
  DEFAULT_SCHEMA_LIMITS,
  schemaLimitsFromEnv,
  toRe2Syntax,
  validateAgainstSchema,
  validateWorkflowDefinition,
} from '../src/index';

const catastrophic = { type: 'string', pattern: '^(a+)+$' };

/** Milliseconds `fn` takes. A generous bound only: a backtracking engine takes minutes here. */
function timed(fn: () => void): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

describe('tenant patterns run in linear time', () => {
  it('a catastrophic pattern answers at once, matching or not', () => {
    let check: ReturnType<typeof validateAgainstSchema> | undefined;
    const ms = timed(() => {
      check = validateAgainstSchema(catastrophic, `${'a'.repeat(31)}!`);
    });
    expect(check).toEqual({ ok: false, errors: ['/: must match pattern "^(a+)+$"'] });
    expect(ms).toBeLessThan(1_000);
    expect(validateAgainstSchema(catastrophic, 'a'.repeat(100_000))).toEqual({ ok: true });
    const long = timed(() => validateAgainstSchema(catastrophic, `${'a'.repeat(100_000)}!`));
    expect(long).toBeLessThan(2_000);
  });

  it('patternProperties run on RE2 too', () => {
    const schema = {
      type: 'object',
      patternProperties: { '^(a|aa)+$': { type: 'number' } },
    };
    const ms = timed(() => {
      expect(validateAgainstSchema(schema, { [`${'a'.repeat(40)}!`]: 'x' }).ok).toBe(true);
      expect(validateAgainstSchema(schema, { aaaa: 'x' }).ok).toBe(false);
    });
    expect(ms).toBeLessThan(1_000);
  });

  it('patterns keep their JavaScript meaning, \\u escapes included', () => {
    const schema = { type: 'string', pattern: '^\\u00e9[\\w-]+\\d{2}$' };
    expect(validateAgainstSchema(schema, 'éab-c12').ok).toBe(true);
    expect(validateAgainstSchema(schema, 'eab-c12').ok).toBe(false);
    expect(validateAgainstSchema({ type: 'string', pattern: 'b' }, 'abc').ok).toBe(true);
    expect(toRe2Syntax('\\\\u0041\\u{1F600}')).toBe('\\\\u0041\\x{1F600}');
  });

  it('two patterns in one schema keep their own meaning', () => {
    const schema = {
      type: 'object',
      properties: { a: { pattern: '^a$' }, b: { pattern: '^b$' } },
    };
    expect(validateAgainstSchema(schema, { a: 'a', b: 'b' }).ok).toBe(true);
    expect(validateAgainstSchema(schema, { a: 'b', b: 'a' }).ok).toBe(false);
  });

  it('backreferences and lookarounds are refused by schema path', () => {
    const definition = (inputSchema: object) =>
      validateWorkflowDefinition({
        steps: [{ id: 'get', integrationId: 'api', method: 'GET', path: '/' }],
        integrations: [
          { id: 'api', kind: 'http', urlHost: 'https://x.test', urlPath: '', credentialNames: [] },
        ],
        inputSchema,
      });
    const backreference = definition({
      type: 'object',
      properties: { code: { type: 'string', pattern: '^(a)\\1$' } },
    });
    expect(backreference.ok).toBe(false);
    if (backreference.ok) return;
    expect(backreference.problems[0]?.path).toBe('inputSchema.properties.code.pattern');
    expect(backreference.problems[0]?.message).toMatch(/not supported.*linear time/);

    const lookahead = definition({ patternProperties: { '^(?=x)': {} } });
    expect(lookahead.ok ? [] : lookahead.problems.map((p) => p.path)).toEqual([
      'inputSchema.patternProperties.^(?=x)',
    ]);
    // A property named `pattern` and a default with a `pattern` field are not expressions.
    expect(
      definition({
        type: 'object',
        properties: { pattern: { type: 'string' } },
        default: { pattern: '(?=not a regex)' },
      }).ok,
    ).toBe(true);
    // Nor does the fallback let one through: under a property named `const`, Ajv refuses it.
    expect(
      compileSchemaProblem({ properties: { const: { type: 'string', pattern: '(a)\\1' } } }),
    ).toMatch(/not supported/);
  });
});

describe('schemas are capped', () => {
  it('in bytes and depth, naming where and which setting', () => {
    const big = { type: 'object', description: 'x'.repeat(DEFAULT_SCHEMA_LIMITS.maxBytes) };
    expect(compileSchemaProblem(big)).toMatch(/bytes of JSON.*LATCHKEY_SCHEMA_MAX_BYTES/);
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 40; i++) deep = { type: 'object', properties: { x: deep } };
    expect(compileSchemaProblem(deep)).toMatch(
      /^properties\.x\.properties\.x\..*: is nested deeper than 32 levels \(LATCHKEY_SCHEMA_MAX_DEPTH\)$/,
    );
    expect(validateAgainstSchema(deep, {})).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^schema: properties\.x.*nested deeper/)],
    });
  });

  it('configurably', () => {
    expect(schemaLimitsFromEnv({})).toEqual(DEFAULT_SCHEMA_LIMITS);
    const limits = schemaLimitsFromEnv({
      LATCHKEY_SCHEMA_MAX_BYTES: '2048',
      LATCHKEY_SCHEMA_MAX_DEPTH: '4',
    });
    expect(limits).toEqual({ maxBytes: 2048, maxDepth: 4 });
    expect(() => schemaLimitsFromEnv({ LATCHKEY_SCHEMA_MAX_DEPTH: 'deep' })).toThrow(
      /LATCHKEY_SCHEMA_MAX_DEPTH/,
    );
    try {
      configureSchemaLimits(limits);
      // Four levels of objects pass; a fifth is one too many.
      const items = (inner: object) => ({ type: 'array', items: inner });
      expect(
        compileSchemaProblem({ properties: { a: items({ type: 'string' }) } }),
      ).toBeUndefined();
      const schema = { properties: { a: items(items({ type: 'string' })) } };
      expect(compileSchemaProblem(schema)).toMatch(/nested deeper than 4/);
      expect(compileSchemaProblem({ description: 'x'.repeat(3000) })).toMatch(/at most 2048/);
    } finally {
      configureSchemaLimits(DEFAULT_SCHEMA_LIMITS);
    }
  });
});

describe('uniqueItems', () => {
  it('compares items as JSON values, in linear time', () => {
    const schema = { type: 'array', uniqueItems: true };
    expect(
      validateAgainstSchema(schema, [
        { a: 1, b: 2 },
        { b: 2, a: 1 },
      ]),
    ).toEqual({
      ok: false,
      errors: ['/: must NOT have duplicate items (items ## 0 and 1 are identical)'],
    });
    expect(validateAgainstSchema(schema, [1, '1', [1], { 1: 1 }, null]).ok).toBe(true);
    const many = Array.from({ length: 200_000 }, (_, i) => ({ i }));
    const ms = timed(() => expect(validateAgainstSchema(schema, many).ok).toBe(true));
    expect(ms).toBeLessThan(5_000);
  });
});
