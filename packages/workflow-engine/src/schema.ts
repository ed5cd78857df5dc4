import Ajv from 'ajv';
import type { AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { linearRegExp } from './linear-regexp';
import { schemaShapeProblem } from './schema-shape';
import { uniqueItemsKeyword } from './unique-items';

/**
 * JSON Schema for workflow inputs and results: draft 2020-12 by default; a schema whose `$schema`
 * names draft-07 (or draft-06) is read as draft-07, since that is what most tools still emit.
 * Formats (email, date-time, uri, uuid ...) are checked. Unknown keywords are ignored (strict
 * off), so annotations such as `example` do not break a schema. Remote `$ref`s are never fetched.
 *
 * Each distinct schema compiles in an Ajv instance of its own: a tenant's `$id` can neither clash
 * with nor be `$ref`erenced by another tenant's schema.
 *
 * Tenants are hostile, so validation takes time linear in the value (bar formats, which are
 * fixed patterns): `pattern` and `patternProperties` run on RE2 (linear-regexp.ts),
 * `uniqueItems` hashes items instead of comparing every pair (unique-items.ts), and a schema is
 * capped in bytes and nesting depth (schema-shape.ts) before Ajv compiles it.
 */
export type SchemaCheck = { ok: true } | { ok: false; errors: string[] };

/** Largest schema accepted, in bytes of its JSON, and deepest nesting of objects and arrays. */
export interface SchemaLimits {
  maxBytes: number;
  maxDepth: number;
}

export const DEFAULT_SCHEMA_LIMITS: Readonly<SchemaLimits> = { maxBytes: 64 * 1024, maxDepth: 32 };

/** What is wrong with a schema; `path` leads to the offending part (empty for the whole). */
export interface SchemaProblem {
  path: string[];
  message: string;
}

const MAX_ERRORS = 20;
const CACHE_SIZE = 500;
const cache = new Map<string, ValidateFunction | SchemaProblem>();
let limits: SchemaLimits = { ...DEFAULT_SCHEMA_LIMITS };

/** Sets the caps every later check uses (the api and the worker read them from their env). */
export function configureSchemaLimits(next: SchemaLimits): void {
  limits = { ...next };
  cache.clear();
}

export function schemaLimits(): Readonly<SchemaLimits> {
  return limits;
}

function isDraft07(schema: AnySchemaObject): boolean {
  const uri = typeof schema.$schema === 'string' ? schema.$schema : '';
  return /json-schema\.org\/draft-0[67]\/schema/.test(uri);
}

function newAjv(draft07: boolean) {
  const options = {
    allErrors: true,
    strict: false,
    // Ajv would otherwise test the schema's property names against each pattern with RegExp.
    allowMatchingProperties: true,
    code: { regExp: linearRegExp },
  } as const;
  const ajv = draft07 ? new Ajv(options) : new Ajv2020(options);
  addFormats(ajv);
  ajv.removeKeyword('uniqueItems');
  ajv.addKeyword(uniqueItemsKeyword);
  return ajv;
}

const problem = (message: string, path: string[] = []): SchemaProblem => ({ path, message });

/** The compiled validator, or the reason the schema does not compile (cached either way). */
function compile(schema: unknown): ValidateFunction | SchemaProblem {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    return problem('must be a JSON Schema object');
  }
  // Depth first: it is bounded, and it keeps JSON.stringify below from deep recursion.
  const shape = schemaShapeProblem(schema, limits.maxDepth);
  if (shape.problem) return shape.problem;
  let key: string;
  try {
    key = JSON.stringify(schema);
  } catch {
    return problem('must be JSON data');
  }
  const bytes = Buffer.byteLength(key);
  if (bytes > limits.maxBytes) {
    return problem(
      `is ${bytes} bytes of JSON; a schema may have at most ${limits.maxBytes} (LATCHKEY_SCHEMA_MAX_BYTES)`,
    );
  }
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  let compiled: ValidateFunction | SchemaProblem | undefined = shape.patternProblem();
  if (!compiled) {
    try {
      const object = schema as AnySchemaObject;
      compiled = newAjv(isDraft07(object)).compile(object);
    } catch (error) {
      // A pattern the shape walk did not see as one (inside a property named like a keyword).
      compiled = problem(error instanceof Error ? error.message : String(error));
    }
  }
  cache.set(key, compiled);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return compiled;
}

const isProblem = (value: ValidateFunction | SchemaProblem): value is SchemaProblem =>
  typeof value !== 'function';

/** What makes `schema` unusable (with the path to it), or undefined when it compiles. */
export function schemaProblem(schema: unknown): SchemaProblem | undefined {
  const compiled = compile(schema);
  return isProblem(compiled) ? compiled : undefined;
}

/** Why `schema` is not a usable JSON Schema, or undefined when it compiles. */
export function compileSchemaProblem(schema: unknown): string | undefined {
  const found = schemaProblem(schema);
  if (!found) return undefined;
  return found.path.length ? `${found.path.join('.')}: ${found.message}` : found.message;
}

function formatError(error: ErrorObject): string {
  const where = error.instancePath || '/';
  const params = error.params as Record<string, unknown>;
  let detail = '';
  if (error.keyword === 'additionalProperties')
    detail = ` ("${String(params.additionalProperty)}")`;
  if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    detail = `: ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return `${where}: ${error.message ?? `fails "${error.keyword}"`}${detail}`;
}

/** Validates `value`; errors read like `/items/0/email: must match format "email"`. */
export function validateAgainstSchema(schema: object, value: unknown): SchemaCheck {
  const compiled = compile(schema);
  if (isProblem(compiled)) {
    return { ok: false, errors: [`schema: ${compileSchemaProblem(schema) ?? compiled.message}`] };
  }
  let valid: boolean;
  try {
    valid = compiled(value) as boolean;
  } catch {
    // Only exhaustion can throw here (a value nested deep enough to overflow the stack).
    return { ok: false, errors: ['/: is nested too deeply to check'] };
  }
  if (valid) return { ok: true };
  const all = (compiled.errors ?? []).map(formatError);
  const unique = [...new Set(all)];
  const errors = unique.slice(0, MAX_ERRORS);
  if (unique.length > MAX_ERRORS) errors.push(`… and ${unique.length - MAX_ERRORS} more`);
  return { ok: false, errors: errors.length ? errors : ['/: does not match the schema'] };
}
