import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { isLatchkeyError, LatchkeyError } from '../src/errors';

/** What the api sends for a failed call (its error formatter adds `data.fields`). */
function errorResponse(code: string, httpStatus: number, message: string, fields: unknown = null) {
  return {
    error: {
      message,
      code: -32600,
      data: { code, httpStatus, path: 'integrations.upsert', fields },
    },
  };
}

describe('LatchkeyError.from', () => {
  it('maps a BAD_REQUEST with field issues', () => {
    const fields = [{ path: ['oauth', 'tokenUrl'], message: 'must be an http(s) URL' }];
    const original = TRPCClientError.from(
      errorResponse(
        'BAD_REQUEST',
        400,
        'Invalid input: oauth.tokenUrl: must be an http(s) URL',
        fields,
      ),
    );
    const error = LatchkeyError.from(original);
    expect(error).toBeInstanceOf(LatchkeyError);
    expect(error).toBeInstanceOf(Error);
    expect(isLatchkeyError(error)).toBe(true);
    expect(error.name).toBe('LatchkeyError');
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.httpStatus).toBe(400);
    expect(error.fields).toEqual(fields);
    expect(error.path).toBe('integrations.upsert');
    expect(error.message).toBe('Invalid input: oauth.tokenUrl: must be an http(s) URL');
    expect(error.cause).toBe(original);
  });

  it.each([
    ['NOT_FOUND', 404],
    ['UNAUTHORIZED', 401],
    ['FORBIDDEN', 403],
    ['CONFLICT', 409],
    ['PRECONDITION_FAILED', 412],
    ['INTERNAL_SERVER_ERROR', 500],
  ])('keeps the code %s and status %i', (code, status) => {
    const error = LatchkeyError.from(TRPCClientError.from(errorResponse(code, status, 'nope')));
    expect(error.code).toBe(code);
    expect(error.httpStatus).toBe(status);
    expect(error.fields).toBeNull();
    expect(error.message).toBe('nope');
  });

  it('accepts a TRPCClientError-shaped plain object (another copy of @trpc/client)', () => {
    const shaped = {
      name: 'TRPCClientError',
      message: "No integration 'stripe'",
      shape: { message: "No integration 'stripe'", code: -32004, data: {} },
      data: { code: 'NOT_FOUND', httpStatus: 404, path: 'integrations.get', fields: null },
    };
    const error = LatchkeyError.from(shaped);
    expect(error).toMatchObject({
      code: 'NOT_FOUND',
      httpStatus: 404,
      path: 'integrations.get',
      fields: null,
      message: "No integration 'stripe'",
    });
    expect(error.cause).toBe(shaped);
  });

  it('reads the data from `shape` when `data` is missing', () => {
    const error = LatchkeyError.from({
      message: 'x',
      shape: { message: 'x', data: { code: 'CONFLICT', httpStatus: 409 } },
    });
    expect(error.code).toBe('CONFLICT');
    expect(error.httpStatus).toBe(409);
  });

  it('falls back to the response status when data has none', () => {
    const error = LatchkeyError.from({
      message: 'x',
      data: { code: 'TOO_MANY_REQUESTS' },
      meta: { response: { status: 429 } },
    });
    expect(error.httpStatus).toBe(429);
  });

  it('keeps the wait of a rate limit, and null elsewhere', () => {
    const limited = LatchkeyError.from({
      message: 'Too many requests',
      data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, retryAfterSeconds: 42 },
    });
    expect(limited.retryAfterSeconds).toBe(42);
    const redacted = LatchkeyError.from(
      {
        message: 'Too many requests for lk_secret',
        data: { code: 'TOO_MANY_REQUESTS', retryAfterSeconds: 7 },
      },
      { redact: ['lk_secret'] },
    );
    expect(redacted.message).not.toContain('lk_secret');
    expect(redacted.retryAfterSeconds).toBe(7);
    expect(
      LatchkeyError.from({ message: 'x', data: { code: 'CONFLICT' } }).retryAfterSeconds,
    ).toBeNull();
  });

  it('ignores a malformed fields value', () => {
    const error = LatchkeyError.from({
      message: 'x',
      data: { code: 'BAD_REQUEST', httpStatus: 400, fields: 'oops' },
    });
    expect(error.fields).toBeNull();
  });

  it('treats an answer without a tRPC error as UNEXPECTED_RESPONSE with its status', () => {
    const original = TRPCClientError.from(new Error('not found'), {
      meta: { response: { status: 404 } as unknown as Response },
    });
    const error = LatchkeyError.from(original);
    expect(error.code).toBe('UNEXPECTED_RESPONSE');
    expect(error.httpStatus).toBe(404);
    expect(error.message).toMatch(/HTTP 404.*not a Latchkey API response/);
  });

  it('treats a body that is not JSON as UNEXPECTED_RESPONSE', () => {
    const error = LatchkeyError.from(TRPCClientError.from(new SyntaxError('Unexpected token <')));
    expect(error.code).toBe('UNEXPECTED_RESPONSE');
    expect(error.httpStatus).toBeNull();
  });

  it('unwraps a LatchkeyError our fetch wrapper raised inside tRPC', () => {
    const inner = new LatchkeyError('Could not reach the Latchkey API', { code: 'NETWORK_ERROR' });
    expect(LatchkeyError.from(TRPCClientError.from(inner))).toBe(inner);
    expect(LatchkeyError.from(inner)).toBe(inner);
  });

  it('maps an abort to CLIENT_CLOSED_REQUEST and a timeout to TIMEOUT', () => {
    const abort = new DOMException('This operation was aborted', 'AbortError');
    expect(LatchkeyError.from(TRPCClientError.from(abort)).code).toBe('CLIENT_CLOSED_REQUEST');
    const timeout = new DOMException('The operation timed out', 'TimeoutError');
    expect(LatchkeyError.from(TRPCClientError.from(timeout)).code).toBe('TIMEOUT');
  });

  it('maps anything else to NETWORK_ERROR, keeping the message and cause', () => {
    const cause = new TypeError('fetch failed');
    const error = LatchkeyError.from(TRPCClientError.from(cause));
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.message).toBe('fetch failed');
    expect(error.httpStatus).toBeNull();
    expect(LatchkeyError.from('boom').message).toBe('boom');
    expect(LatchkeyError.from(undefined).code).toBe('NETWORK_ERROR');
  });

  describe('redaction', () => {
    const apiKey = 'lk_live_0123456789abcdef';

    it('removes a secret from the message and the stack', () => {
      const error = LatchkeyError.from(
        TRPCClientError.from(errorResponse('BAD_REQUEST', 400, `bad header Bearer ${apiKey}`)),
        { redact: [apiKey] },
      );
      expect(error.message).toBe('bad header Bearer [REDACTED]');
      expect(error.stack).not.toContain(apiKey);
      expect(error.code).toBe('BAD_REQUEST');
    });

    it('drops a cause chain that mentions the secret', () => {
      const deep = new TypeError(`Headers.append: "Bearer ${apiKey}\n" is an invalid header value`);
      const error = LatchkeyError.from(new Error('fetch failed', { cause: deep }), {
        redact: [apiKey],
      });
      const chain: string[] = [];
      for (let e: unknown = error; e instanceof Error; e = e.cause)
        chain.push(e.message, e.stack ?? '');
      expect(chain.join('\n')).not.toContain(apiKey);
      expect(error.cause).toBeInstanceOf(Error);
    });

    it('leaves errors without the secret alone', () => {
      const original = new LatchkeyError('nope', { code: 'NOT_FOUND', httpStatus: 404 });
      expect(LatchkeyError.from(original, { redact: [apiKey, '', undefined] })).toBe(original);
    });
  });
});
