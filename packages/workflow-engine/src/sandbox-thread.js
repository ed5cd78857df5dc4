// @ts-check
// The code each sandbox thread runs (see sandbox.ts for the invariants). Plain JavaScript, typed
// with JSDoc and checked by tsc (`checkJs`): Node starts it as it is, from the sources under
// vitest or tsx and from an app's dist/ (tsup emits it beside main.js), with no loader in the
// thread, whose start-up time counts against the transform's timeout.
import { parentPort } from 'node:worker_threads';
import jsonata from 'jsonata';

/** @typedef {import('./sandbox').EvaluateRequest} EvaluateRequest */
/** @typedef {import('./sandbox').EvaluateOutcome} EvaluateOutcome */
/** @typedef {import('./sandbox').SandboxFailure} SandboxFailure */

/** Compiled expressions kept per thread, least recently used dropped first. */
const CACHE_SIZE = 200;

/** @type {Map<string, jsonata.Expression>} */
const cache = new Map();

/**
 * @param {string} expression
 * @param {jsonata.JsonataOptions} options
 */
function compile(expression, options) {
  const key = `${options.timeout}|${options.stack}|${options.sequence}|${expression}`;
  let expr = cache.get(key);
  if (expr) {
    cache.delete(key);
    cache.set(key, expr);
    return expr;
  }
  expr = jsonata(expression, options);
  cache.set(key, expr);
  if (cache.size > CACHE_SIZE) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  return expr;
}

/**
 * JSONata throws plain objects with a code and position; anything else is an ERROR.
 * @param {unknown} error
 * @returns {SandboxFailure}
 */
function failureOf(error) {
  /** @type {{ code?: unknown, message?: unknown, position?: unknown, token?: unknown }} */
  const e = typeof error === 'object' && error !== null ? error : {};
  return {
    code: typeof e.code === 'string' ? e.code : 'ERROR',
    message: String(e.message || error),
    position: typeof e.position === 'number' ? e.position : undefined,
    token: typeof e.token === 'string' ? e.token : undefined,
  };
}

/**
 * @param {EvaluateRequest} request
 * @returns {Promise<EvaluateOutcome>}
 */
async function evaluate(request) {
  try {
    const options = {
      timeout: request.timeoutMs,
      stack: request.maxDepth,
      sequence: request.maxSequence,
    };
    const value = await compile(request.expression, options).evaluate(request.data);
    const json = value === undefined ? undefined : JSON.stringify(value);
    // Checked here, so an oversized output is never copied to the caller's thread.
    if (json !== undefined && Buffer.byteLength(json) > request.maxOutputBytes) {
      return { ok: false, error: { code: 'TOO_LARGE', message: 'output too large' } };
    }
    return { ok: true, json };
  } catch (error) {
    return { ok: false, error: failureOf(error) };
  }
}

const port = parentPort;
if (!port) throw new Error('sandbox-thread.js runs only as a worker thread (see sandbox.ts)');
port.on('message', async (/** @type {{ id: number } & EvaluateRequest} */ message) => {
  const { id, ...request } = message;
  port.postMessage({ id, ...(await evaluate(request)) });
});
