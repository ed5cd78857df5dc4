import { CredentialMappingError } from './errors';
import type { JsonValue, Variables } from './types';

/**
 * Non-secret values for placeholders: `<<input.customerId>>`, `<<steps.getUser.id>>`,
 * `<<steps.list.items.0.id>>`. A dotted name walks the variables object (own properties only,
 * array indices as numbers); a plain name is a top-level key, used only when no credential
 * matches it.
 */
export type VariableLookup = { found: true; value: unknown } | { found: false };

export function lookupVariable(variables: Variables | undefined, path: string): VariableLookup {
  let current: unknown = variables;
  // Walks `path.split('.')` without building the array.
  let start = 0;
  for (;;) {
    const dot = path.indexOf('.', start);
    const segment = dot < 0 ? path.slice(start) : path.slice(start, dot);
    if (current === null || typeof current !== 'object') return { found: false };
    if (!Object.hasOwn(current, segment)) return { found: false };
    current = (current as Record<string, unknown>)[segment];
    if (dot < 0) break;
    start = dot + 1;
  }
  return current === undefined ? { found: false } : { found: true, value: current };
}

function invalid(name: string): CredentialMappingError {
  return new CredentialMappingError(
    'INVALID_VARIABLE',
    `Variable <<${name}>> is not JSON-compatible and cannot be placed`,
    { placeholder: name },
  );
}

/** Text form: strings as they are, other scalars via String, objects and arrays as JSON. */
export function variableToText(value: unknown, name: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  try {
    const text = JSON.stringify(value);
    if (typeof text === 'string') return text;
  } catch {
    // cycles and bigints inside objects: reported below without quoting the value
  }
  throw invalid(name);
}

/** JSON form, for a body string that is exactly one variable placeholder (keeps the type). */
export function variableToJson(value: unknown, name: string): JsonValue {
  try {
    const text = JSON.stringify(value);
    if (typeof text === 'string') return JSON.parse(text) as JsonValue;
  } catch {
    // reported below
  }
  throw invalid(name);
}
