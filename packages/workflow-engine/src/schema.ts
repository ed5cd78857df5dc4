import Ajv from 'ajv';
import type { AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * JSON Schema for workflow inputs and results: draft 2020-12 by default; a schema whose `$schema`
 * names draft-07 (or draft-06) is read as draft-07, since that is what most tools still emit.
 * Formats (email, date-time, uri, uuid ...) are checked. Unknown keywords are ignored (strict
 * off), so annotations such as `example` do not break a schema. Remote `$ref`s are never fetched.
 *
 * Each distinct schema compiles in an Ajv instance of its own: a tenant's `$id` can neither clash
 * with nor be `$ref`erenced by another tenant's schema.
 */
export type SchemaCheck = { ok: true } | { ok: false; errors: string[] };

const MAX_ERRORS = 20;
const CACHE_SIZE = 500;
const cache = new Map<string, ValidateFunction | string>();

function isDraft07(schema: AnySchemaObject): boolean {
  const uri = typeof schema.$schema === 'string' ? schema.$schema : '';
  return /json-schema\.org\/draft-0[67]\/schema/.test(uri);
}

function newAjv(draft07: boolean) {
  const options = { allErrors: true, strict: false } as const;
  const ajv = draft07 ? new Ajv(options) : new Ajv2020(options);
  addFormats(ajv);
  return ajv;
}

/** The compiled validator, or the reason the schema does not compile (cached either way). */
function compile(schema: unknown): ValidateFunction | string {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    return 'must be a JSON Schema object';
  }
  let key: string;
  try {
    key = JSON.stringify(schema);
  } catch {
    return 'must be JSON data';
  }
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  let compiled: ValidateFunction | string;
  try {
    const object = schema as AnySchemaObject;
    compiled = newAjv(isDraft07(object)).compile(object);
  } catch (error) {
    compiled = error instanceof Error ? error.message : String(error);
  }
  cache.set(key, compiled);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return compiled;
}

/** Why `schema` is not a usable JSON Schema, or undefined when it compiles. */
export function compileSchemaProblem(schema: unknown): string | undefined {
  const compiled = compile(schema);
  return typeof compiled === 'string' ? compiled : undefined;
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
  if (typeof compiled === 'string') return { ok: false, errors: [`schema: ${compiled}`] };
  if (compiled(value)) return { ok: true };
  const all = (compiled.errors ?? []).map(formatError);
  const unique = [...new Set(all)];
  const errors = unique.slice(0, MAX_ERRORS);
  if (unique.length > MAX_ERRORS) errors.push(`… and ${unique.length - MAX_ERRORS} more`);
  return { ok: false, errors: errors.length ? errors : ['/: does not match the schema'] };
}
