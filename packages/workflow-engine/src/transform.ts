import jsonata from 'jsonata';
import { evaluateInSandbox } from './sandbox';
import type { JsonValue } from './steps';

/**
 * Transforms are JSONata only: no tenant JavaScript runs anywhere. Evaluation happens in the
 * sandbox threads (see sandbox.ts) with three limits:
 * - `timeoutMs` wall clock: JSONata's own guardrail stops at the next function call, and the
 *   thread is killed shortly after if the expression is stuck elsewhere;
 * - `maxDepth` nested function calls (runaway recursion fails fast with D1011);
 * - `maxSequence` items in any intermediate sequence (D2015), plus the thread's memory cap;
 * and its output is at most `maxOutputBytes` as JSON (TOO_LARGE). `tenantId` queues the
 * evaluation fairly among the tenants sharing the sandbox threads.
 */
export interface TransformOptions {
  timeoutMs?: number;
  maxDepth?: number;
  maxSequence?: number;
  maxOutputBytes?: number;
  tenantId?: string;
}

export const DEFAULT_TRANSFORM_TIMEOUT_MS = 1000;
export const DEFAULT_TRANSFORM_MAX_DEPTH = 200;
export const DEFAULT_TRANSFORM_MAX_SEQUENCE = 1_000_000;
export const DEFAULT_TRANSFORM_MAX_OUTPUT_BYTES = 10 * 1024 * 1024;

export class TransformError extends Error {
  override readonly name = 'TransformError';
  /**
   * JSONata's code (`S0201`, `D1011`, `T2001` ...) or `TIMEOUT`, `MEMORY`, `INPUT`, `SANDBOX`,
   * `TOO_LARGE`.
   */
  readonly code: string;
  readonly position: number | undefined;

  constructor(code: string, message: string, position?: number) {
    super(message);
    this.code = code;
    this.position = position;
  }
}

const describe = (e: { code?: string; message?: string; position?: number; token?: string }) => {
  const at = typeof e.position === 'number' ? ` at position ${e.position}` : '';
  const token = e.token ? ` (near "${e.token}")` : '';
  return `${e.message ?? 'invalid expression'}${at}${token}`;
};

/** Why a JSONata expression does not compile, or undefined when it does. Parses only. */
export function jsonataCompileProblem(expression: string): string | undefined {
  try {
    jsonata(expression);
    return undefined;
  } catch (error) {
    if (error instanceof RangeError) return 'expression is nested too deeply';
    return describe(error as { message?: string; position?: number; token?: string });
  }
}

/**
 * Evaluates `expression` against `data` and returns the result as JSON data: undefined when the
 * expression matches nothing, functions dropped, JSONata sequences as plain arrays.
 */
export async function runTransform(
  expression: string,
  data: unknown,
  options: TransformOptions = {},
): Promise<JsonValue | undefined> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TRANSFORM_TIMEOUT_MS;
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_TRANSFORM_MAX_OUTPUT_BYTES;
  const outcome = await evaluateInSandbox(
    {
      expression,
      data,
      timeoutMs,
      maxDepth: options.maxDepth ?? DEFAULT_TRANSFORM_MAX_DEPTH,
      maxSequence: options.maxSequence ?? DEFAULT_TRANSFORM_MAX_SEQUENCE,
      maxOutputBytes,
    },
    options.tenantId,
  );
  if (outcome.ok) {
    return outcome.json === undefined ? undefined : (JSON.parse(outcome.json) as JsonValue);
  }
  const { error } = outcome;
  switch (error.code) {
    case 'D1012':
      throw new TransformError(
        'TIMEOUT',
        `JSONata transform timed out after ${timeoutMs} ms (limit; check for an infinite loop)`,
      );
    case 'TOO_LARGE':
      throw new TransformError(
        'TOO_LARGE',
        `JSONata transform output is larger than ${maxOutputBytes} bytes as JSON (the limit); select less`,
      );
    case 'D1011':
      throw new TransformError(
        'D1011',
        `JSONata transform exceeded ${options.maxDepth ?? DEFAULT_TRANSFORM_MAX_DEPTH} nested calls (runaway recursion?)`,
        error.position,
      );
    default:
      throw new TransformError(
        error.code,
        `JSONata transform failed: ${error.code} ${describe(error)}`,
        error.position,
      );
  }
}
