import { linearPatternProblem } from './linear-regexp';
import type { SchemaProblem } from './schema';

/**
 * One walk over a tenant's schema before Ajv sees it: refuses nesting deeper than the cap
 * (naming where), and finds every regular expression with its path so a pattern RE2 cannot
 * run is refused by name (`properties.code.pattern`) rather than by Ajv's bare message.
 *
 * Keys of `properties`, `$defs` and the like are names, not keywords, and `const`, `enum`,
 * `default` and `examples` hold data: a property named `pattern`, or a default value with a
 * `pattern` field, is not a regular expression.
 */
const NAME_MAPS = new Set([
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
]);
const DATA = new Set(['const', 'enum', 'default', 'examples', 'example']);

type Mode = 'schema' | 'names' | 'data';

export interface ShapeCheck {
  problem?: SchemaProblem;
  /** The first pattern RE2 cannot run (computed on demand: the walk itself compiles nothing). */
  patternProblem(): SchemaProblem | undefined;
}

export function schemaShapeProblem(schema: object, maxDepth: number): ShapeCheck {
  const patterns: { path: string[]; pattern: string }[] = [];
  // An explicit stack: depth is capped anyway, but recursion would be bounded by it too.
  const stack: { value: unknown; path: string[]; depth: number; mode: Mode }[] = [
    { value: schema, path: [], depth: 0, mode: 'schema' },
  ];
  while (stack.length) {
    const { value, path, depth, mode } = stack.pop() as (typeof stack)[number];
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxDepth) {
      return {
        problem: {
          path,
          message: `is nested deeper than ${maxDepth} levels (LATCHKEY_SCHEMA_MAX_DEPTH)`,
        },
        patternProblem: () => undefined,
      };
    }
    const entries: [string, unknown][] = Array.isArray(value)
      ? value.map((item, i) => [String(i), item])
      : Object.entries(value);
    for (const [key, child] of entries) {
      let childMode: Mode = mode === 'data' ? 'data' : 'schema';
      if (mode === 'schema' && !Array.isArray(value)) {
        if (DATA.has(key)) childMode = 'data';
        else if (NAME_MAPS.has(key)) childMode = 'names';
        if (key === 'pattern' && typeof child === 'string') {
          patterns.push({ path: [...path, key], pattern: child });
        }
        if (key === 'patternProperties' && child !== null && typeof child === 'object') {
          for (const name of Object.keys(child)) {
            patterns.push({ path: [...path, key, name], pattern: name });
          }
        }
      }
      stack.push({ value: child, path: [...path, key], depth: depth + 1, mode: childMode });
    }
  }
  return {
    patternProblem() {
      for (const { path, pattern } of patterns) {
        const why = linearPatternProblem(pattern);
        if (why) return { path, message: why };
      }
      return undefined;
    },
  };
}
