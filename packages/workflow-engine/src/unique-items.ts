import type { KeywordDefinition } from 'ajv';

/**
 * `uniqueItems` in time linear in the array: Ajv's own keyword compares every pair of items
 * unless the schema pins them to scalar types, so a tenant's `[{}, {}, …]` under a bare
 * `uniqueItems: true` would take quadratic time. Each item is written as canonical JSON (keys
 * sorted, so `{a,b}` equals `{b,a}` as JSON Schema says) and looked up in a set.
 */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value).sort();
  const record = value as Record<string, unknown>;
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`).join(',')}}`;
}

export const uniqueItemsKeyword: KeywordDefinition = {
  keyword: 'uniqueItems',
  type: 'array',
  schemaType: 'boolean',
  errors: true,
  validate: function uniqueItems(unique: boolean, data: unknown[]): boolean {
    const self = uniqueItems as typeof uniqueItems & { errors?: unknown[] };
    self.errors = [];
    if (!unique) return true;
    const seen = new Map<string, number>();
    for (let i = 0; i < data.length; i++) {
      let key: string;
      try {
        key = canonical(data[i]);
      } catch {
        // Nesting deep enough to exhaust the stack: refused rather than compared some other way.
        self.errors = [
          {
            keyword: 'uniqueItems',
            message: 'items are nested too deeply to compare',
            params: { i },
          },
        ];
        return false;
      }
      const first = seen.get(key);
      if (first !== undefined) {
        self.errors = [
          {
            keyword: 'uniqueItems',
            message: `must NOT have duplicate items (items ## ${first} and ${i} are identical)`,
            params: { i, j: first },
          },
        ];
        return false;
      }
      seen.set(key, i);
    }
    return true;
  },
};
