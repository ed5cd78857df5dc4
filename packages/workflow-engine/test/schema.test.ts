import { describe, expect, it } from 'vitest';
import { compileSchemaProblem, validateAgainstSchema } from '../src/index';

const people = {
  type: 'object',
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'email'],
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          email: { type: 'string', format: 'email' },
          created: { type: 'string', format: 'date-time' },
          status: { enum: ['active', 'gone'] },
        },
      },
    },
  },
};

describe('validateAgainstSchema', () => {
  it('accepts valid values', () => {
    expect(
      validateAgainstSchema(people, {
        items: [{ id: 'a', email: 'a@example.com', created: '2024-05-01T10:00:00Z' }],
      }),
    ).toEqual({ ok: true });
  });

  it('lists every error with its path', () => {
    const result = validateAgainstSchema(people, {
      items: [
        { id: 'a', email: 'not-an-email' },
        { id: 2, created: 'yesterday', status: 'x', extra: true },
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(
      expect.arrayContaining([
        '/items/0/email: must match format "email"',
        "/items/1: must have required property 'email'",
        '/items/1: must NOT have additional properties ("extra")',
        '/items/1/id: must be string',
        '/items/1/created: must match format "date-time"',
        '/items/1/status: must be equal to one of the allowed values: "active", "gone"',
      ]),
    );
    expect(validateAgainstSchema(people, [])).toEqual({ ok: false, errors: ['/: must be object'] });
  });

  it('reads 2020-12 by default and draft-07 when declared', () => {
    const tuple2020 = { type: 'array', prefixItems: [{ type: 'number' }], items: false };
    expect(validateAgainstSchema(tuple2020, [1])).toEqual({ ok: true });
    expect(validateAgainstSchema(tuple2020, [1, 2]).ok).toBe(false);
    const tuple07 = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'array',
      items: [{ type: 'number' }],
      additionalItems: false,
    };
    expect(compileSchemaProblem(tuple07)).toBeUndefined();
    expect(validateAgainstSchema(tuple07, [1, 2]).ok).toBe(false);
  });

  it("keeps one schema's $id away from another", () => {
    const a = { $id: 'https://tenant-a.example/s', type: 'string' };
    const b = { $id: 'https://tenant-a.example/s', type: 'number' };
    expect(validateAgainstSchema(a, 'x')).toEqual({ ok: true });
    expect(validateAgainstSchema(b, 1)).toEqual({ ok: true });
    expect(compileSchemaProblem({ $ref: 'https://tenant-a.example/s' })).toMatch(/resolve/);
  });
});

describe('compileSchemaProblem', () => {
  it('explains schemas that do not compile', () => {
    expect(compileSchemaProblem({ type: 'object' })).toBeUndefined();
    expect(compileSchemaProblem({ type: 'nonsense' })).toMatch(/schema is invalid/);
    expect(compileSchemaProblem('x')).toBe('must be a JSON Schema object');
    expect(validateAgainstSchema({ minimum: 'x' }, 1)).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^schema: /)],
    });
  });
});
