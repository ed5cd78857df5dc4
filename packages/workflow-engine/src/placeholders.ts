import {
  isVariablePath,
  lookupVariable,
  parseTemplate,
  wholePlaceholder,
} from '@latchkey/credential-mapper';
import type { JsonValue } from './steps';

/**
 * Variables a step can read: `input` (the run's payload) and `steps` (earlier results by id).
 * They are data, never secrets.
 */
export interface StepVariables {
  input?: unknown;
  steps?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

export type PlaceholderErrorCode = 'CREDENTIAL_IN_SQL_PARAM' | 'UNRESOLVED_VARIABLE';

export class PlaceholderError extends Error {
  override readonly name = 'PlaceholderError';
  readonly code: PlaceholderErrorCode;
  readonly placeholder: string;
  /** Where: `params.0`, `params.2.filter` ... */
  readonly location: string;

  constructor(code: PlaceholderErrorCode, message: string, placeholder: string, location: string) {
    super(message);
    this.code = code;
    this.placeholder = placeholder;
    this.location = location;
  }
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? 'null';
}

function resolveValue(value: JsonValue, variables: StepVariables, location: string): unknown {
  if (typeof value === 'string') {
    const check = (name: string): unknown => {
      if (!isVariablePath(name)) {
        throw new PlaceholderError(
          'CREDENTIAL_IN_SQL_PARAM',
          `<<${name}>> in ${location} is not a variable: credentials belong in the integration's connection string, not in SQL parameters`,
          name,
          location,
        );
      }
      const found = lookupVariable(variables, name);
      if (!found.found) {
        throw new PlaceholderError(
          'UNRESOLVED_VARIABLE',
          `<<${name}>> in ${location} has no value in this run`,
          name,
          location,
        );
      }
      return found.value;
    };
    const whole = wholePlaceholder(value);
    if (whole !== undefined) return check(whole);
    return parseTemplate(value)
      .map((part) => (part.kind === 'text' ? part.text : asText(check(part.name))))
      .join('');
  }
  if (Array.isArray(value)) {
    return value.map((item, i) => resolveValue(item, variables, `${location}.${i}`));
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(out, key, {
        value: resolveValue(item, variables, `${location}.${key}`),
        enumerable: true,
        writable: true,
      });
    }
    return out;
  }
  return value;
}

/**
 * A SQL step's params with variables filled in. A string that is exactly one placeholder takes
 * the variable's value with its JSON type (numbers stay numbers; arrays become Postgres arrays
 * and objects JSON text when pg sends them); other strings get placeholders as text. A
 * placeholder without a dot (a credential name) is an error: SQL params carry data only.
 */
export function resolveSqlParams(
  params: readonly JsonValue[] | undefined,
  variables: StepVariables,
): unknown[] {
  return (params ?? []).map((param, i) => resolveValue(param, variables, `params.${i}`));
}
